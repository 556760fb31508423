"""403 leaves out `WWW-Authenticate`, as a framework's default forbidden answer does: the caller
is not told which scope was missing."""

from __future__ import annotations

from bug_zoo.asgi import Call, Request, Response, rewriting
from bug_zoo.catalog import Variant


async def handle(request: Request, call: Call) -> Response:
    response = await call(request)
    if response.status == 403:
        response = response.with_header("www-authenticate", None)
    return response


VARIANT = Variant(
    name="no_challenge_on_403",
    bug='403 without `WWW-Authenticate: Bearer error="insufficient_scope"`',
    middleware=rewriting(handle),
    covers=("D8", "header:WWW-Authenticate", "status:*:403"),
)
