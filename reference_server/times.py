"""DateTimeOffset values: any offset in, UTC `Z` out, every fractional digit kept.

Python's datetime stops at microseconds, while Graph keeps 7 fractional digits (100 ns). So the
whole seconds are converted with datetime and the fraction is carried along as the digits sent:
an offset is whole minutes, so it never changes the fraction.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

_PARTS = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})T(?P<time>\d{2}:\d{2}:\d{2})(?P<fraction>\.\d+)?"
    r"(?P<offset>Z|(?P<sign>[+-])(?P<hours>\d{2}):(?P<minutes>\d{2}))"
)


class TimeOutOfRangeError(ValueError):
    """The instant, moved to UTC, falls outside the years 0001 to 9999."""


def to_utc(value: str) -> str:
    """`value` (already checked against the spec) as UTC with `Z` and the same fraction digits."""
    found = _PARTS.fullmatch(value)
    if found is None:
        raise ValueError(f"not a date-time: {value!r}")
    try:
        local = datetime.fromisoformat(f"{found['date']}T{found['time']}")
    except ValueError as exc:
        raise TimeOutOfRangeError(f"{value} is not a date this service can store") from exc
    offset = UTC
    if found["sign"]:
        delta = timedelta(hours=int(found["hours"]), minutes=int(found["minutes"]))
        offset = timezone(-delta if found["sign"] == "-" else delta)
    try:
        utc = local.replace(tzinfo=offset).astimezone(UTC)
    except OverflowError as exc:
        raise TimeOutOfRangeError(f"{value} falls outside the years 0001 to 9999 in UTC") from exc
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:{utc.minute:02d}:"
        f"{utc.second:02d}{found['fraction'] or ''}Z"
    )
