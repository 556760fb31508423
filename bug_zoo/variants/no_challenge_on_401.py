"""401 leaves out `WWW-Authenticate`, as a hand-written auth check that returns a bare error
does: the caller is not told to send a Bearer token, or why the one it sent was refused."""

from __future__ import annotations

from bug_zoo.asgi import Call, Request, Response, rewriting
from bug_zoo.catalog import Variant


async def handle(request: Request, call: Call) -> Response:
    response = await call(request)
    if response.status == 401:
        response = response.with_header("www-authenticate", None)
    return response


VARIANT = Variant(
    name="no_challenge_on_401",
    bug="401 without `WWW-Authenticate: Bearer`",
    middleware=rewriting(handle),
    covers=("D6", "D8", "header:WWW-Authenticate", "status:*:401"),
)
