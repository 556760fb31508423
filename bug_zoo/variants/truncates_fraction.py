"""Times pass through a microsecond clock: the seventh fractional digit is lost."""

from __future__ import annotations

import re
from typing import Any

from bug_zoo.asgi import Call, Request, Response, is_json_write, rewriting
from bug_zoo.catalog import Variant

FRACTION = re.compile(r"(\.\d{6})\d+")
TIMES = ("startDateTime", "endDateTime")


def _truncated(value: Any) -> Any:
    return FRACTION.sub(r"\1", value) if isinstance(value, str) else value


async def handle(request: Request, call: Call) -> Response:
    body = request.json()
    if is_json_write(request) and isinstance(body, dict) and any(name in body for name in TIMES):
        changed = {
            name: _truncated(value) if name in TIMES else value for name, value in body.items()
        }
        request = request.with_json(changed)
    return await call(request)


VARIANT = Variant(
    name="truncates_fraction",
    bug="times keep 6 fractional digits, not 7",
    middleware=rewriting(handle),
    covers=("D9",),
)
