from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ODataInnerError")


@_attrs_define
class ODataInnerError:
    """Diagnostics of an OData error response.

    Attributes:
        request_id (UUID | Unset): The `request-id` of the response.
        client_request_id (str | Unset): The caller's `client-request-id`, when it sent one.
        date (datetime.datetime | Unset): When the error happened, in UTC.
    """

    request_id: UUID | Unset = UNSET
    client_request_id: str | Unset = UNSET
    date: datetime.datetime | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        request_id: str | Unset = UNSET
        if not isinstance(self.request_id, Unset):
            request_id = str(self.request_id)

        client_request_id = self.client_request_id

        date: str | Unset = UNSET
        if not isinstance(self.date, Unset):
            date = self.date.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if request_id is not UNSET:
            field_dict["request-id"] = request_id
        if client_request_id is not UNSET:
            field_dict["client-request-id"] = client_request_id
        if date is not UNSET:
            field_dict["date"] = date

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _request_id = d.pop("request-id", UNSET)
        request_id: UUID | Unset
        if isinstance(_request_id, Unset):
            request_id = UNSET
        else:
            request_id = UUID(_request_id)

        client_request_id = d.pop("client-request-id", UNSET)

        _date = d.pop("date", UNSET)
        date: datetime.datetime | Unset
        if isinstance(_date, Unset):
            date = UNSET
        else:
            date = datetime.datetime.fromisoformat(_date)

        o_data_inner_error = cls(
            request_id=request_id,
            client_request_id=client_request_id,
            date=date,
        )

        return o_data_inner_error
