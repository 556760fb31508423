"""Numbers past the double range are read as infinity and written back as `null`.

JavaScript's `JSON.parse('{"n": 1e400}')` gives `Infinity`, and `JSON.stringify` writes it as
`null`; Python's `json` reads `1e400` as `inf` too. A server on either accepts the number, and the
run comes back with `null` where the caller sent a number (D38: 400).
"""

from __future__ import annotations

import json
import math
from typing import Any

from bug_zoo.asgi import Call, Request, Response, is_json_write, rewriting
from bug_zoo.catalog import Variant


def _finite_or_null(value: Any) -> Any:
    """`value` with every number a double cannot hold as `None`, as `JSON.stringify` writes it."""
    if isinstance(value, dict):
        return {name: _finite_or_null(member) for name, member in value.items()}
    if isinstance(value, list):
        return [_finite_or_null(item) for item in value]
    if isinstance(value, float) and math.isinf(value):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            float(value)
        except OverflowError:
            return None
    return value


async def handle(request: Request, call: Call) -> Response:
    if is_json_write(request):
        try:
            body = json.loads(request.body)
        except (ValueError, RecursionError):
            body = None
        if body is not None and _finite_or_null(body) != body:
            request = request.with_json(_finite_or_null(body))
    return await call(request)


VARIANT = Variant(
    name="huge_numbers_as_null",
    bug="a number past the double range (`1e400`) is accepted and comes back as `null`",
    middleware=rewriting(handle),
    covers=("D7", "status:*:400"),
)
