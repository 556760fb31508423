from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.odata_type_run import OdataTypeRun
from ..models.run_status_input import RunStatusInput
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.public_error import PublicError
    from ..models.run_statistics import RunStatistics


T = TypeVar("T", bound="RunCreate")


@_attrs_define
class RunCreate:
    """The body of *Add run*. The service assigns `id`; sending it is an error.

    Attributes:
        display_name (str): The name of the run.
        start_date_time (datetime.datetime): An instant with its UTC offset (ISO 8601 / RFC 3339), with up to 7
            fractional digits of a
            second, for example `2026-11-24T02:00:00.1234567Z` or `2026-11-24T03:00:00+01:00`. Years run
            from 1000 to 9999 as written; in 1000 only `Z` and negative offsets, in 9999 only `Z` and
            positive offsets, so that the instant in UTC, as the service returns it, is in those years
            too and can be sent back.
        status (RunStatusInput): The status of a run, as a caller may set it (the sentinel `unknownFutureValue`
            excluded).
        statistics (RunStatistics): The weakly typed statistics log of a run: any JSON object of at most 256 members
            that nests
            at most 32 levels deep (`x-max-depth`: the object itself is level 1, each object or array in
            it one more), which the service returns as it was sent (each number as the value sent, or
            one that rounds to the same IEEE 754 double, in any JSON spelling: `100`, `100.0` and `1e2`
            are one number). Strings and member names in it are Unicode text (a lone surrogate escape
            such as `\\ud800` is refused), and numbers are within the range of a double (`1e400` is
            refused), as everywhere in a request body.
             Example: {'recordsRead': 1250, 'recordsWritten': 1248}.
        odata_type (OdataTypeRun | Unset): The OData type annotation of a run in a request: omit it, or send one of the
            spellings of
            Graph's documentation pages.
        end_date_time (datetime.datetime | None | Unset): When the run finished; `null` or absent while the run is in
            progress.
        blocking_error (None | PublicError | Unset): The error that blocked the run, or `null`.
    """

    display_name: str
    start_date_time: datetime.datetime
    status: RunStatusInput
    statistics: RunStatistics
    odata_type: OdataTypeRun | Unset = UNSET
    end_date_time: datetime.datetime | None | Unset = UNSET
    blocking_error: None | PublicError | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.public_error import PublicError  # noqa: PLC0415

        display_name = self.display_name

        if self.start_date_time.utcoffset() is None:
            raise ValueError(
                "startDateTime: a naive datetime (no tzinfo) is ambiguous; "
                "pass an aware one, such as datetime.datetime.now(datetime.UTC)"
            )

        start_date_time = self.start_date_time.isoformat()

        status = self.status.value

        statistics = self.statistics.to_dict()

        odata_type: str | Unset = UNSET
        if not isinstance(self.odata_type, Unset):
            odata_type = self.odata_type.value

        end_date_time: None | str | Unset
        if isinstance(self.end_date_time, Unset):
            end_date_time = UNSET
        elif isinstance(self.end_date_time, datetime.datetime):
            if self.end_date_time.utcoffset() is None:
                raise ValueError(
                    "endDateTime: a naive datetime (no tzinfo) is ambiguous; "
                    "pass an aware one, such as datetime.datetime.now(datetime.UTC)"
                )

            end_date_time = self.end_date_time.isoformat()
        else:
            end_date_time = self.end_date_time

        blocking_error: dict[str, Any] | None | Unset
        if isinstance(self.blocking_error, Unset):
            blocking_error = UNSET
        elif isinstance(self.blocking_error, PublicError):
            blocking_error = self.blocking_error.to_dict()
        else:
            blocking_error = self.blocking_error

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "displayName": display_name,
                "startDateTime": start_date_time,
                "status": status,
                "statistics": statistics,
            }
        )
        if odata_type is not UNSET:
            field_dict["@odata.type"] = odata_type
        if end_date_time is not UNSET:
            field_dict["endDateTime"] = end_date_time
        if blocking_error is not UNSET:
            field_dict["blockingError"] = blocking_error

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
        from ..models.public_error import PublicError  # noqa: PLC0415
        from ..models.run_statistics import RunStatistics  # noqa: PLC0415

        d = dict(src_dict)
        display_name = d.pop("displayName")

        start_date_time = datetime.datetime.fromisoformat(d.pop("startDateTime"))

        status = RunStatusInput(d.pop("status"))

        statistics = RunStatistics.from_dict(d.pop("statistics"))

        _odata_type = d.pop("@odata.type", UNSET)
        odata_type: OdataTypeRun | Unset
        if isinstance(_odata_type, Unset):
            odata_type = UNSET
        else:
            odata_type = OdataTypeRun(_odata_type)

        def _parse_end_date_time(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                end_date_time_type_0 = datetime.datetime.fromisoformat(data)

                return end_date_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        end_date_time = _parse_end_date_time(d.pop("endDateTime", UNSET))

        def _parse_blocking_error(data: object) -> None | PublicError | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                blocking_error_type_0 = PublicError.from_dict(data)

                return blocking_error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PublicError | Unset, data)

        blocking_error = _parse_blocking_error(d.pop("blockingError", UNSET))

        run_create = cls(
            display_name=display_name,
            start_date_time=start_date_time,
            status=status,
            statistics=statistics,
            odata_type=odata_type,
            end_date_time=end_date_time,
            blocking_error=blocking_error,
        )

        return run_create
