from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="RunStatistics")


@_attrs_define(init=False)
class RunStatistics:
    """The weakly typed statistics log of a run: any JSON object of at most 256 members that nests
    at most 32 levels deep (`x-max-depth`: the object itself is level 1, each object or array in
    it one more), which the service returns as it was sent (each number as the value sent, or
    one that rounds to the same IEEE 754 double, in any JSON spelling: `100`, `100.0` and `1e2`
    are one number). Strings and member names in it are Unicode text (a lone surrogate escape
    such as `\\ud800` is refused), and numbers are within the range of a double (`1e400` is
    refused), as everywhere in a request body.

        Example:
            {'recordsRead': 1250, 'recordsWritten': 1248}

    """

    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __init__(self, **members: Any) -> None:
        """A free-form object built with keywords, as `RunStatistics(recordsRead=3)`: its members as given."""
        self.additional_properties = dict(members)

    def to_dict(self) -> dict[str, Any]:

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)

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
        run_statistics = cls()

        run_statistics.additional_properties = d
        return run_statistics

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
