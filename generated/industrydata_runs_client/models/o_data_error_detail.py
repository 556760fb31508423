from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ODataErrorDetail")


@_attrs_define
class ODataErrorDetail:
    """One further error of an OData error response.

    Attributes:
        code (str):
        message (str):
        target (str | Unset):
    """

    code: str
    message: str
    target: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        message = self.message

        target = self.target

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "code": code,
                "message": message,
            }
        )
        if target is not UNSET:
            field_dict["target"] = target

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code")

        message = d.pop("message")

        target = d.pop("target", UNSET)

        o_data_error_detail = cls(
            code=code,
            message=message,
            target=target,
        )

        return o_data_error_detail
