from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.public_inner_error_odata_type import PublicInnerErrorOdataType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.public_error_detail import PublicErrorDetail


T = TypeVar("T", bound="PublicInnerError")


@_attrs_define
class PublicInnerError:
    """More specific information about a publicError, as a request sets it.

    Attributes:
        odata_type (PublicInnerErrorOdataType | Unset):
        code (None | str | Unset): The error code.
        message (None | str | Unset): A description of the error for people.
        target (None | str | Unset): The target of the error.
        details (list[PublicErrorDetail] | None | Unset):
    """

    odata_type: PublicInnerErrorOdataType | Unset = UNSET
    code: None | str | Unset = UNSET
    message: None | str | Unset = UNSET
    target: None | str | Unset = UNSET
    details: list[PublicErrorDetail] | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        odata_type: str | Unset = UNSET
        if not isinstance(self.odata_type, Unset):
            odata_type = self.odata_type.value

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

        details: list[dict[str, Any]] | None | Unset
        if isinstance(self.details, Unset):
            details = UNSET
        elif isinstance(self.details, list):
            details = []
            for details_type_0_item_data in self.details:
                details_type_0_item = details_type_0_item_data.to_dict()
                details.append(details_type_0_item)

        else:
            details = self.details

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if odata_type is not UNSET:
            field_dict["@odata.type"] = odata_type
        if code is not UNSET:
            field_dict["code"] = code
        if message is not UNSET:
            field_dict["message"] = message
        if target is not UNSET:
            field_dict["target"] = target
        if details is not UNSET:
            field_dict["details"] = details

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
        from ..models.public_error_detail import PublicErrorDetail  # noqa: PLC0415

        d = dict(src_dict)
        _odata_type = d.pop("@odata.type", UNSET)
        odata_type: PublicInnerErrorOdataType | Unset
        if isinstance(_odata_type, Unset):
            odata_type = UNSET
        else:
            odata_type = PublicInnerErrorOdataType(_odata_type)

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

        def _parse_details(data: object) -> list[PublicErrorDetail] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                details_type_0 = []
                _details_type_0 = data
                for details_type_0_item_data in _details_type_0:
                    details_type_0_item = PublicErrorDetail.from_dict(details_type_0_item_data)

                    details_type_0.append(details_type_0_item)

                return details_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[PublicErrorDetail] | None | Unset, data)

        details = _parse_details(d.pop("details", UNSET))

        public_inner_error = cls(
            odata_type=odata_type,
            code=code,
            message=message,
            target=target,
            details=details,
        )

        return public_inner_error
