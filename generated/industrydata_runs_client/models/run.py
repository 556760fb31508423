from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.run_status import RunStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.blocking_error import BlockingError
    from ..models.run_statistics import RunStatistics


T = TypeVar("T", bound="Run")


@_attrs_define
class Run:
    """A run of an inbound flow, as the service returns it: every property below but
    `@odata.type`, which OData's minimal metadata leaves out for the declared type, and when
    present is `#microsoft.graph.industryData.run` (its `default`). Besides its properties a
    run may carry OData control information and annotations, whose names hold `@` (such as
    `@odata.context`, `@odata.etag`, `@microsoft.graph.tips`, `status@odata.type`); no other
    member.

        Attributes:
            id (str): The run's id, assigned by the service.
            display_name (str): The name of the run.
            start_date_time (datetime.datetime): An instant in UTC (`Z`), with the fractional digits that were sent (up to
                7), in the years
                1000 to 9999: a value a client may send back as a `dateTimeOffset`.
            end_date_time (datetime.datetime | None): When the run finished, in UTC; `null` while the run is in progress.
            status (RunStatus | str): The run's status. A client should accept values it does not know: Graph may add
                members
                after `unknownFutureValue`.
            blocking_error (BlockingError | None): The error that blocked the run, or `null`.
            statistics (RunStatistics): The weakly typed statistics log of a run: any JSON object of at most 256 members
                that nests
                at most 32 levels deep (`x-max-depth`: the object itself is level 1, each object or array in
                it one more), which the service returns as it was sent (each number as the value sent, or
                one that rounds to the same IEEE 754 double, in any JSON spelling: `100`, `100.0` and `1e2`
                are one number). Strings and member names in it are Unicode text (a lone surrogate escape
                such as `\\ud800` is refused), and numbers are within the range of a double (`1e400` is
                refused), as everywhere in a request body.
                 Example: {'recordsRead': 1250, 'recordsWritten': 1248}.
            odata_type (str | Unset): The OData type annotation: `#microsoft.graph.industryData.run` when present. A client
                should accept another spelling, or none.
                 Default: '#microsoft.graph.industryData.run'.
    """

    id: str
    display_name: str
    start_date_time: datetime.datetime
    end_date_time: datetime.datetime | None
    status: RunStatus | str
    blocking_error: BlockingError | None
    statistics: RunStatistics
    odata_type: str | Unset = "#microsoft.graph.industryData.run"

    def to_dict(self) -> dict[str, Any]:
        from ..models.blocking_error import BlockingError  # noqa: PLC0415

        id = self.id

        display_name = self.display_name

        if self.start_date_time.utcoffset() is None:
            raise ValueError(
                "startDateTime: a naive datetime (no tzinfo) is ambiguous; "
                "pass an aware one, such as datetime.datetime.now(datetime.UTC)"
            )

        start_date_time = self.start_date_time.isoformat()

        end_date_time: None | str
        if isinstance(self.end_date_time, datetime.datetime):
            if self.end_date_time.utcoffset() is None:
                raise ValueError(
                    "endDateTime: a naive datetime (no tzinfo) is ambiguous; "
                    "pass an aware one, such as datetime.datetime.now(datetime.UTC)"
                )

            end_date_time = self.end_date_time.isoformat()
        else:
            end_date_time = self.end_date_time

        status: str
        if isinstance(self.status, RunStatus):
            status = self.status.value
        else:
            status = self.status

        blocking_error: dict[str, Any] | None
        if isinstance(self.blocking_error, BlockingError):
            blocking_error = self.blocking_error.to_dict()
        else:
            blocking_error = self.blocking_error

        statistics = self.statistics.to_dict()

        odata_type = self.odata_type

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "displayName": display_name,
                "startDateTime": start_date_time,
                "endDateTime": end_date_time,
                "status": status,
                "blockingError": blocking_error,
                "statistics": statistics,
            }
        )
        if odata_type is not UNSET:
            field_dict["@odata.type"] = odata_type

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
        from ..models.blocking_error import BlockingError  # noqa: PLC0415
        from ..models.run_statistics import RunStatistics  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        display_name = d.pop("displayName")

        start_date_time = datetime.datetime.fromisoformat(d.pop("startDateTime"))

        def _parse_end_date_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                end_date_time_type_0 = datetime.datetime.fromisoformat(data)

                return end_date_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        end_date_time = _parse_end_date_time(d.pop("endDateTime"))

        def _parse_status(data: object) -> RunStatus | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_0 = RunStatus(data)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(RunStatus | str, data)

        status = _parse_status(d.pop("status"))

        def _parse_blocking_error(data: object) -> BlockingError | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                blocking_error_type_0 = BlockingError.from_dict(data)

                return blocking_error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BlockingError | None, data)

        blocking_error = _parse_blocking_error(d.pop("blockingError"))

        statistics = RunStatistics.from_dict(d.pop("statistics"))

        odata_type = d.pop("@odata.type", UNSET)

        run = cls(
            id=id,
            display_name=display_name,
            start_date_time=start_date_time,
            end_date_time=end_date_time,
            status=status,
            blocking_error=blocking_error,
            statistics=statistics,
            odata_type=odata_type,
        )

        return run
