from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="RunReference")


@_attrs_define
class RunReference:
    """The body of *Add run* that links an existing run: an OData entity reference, as Graph's
    SDKs send it to every `$ref` endpoint.

        Example:
            {'@odata.id': 'https://graph.microsoft.com/beta/industryData/incomingFlows/demo-flow/runs/demo-unlinked-run'}

        Attributes:
            odata_id (str): The absolute URL of a run of the same flow, at this service:
                `https://graph.microsoft.com/beta/industryData/incomingFlows/{incomingFlowId}/runs/{id}`
                (the scheme, host and base path the request was sent to, or those of a production
                server of this contract: the `servers` it is published with, not the loopback
                development server). It is taken as sent: a dot segment (also escaped, `%2e`), an
                invalid percent-escape, a query or a fragment is `400`, never resolved away.
    """

    odata_id: str

    def to_dict(self) -> dict[str, Any]:
        odata_id = self.odata_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "@odata.id": odata_id,
            }
        )

        return field_dict

    def __str__(self) -> str:
        """The JSON this model stands for, in one line: what `print(run)` or
        `raise SystemExit(error)` shows, rather than a repr of every member left unset."""
        try:
            return json.dumps(self.to_dict(), ensure_ascii=False, default=str)
        except ValueError:  # a body that cannot be sent as it is (too few members)
            return repr(self)

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        odata_id = d.pop("@odata.id")

        run_reference = cls(
            odata_id=odata_id,
        )

        return run_reference
