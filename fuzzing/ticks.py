"""DateTimeOffset values compared at the precision the contract promises (100 ns, 7 digits).

`datetime` stops at microseconds and at year 1, so a server that drops the seventh digit would
look correct through it; these helpers count ticks of 100 ns on the proleptic Gregorian calendar
instead (year 0000 included, as the spec's pattern allows it).
"""

from __future__ import annotations

import re

_PATTERN = re.compile(
    r"^(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
    r"T(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})"
    r"(?:[.](?P<fraction>[0-9]+))?(?P<offset>Z|[+-][0-9]{2}:[0-9]{2})"
)
_TICKS_PER_SECOND = 10_000_000
_MAX_FRACTION_DIGITS = 7
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 (Howard Hinnant's algorithm; exact for any Gregorian date)."""
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


def ticks(value: str) -> int | None:
    """The instant `value` names, in 100 ns ticks since 1970-01-01T00:00:00Z; None if invalid.

    More than seven fractional digits cannot be kept exactly, so such a value counts as invalid
    rather than being rounded.
    """
    match = _PATTERN.fullmatch(value)
    if match is None:
        return None
    year, month, day = (int(match.group(name)) for name in ("year", "month", "day"))
    hour, minute, second = (int(match.group(name)) for name in ("hour", "minute", "second"))
    fraction = match.group("fraction") or ""
    if not 1 <= month <= 12 or len(fraction) > _MAX_FRACTION_DIGITS:
        return None
    days_in_month = 29 if month == 2 and _is_leap(year) else _DAYS_IN_MONTH[month - 1]
    if not 1 <= day <= days_in_month or hour > 23 or minute > 59 or second > 59:
        return None
    offset_seconds = 0
    offset = match.group("offset")
    if offset != "Z":
        offset_hours, offset_minutes = int(offset[1:3]), int(offset[4:6])
        if offset_hours > 23 or offset_minutes > 59:
            return None
        offset_seconds = (1 if offset[0] == "+" else -1) * (
            offset_hours * 3600 + offset_minutes * 60
        )
    seconds = _days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second
    seconds -= offset_seconds
    return seconds * _TICKS_PER_SECOND + int(fraction.ljust(_MAX_FRACTION_DIGITS, "0"))


def is_utc(value: str) -> bool:
    """Whether `value` is written in UTC with a `Z`, as the service returns times."""
    match = _PATTERN.fullmatch(value)
    return match is not None and match.group("offset") == "Z"
