"""Impossible dates roll over (`2026-02-30` is taken as `2026-03-02`), as lenient calendars do."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from typing import Any

from bug_zoo.asgi import Call, Request, Response, is_json_write, rewriting
from bug_zoo.catalog import Variant

DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(T.*)$")
TIMES = ("startDateTime", "endDateTime")


def _rolled(value: Any) -> Any:
    found = DATE.match(value) if isinstance(value, str) else None
    if found is None:
        return value
    year, month, day = (int(part) for part in found.groups()[:3])
    if not 1 <= month <= 12 or not 1 <= day <= 31 or day <= calendar.monthrange(year, month)[1]:
        return value
    rolled = date(year, month, 1) + timedelta(days=day - 1)
    return f"{rolled.isoformat()}{found.group(4)}"


async def handle(request: Request, call: Call) -> Response:
    body = request.json()
    if is_json_write(request) and isinstance(body, dict) and any(name in body for name in TIMES):
        request = request.with_json(
            {name: _rolled(value) if name in TIMES else value for name, value in body.items()}
        )
    return await call(request)


VARIANT = Variant(
    name="impossible_dates_rolled",
    bug="an impossible date (February 30) is accepted and rolled into the next month",
    middleware=rewriting(handle),
    covers=("request:dateTimeOffset:format", "D9"),
)
