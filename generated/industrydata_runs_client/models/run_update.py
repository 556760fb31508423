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


T = TypeVar("T", bound="RunUpdate")


@_attrs_define
class RunUpdate:
    """The body of *Update run*: at least one member, either properties to change or only
    `@odata.type`, which changes no property (the answer is the run as it is). `null` clears
    `endDateTime` and `blockingError`; no other property may be `null`.

        Attributes:
            odata_type (OdataTypeRun | Unset): The OData type annotation of a run in a request: omit it, or send one of the
                spellings of
                Graph's documentation pages.
            display_name (str | Unset): The name of the run.
            start_date_time (datetime.datetime | Unset): An instant with its UTC offset (ISO 8601 / RFC 3339), with up to 7
                fractional digits of a
                second, for example `2026-11-24T02:00:00.1234567Z` or `2026-11-24T03:00:00+01:00`. Years run
                from 1000 to 9999 as written; in 1000 only `Z` and negative offsets, in 9999 only `Z` and
                positive offsets, so that the instant in UTC, as the service returns it, is in those years
                too and can be sent back.
            end_date_time (datetime.datetime | None | Unset): When the run finished, or `null` to mark it in progress again.
            status (RunStatusInput | Unset): The status of a run, as a caller may set it (the sentinel `unknownFutureValue`
                excluded).
            blocking_error (None | PublicError | Unset): The error that blocked the run, or `null` to clear it.
            statistics (RunStatistics | Unset): The weakly typed statistics log of a run: any JSON object of at most 256
                members that nests
                at most 32 levels deep (`x-max-depth`: the object itself is level 1, each object or array in
                it one more), which the service returns as it was sent (each number as the value sent, or
                one that rounds to the same IEEE 754 double, in any JSON spelling: `100`, `100.0` and `1e2`
                are one number). Strings and member names in it are Unicode text (a lone surrogate escape
                such as `\\ud800` is refused), and numbers are within the range of a double (`1e400` is
                refused), as everywhere in a request body.
                 Example: {'recordsRead': 1250, 'recordsWritten': 1248}.
    """

    odata_type: OdataTypeRun | Unset = UNSET
    display_name: str | Unset = UNSET
    start_date_time: datetime.datetime | Unset = UNSET
    end_date_time: datetime.datetime | None | Unset = UNSET
    status: RunStatusInput | Unset = UNSET
    blocking_error: None | PublicError | Unset = UNSET
    statistics: RunStatistics | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.public_error import PublicError  # noqa: PLC0415

        odata_type: str | Unset = UNSET
        if not isinstance(self.odata_type, Unset):
            odata_type = self.odata_type.value

        display_name = self.display_name

        start_date_time: str | Unset = UNSET
        if not isinstance(self.start_date_time, Unset):
            if self.start_date_time.utcoffset() is None:
                raise ValueError(
                    "startDateTime: a naive datetime (no tzinfo) is ambiguous; "
                    "pass an aware one, such as datetime.datetime.now(datetime.UTC)"
                )

            start_date_time = self.start_date_time.isoformat()

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

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        blocking_error: dict[str, Any] | None | Unset
        if isinstance(self.blocking_error, Unset):
            blocking_error = UNSET
        elif isinstance(self.blocking_error, PublicError):
            blocking_error = self.blocking_error.to_dict()
        else:
            blocking_error = self.blocking_error

        statistics: dict[str, Any] | Unset = UNSET
        if not isinstance(self.statistics, Unset):
            statistics = self.statistics.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if odata_type is not UNSET:
            field_dict["@odata.type"] = odata_type
        if display_name is not UNSET:
            field_dict["displayName"] = display_name
        if start_date_time is not UNSET:
            field_dict["startDateTime"] = start_date_time
        if end_date_time is not UNSET:
            field_dict["endDateTime"] = end_date_time
        if status is not UNSET:
            field_dict["status"] = status
        if blocking_error is not UNSET:
            field_dict["blockingError"] = blocking_error
        if statistics is not UNSET:
            field_dict["statistics"] = statistics

        if len(field_dict) < 1:
            # The spec's minProperties: refused here, before sending, not by the service with a 400.
            raise ValueError("RunUpdate needs at least 1 member(s) set: nothing to send")
        return field_dict

    def __str__(self) -> str:
        """The JSON this model stands for, in one line: what `print(run)` or
        `raise SystemExit(error)` shows, rather than a repr of every member left unset."""
        try:
            return json.dumps(self.to_dict(), ensure_ascii=False, default=str)
        except ValueError:  # a body that cannot be sent as it is (too few members)
            return repr(self)

    @classmethod
    def restoring(cls: type[T], read: Any) -> T:
        """The body that would restore `read` (a model that was read, such as a `Run`): the members
        of `read.to_dict()` this model names, the read-only ones (`id`, annotations) left out.
        A value this body does not accept (a status that cannot be sent) raises ValueError."""
        names = {
            "@odata.type",
            "displayName",
            "startDateTime",
            "endDateTime",
            "status",
            "blockingError",
            "statistics",
        }
        return cls.from_dict({name: value for name, value in read.to_dict().items() if name in names})

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.public_error import PublicError  # noqa: PLC0415
        from ..models.run_statistics import RunStatistics  # noqa: PLC0415

        d = dict(src_dict)
        _odata_type = d.pop("@odata.type", UNSET)
        odata_type: OdataTypeRun | Unset
        if isinstance(_odata_type, Unset):
            odata_type = UNSET
        else:
            odata_type = OdataTypeRun(_odata_type)

        display_name = d.pop("displayName", UNSET)

        _start_date_time = d.pop("startDateTime", UNSET)
        start_date_time: datetime.datetime | Unset
        if isinstance(_start_date_time, Unset):
            start_date_time = UNSET
        else:
            start_date_time = datetime.datetime.fromisoformat(_start_date_time)

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

        _status = d.pop("status", UNSET)
        status: RunStatusInput | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = RunStatusInput(_status)

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

        _statistics = d.pop("statistics", UNSET)
        statistics: RunStatistics | Unset
        if isinstance(_statistics, Unset):
            statistics = UNSET
        else:
            statistics = RunStatistics.from_dict(_statistics)

        run_update = cls(
            odata_type=odata_type,
            display_name=display_name,
            start_date_time=start_date_time,
            end_date_time=end_date_time,
            status=status,
            blocking_error=blocking_error,
            statistics=statistics,
        )

        return run_update
