"""Times are checked as written, not as returned: a time in year 1000 with a positive offset is
accepted and comes back in UTC in year 999 (`1000-01-01T00:30:00+01:00` as
`0999-12-31T23:30:00Z`), which the contract refuses when a client sends it back.

The contract's year rule before issue 22 guarded only the 9999 end; a server written from it
stores the instant and returns it in a year no request may name. The variant lets the reference
server keep such a time 8000 years later (a year the rule allows, the same calendar days) and
returns every time it keeps in year 8999 as year 0999.
"""

from __future__ import annotations

import re
from typing import Any

from bug_zoo.asgi import TIMES, Call, Request, Response, is_json_write, rewriting
from bug_zoo.catalog import Variant

_BEFORE_1000 = re.compile(r"^1000-01-01T(?P<time>[0-9:.]+)\+(?P<offset>\d\d:\d\d)$")
_SHIFTED = "8999-"


def _shifted(value: Any) -> Any:
    """A year-1000 time whose offset takes it into year 999, as year 9000 (else `value`)."""
    found = _BEFORE_1000.match(value) if isinstance(value, str) else None
    if found is None or found["time"][:5] >= found["offset"]:
        return value
    return "9" + value[1:]


def _returned(run: Any) -> Any:
    if not isinstance(run, dict):
        return run
    return {
        name: "0999-" + value.removeprefix(_SHIFTED)
        if name in TIMES and isinstance(value, str) and value.startswith(_SHIFTED)
        else value
        for name, value in run.items()
    }


async def handle(request: Request, call: Call) -> Response:
    body = request.json()
    if is_json_write(request) and isinstance(body, dict):
        changed = {name: _shifted(v) if name in TIMES else v for name, v in body.items()}
        if changed != body:
            request = request.with_json(changed)
    response = await call(request)
    answered = response.json()
    if isinstance(answered, dict) and _returned(answered) != answered:
        response = response.with_json(_returned(answered))
    return response


VARIANT = Variant(
    name="times_leave_the_years",
    bug=(
        "a time in year 1000 with a positive offset is accepted and returned in year 0999, "
        "which a client cannot send back"
    ),
    middleware=rewriting(handle),
    covers=("D9", "request:dateTimeOffset:pattern", "response:dateTimeOffsetUtc:pattern"),
)
