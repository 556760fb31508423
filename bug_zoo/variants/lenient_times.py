"""Times without an offset are taken as UTC: the parser was lenient, the spec's pattern is not."""

from __future__ import annotations

import re
from typing import Any

from bug_zoo.asgi import Call, Request, Response, is_json_write, rewriting
from bug_zoo.catalog import Variant

LOCAL_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$")
TIMES = ("startDateTime", "endDateTime")


def _with_offset(value: Any) -> Any:
    return f"{value}Z" if isinstance(value, str) and LOCAL_TIME.match(value) else value


async def handle(request: Request, call: Call) -> Response:
    body = request.json()
    if is_json_write(request) and isinstance(body, dict) and any(name in body for name in TIMES):
        request = request.with_json(
            {name: _with_offset(value) if name in TIMES else value for name, value in body.items()}
        )
    return await call(request)


VARIANT = Variant(
    name="lenient_times",
    bug="times without an offset are accepted (as UTC), not refused",
    middleware=rewriting(handle),
    covers=("request:dateTimeOffset:pattern", "D9"),
)
