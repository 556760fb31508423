"""A body that is not JSON crashes the handler: 500 in plain text instead of a 400 OData error."""

from __future__ import annotations

import json

from bug_zoo.asgi import Call, Request, Response, is_json_write, rewriting
from bug_zoo.catalog import Variant


async def handle(request: Request, call: Call) -> Response:
    if is_json_write(request):
        try:
            json.loads(request.body)
        except ValueError:
            # What an unhandled JSONDecodeError looks like behind a bare framework.
            headers = [(b"content-type", b"text/plain; charset=utf-8")]
            return Response(status=500, headers=headers, body=b"Internal Server Error")
    return await call(request)


VARIANT = Variant(
    name="malformed_json_500",
    bug="malformed JSON answers 500 (plain text), not 400",
    middleware=rewriting(handle),
    covers=("D15", "status:*:400"),
)
