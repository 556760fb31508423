from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.o_data_main_error import ODataMainError


T = TypeVar("T", bound="ODataError")


@_attrs_define
class ODataError:
    """Graph's OData error envelope.

    Attributes:
        error (ODataMainError): The main error of an OData error response.
    """

    error: ODataMainError

    def to_dict(self) -> dict[str, Any]:
        error = self.error.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "error": error,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.o_data_main_error import ODataMainError  # noqa: PLC0415

        d = dict(src_dict)
        error = ODataMainError.from_dict(d.pop("error"))

        o_data_error = cls(
            error=error,
        )

        return o_data_error
