"""Methods the API lacks get the framework's default 405: plain text, no request-id."""

from __future__ import annotations

from bug_zoo.asgi import Call, Request, Response, rewriting
from bug_zoo.catalog import Variant


async def handle(request: Request, call: Call) -> Response:
    response = await call(request)
    if response.status != 405:
        return response
    headers = [(b"content-type", b"text/plain; charset=utf-8")]
    allow = response.header("allow")
    if allow is not None:
        headers.append((b"allow", allow.encode("latin-1")))
    plain = Response(status=405, headers=headers, body=b"Method Not Allowed")
    return plain.with_body(plain.body)


VARIANT = Variant(
    name="plain_text_405",
    bug="405 is plain text without `request-id`",
    middleware=rewriting(handle),
    covers=("D8", "D15", "status:*:4XX"),
)
