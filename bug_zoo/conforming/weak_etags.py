"""`ETag`s are weak (`W/"3"`). `If-Match` compares strongly (RFC 9110 §13.1.1), so a weak tag
never matches and only `*` or no `If-Match` updates: a server may choose this, if unhelpfully."""

from __future__ import annotations

from bug_zoo.asgi import Call, Request, Response, rewriting
from bug_zoo.catalog import Variant


async def handle(request: Request, call: Call) -> Response:
    response = await call(request)
    etag = response.header("etag")
    if etag is not None and not etag.startswith("W/"):
        response = response.with_header("etag", f"W/{etag}")
    return response


VARIANT = Variant(
    name="weak_etags",
    bug="none: `ETag`s are weak, so `If-Match` (compared strongly) matches only `*`",
    middleware=rewriting(handle),
    covers=("header:ETag", "D12"),
)
