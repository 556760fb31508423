"""`displayName` is measured in UTF-16 code units (as .NET and JavaScript count), not characters:
a valid name of 256 characters outside the Basic Multilingual Plane is refused as too long."""

from __future__ import annotations

from bug_zoo.asgi import Call, Request, Response, is_json_write, rewriting
from bug_zoo.catalog import Variant

LIMIT = 256


def _utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


async def handle(request: Request, call: Call) -> Response:
    body = request.json()
    name = body.get("displayName") if isinstance(body, dict) and is_json_write(request) else None
    if isinstance(name, str) and len(name) <= LIMIT < _utf16_units(name):
        # The real server's own refusal, as the code-unit count makes it.
        request = request.with_json({**body, "displayName": "x" * (LIMIT + 1)})
    return await call(request)


VARIANT = Variant(
    name="length_counts_utf16",
    bug="`displayName` length is counted in UTF-16 code units: valid long names are refused",
    middleware=rewriting(handle),
    covers=("request:runUpdate.displayName:length", "request:runCreate.displayName:length", "D10"),
)
