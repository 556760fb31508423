from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ODataInnerError")


@_attrs_define
class ODataInnerError:
    """Diagnostics of an OData error response. Service-specific, as in Graph: it may carry members
    it does not name, such as a nested `innerError`.

        Attributes:
            request_id (str | Unset): The `request-id` of the response (the `request-id` header is a UUID).
            client_request_id (str | Unset): The caller's `client-request-id`, when it sent one.
            date (str | Unset): When the error happened, in UTC. Graph writes it without an offset
                (`2026-11-24T02:00:01`); this service writes `Z`.
    """

    request_id: str | Unset = UNSET
    client_request_id: str | Unset = UNSET
    date: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        request_id = self.request_id

        client_request_id = self.client_request_id

        date = self.date

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if request_id is not UNSET:
            field_dict["request-id"] = request_id
        if client_request_id is not UNSET:
            field_dict["client-request-id"] = client_request_id
        if date is not UNSET:
            field_dict["date"] = date

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
        request_id = d.pop("request-id", UNSET)

        client_request_id = d.pop("client-request-id", UNSET)

        date = d.pop("date", UNSET)

        o_data_inner_error = cls(
            request_id=request_id,
            client_request_id=client_request_id,
            date=date,
        )

        o_data_inner_error.additional_properties = d
        return o_data_inner_error

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
