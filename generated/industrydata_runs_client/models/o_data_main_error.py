from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.o_data_error_detail import ODataErrorDetail
    from ..models.o_data_inner_error import ODataInnerError


T = TypeVar("T", bound="ODataMainError")


@_attrs_define
class ODataMainError:
    """The main error of an OData error response.

    Attributes:
        code (str): A service-defined error code, such as `BadRequest`.
        message (str): A description of the error for people.
        target (str | Unset): The target of the error, such as the property at fault.
        details (list[ODataErrorDetail] | Unset): Further errors, one per problem found.
        inner_error (ODataInnerError | Unset): Diagnostics of an OData error response.
    """

    code: str
    message: str
    target: str | Unset = UNSET
    details: list[ODataErrorDetail] | Unset = UNSET
    inner_error: ODataInnerError | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        message = self.message

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

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.o_data_error_detail import ODataErrorDetail  # noqa: PLC0415
        from ..models.o_data_inner_error import ODataInnerError  # noqa: PLC0415

        d = dict(src_dict)
        code = d.pop("code")

        message = d.pop("message")

        target = d.pop("target", UNSET)

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

        return o_data_main_error
