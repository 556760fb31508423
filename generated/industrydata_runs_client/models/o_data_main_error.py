from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.o_data_error_detail import ODataErrorDetail
    from ..models.o_data_inner_error import ODataInnerError


T = TypeVar("T", bound="ODataMainError")


@_attrs_define
class ODataMainError:
    """The main error of an OData error response (open, as `ODataError`).

    Attributes:
        code (str): A service-defined error code, such as `BadRequest`.
        message (str): A description of the error for people.
        target (None | str | Unset): The target of the error, such as the property at fault.
        details (list[ODataErrorDetail] | Unset): Further errors, one per problem found.
        inner_error (ODataInnerError | Unset): Diagnostics of an OData error response. Service-specific, as in Graph: it
            may carry members
            it does not name, such as a nested `innerError`.
    """

    code: str
    message: str
    target: None | str | Unset = UNSET
    details: list[ODataErrorDetail] | Unset = UNSET
    inner_error: ODataInnerError | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        message = self.message

        target: None | str | Unset
        if isinstance(self.target, Unset):
            target = UNSET
        else:
            target = self.target

        details: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.details, Unset):
            details = []
            for details_item_data in self.details:
                details_item = details_item_data.to_dict()
                details.append(details_item)

        inner_error: dict[str, Any] | Unset = UNSET
        if not isinstance(self.inner_error, Unset):
            inner_error = self.inner_error.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "message": message,
            }
        )
        if target is not UNSET:
            field_dict["target"] = target
        if details is not UNSET:
            field_dict["details"] = details
        if inner_error is not UNSET:
            field_dict["innerError"] = inner_error

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
        from ..models.o_data_error_detail import ODataErrorDetail  # noqa: PLC0415
        from ..models.o_data_inner_error import ODataInnerError  # noqa: PLC0415

        d = dict(src_dict)
        code = d.pop("code")

        message = d.pop("message")

        def _parse_target(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        target = _parse_target(d.pop("target", UNSET))

        _details = d.pop("details", UNSET)
        details: list[ODataErrorDetail] | Unset = UNSET
        if _details is not UNSET:
            details = []
            for details_item_data in _details:
                details_item = ODataErrorDetail.from_dict(details_item_data)

                details.append(details_item)

        _inner_error = d.pop("innerError", UNSET)
        inner_error: ODataInnerError | Unset
        if isinstance(_inner_error, Unset):
            inner_error = UNSET
        else:
            inner_error = ODataInnerError.from_dict(_inner_error)

        o_data_main_error = cls(
            code=code,
            message=message,
            target=target,
            details=details,
            inner_error=inner_error,
        )

        o_data_main_error.additional_properties = d
        return o_data_main_error

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
