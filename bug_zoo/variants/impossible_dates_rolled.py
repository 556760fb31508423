"""Impossible dates roll over (`2026-02-30` is taken as `2026-03-02`), as lenient calendars do."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from typing import Any

from bug_zoo.asgi import rewriting_times
from bug_zoo.catalog import Variant

DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(T.*)$")


def _rolled(value: Any) -> Any:
    found = DATE.match(value) if isinstance(value, str) else None
    if found is None:
        return value
    year, month, day = (int(part) for part in found.groups()[:3])
    if not 1 <= month <= 12 or not 1 <= day <= 31 or day <= calendar.monthrange(year, month)[1]:
        return value
    rolled = date(year, month, 1) + timedelta(days=day - 1)
    return f"{rolled.isoformat()}{found.group(4)}"


VARIANT = Variant(
    name="impossible_dates_rolled",
    bug="an impossible date (February 30) is accepted and rolled into the next month",
    middleware=rewriting_times(_rolled),
    covers=("request:dateTimeOffset:format", "D9"),
)
