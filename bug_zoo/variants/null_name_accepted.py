"""`displayName: null` clears the name to "" instead of being refused (null only clears
`endDateTime` and `blockingError`)."""

from __future__ import annotations

from bug_zoo.asgi import Call, Request, Response, is_json_write, rewriting
from bug_zoo.catalog import Variant


async def handle(request: Request, call: Call) -> Response:
    body = request.json()
    if is_json_write(request) and isinstance(body, dict) and body.get("displayName", "") is None:
        request = request.with_json({**body, "displayName": ""})
    return await call(request)


VARIANT = Variant(
    name="null_name_accepted",
    bug="`displayName: null` is accepted and clears the name",
    middleware=rewriting(handle),
    covers=(
        "request:runUpdate.displayName:nullability",
        "request:runCreate.displayName:nullability",
        "D3",
    ),
)
