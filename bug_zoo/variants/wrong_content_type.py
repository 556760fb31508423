"""The updated run is sent as `text/plain`, the framework's default media type."""

from __future__ import annotations

from bug_zoo.asgi import Call, Request, Response, rewriting
from bug_zoo.catalog import Variant


async def handle(request: Request, call: Call) -> Response:
    response = await call(request)
    if response.status == 200:
        response = response.with_header("content-type", "text/plain; charset=utf-8")
    return response


VARIANT = Variant(
    name="wrong_content_type",
    bug="200 responses say `Content-Type: text/plain`",
    middleware=rewriting(handle),
    covers=("status:update*:200",),
)
