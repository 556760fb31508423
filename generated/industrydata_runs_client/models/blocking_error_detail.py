from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="BlockingErrorDetail")


@_attrs_define
class BlockingErrorDetail:
    """One detail of a blocking error, as the service returns it (open, as `blockingError`).

    Attributes:
        odata_type (str | Unset):
        code (None | str | Unset): The error code.
        message (None | str | Unset): A description of the error for people.
        target (None | str | Unset): The target of the error.
    """

    odata_type: str | Unset = UNSET
    code: None | str | Unset = UNSET
    message: None | str | Unset = UNSET
    target: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        odata_type = self.odata_type

        code: None | str | Unset
        if isinstance(self.code, Unset):
            code = UNSET
        else:
            code = self.code

        message: None | str | Unset
        if isinstance(self.message, Unset):
            message = UNSET
        else:
            message = self.message

        target: None | str | Unset
        if isinstance(self.target, Unset):
            target = UNSET
        else:
            target = self.target

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if odata_type is not UNSET:
            field_dict["@odata.type"] = odata_type
        if code is not UNSET:
            field_dict["code"] = code
        if message is not UNSET:
            field_dict["message"] = message
        if target is not UNSET:
            field_dict["target"] = target

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
        odata_type = d.pop("@odata.type", UNSET)

        def _parse_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        code = _parse_code(d.pop("code", UNSET))

        def _parse_message(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        message = _parse_message(d.pop("message", UNSET))

        def _parse_target(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        target = _parse_target(d.pop("target", UNSET))

        blocking_error_detail = cls(
            odata_type=odata_type,
            code=code,
            message=message,
            target=target,
        )

        blocking_error_detail.additional_properties = d
        return blocking_error_detail

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
