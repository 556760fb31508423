"""Add run answers 204 and the new run in the body, as the seed page said (HTTP forbids it)."""

from __future__ import annotations

import contextlib

from starlette.types import ASGIApp, Receive, Scope, Send

from bug_zoo.asgi import Request, call_app, read_body, send_response
from bug_zoo.catalog import Context, Variant


class BodyOnNoContent:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope=scope, body=await read_body(receive))
        response = await call_app(self.app, request)
        if response.status != 204:
            await send_response(response, send)
            return
        body = request.body
        headers = [
            *response.headers,
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ]
        await send({"type": "http.response.start", "status": 204, "headers": headers})
        # The HTTP stack refuses to put a body on a 204 and drops the connection; the headers
        # that announced one have already gone out.
        with contextlib.suppress(Exception):
            await send({"type": "http.response.body", "body": body})


def build(app: ASGIApp, context: Context) -> ASGIApp:
    return BodyOnNoContent(app)


VARIANT = Variant(
    name="no_content_with_body",
    bug="204 No Content announces a JSON body",
    middleware=build,
    covers=("D1", "status:addRun:204"),
)
