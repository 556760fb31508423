"""PATCH treated like PUT: `endDateTime` and `blockingError` not sent are reset to null."""

from __future__ import annotations

from bug_zoo.asgi import Call, Request, Response, is_json_write, rewriting
from bug_zoo.catalog import Variant

RESET = ("endDateTime", "blockingError")


async def handle(request: Request, call: Call) -> Response:
    body = request.json()
    if request.method == "PATCH" and is_json_write(request) and isinstance(body, dict):
        request = request.with_json({**{name: None for name in RESET}, **body})
    return await call(request)


VARIANT = Variant(
    name="patch_resets_unsent",
    bug="PATCH resets `endDateTime` and `blockingError` when they are not sent",
    middleware=rewriting(handle),
    covers=("D3",),
)
