"""A buffered view of one HTTP exchange, for variants that alter requests or responses.

A variant is an async function `(request, call) -> response`: it may change the request, call
the real server (`await call(request)`, as often as it likes) and change what came back. Headers
are read and changed with Starlette's `Headers` and `MutableHeaders` (case-insensitive names,
latin-1 values, one value left after a set), the same the server's own code uses.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fuzzing.exchange import Route, route_of

# Variants see paths only; a route is placed at this origin so that its `base_url` is a URL.
_ORIGIN = "http://bug-zoo.invalid"


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


@dataclass(frozen=True)
class Request:
    """A request with its whole body read."""

    scope: Scope
    body: bytes

    @property
    def method(self) -> str:
        method: str = self.scope["method"]
        return method

    @property
    def path(self) -> str:
        path: str = self.scope["path"]
        return path

    @property
    def route(self) -> Route | None:
        """Which run operation the request calls, and the ids in its path as sent: found by the
        contract core, as the server, the fuzzer and the traffic checker find it."""
        raw = self.scope.get("raw_path") or quote(self.path, safe="/$").encode("latin-1")
        return route_of(_ORIGIN + raw.decode("latin-1"))

    def header(self, name: str) -> str | None:
        return Headers(raw=self.scope["headers"]).get(name)

    def with_url(self, url: str) -> Request:
        """This request sent to the path of `url` (a `fuzzing.target` URL at a route's
        `base_url`), kept percent-encoded as written."""
        raw = urlsplit(url).path
        scope = {**self.scope, "path": unquote(raw), "raw_path": raw.encode("latin-1")}
        return replace(self, scope=scope)

    def with_header(self, name: str, value: str | None) -> Request:
        """This request with header `name` set to `value` (or removed, for None)."""
        scope = dict(self.scope)
        _set(MutableHeaders(scope=scope), name, value)  # writes a new list into the copy
        return replace(self, scope=scope)

    def with_path(self, path: str) -> Request:
        """This request sent to `path` (decoded; its raw form is re-encoded from it)."""
        raw = quote(path, safe="/$").encode("latin-1")
        return replace(self, scope={**self.scope, "path": path, "raw_path": raw})

    def json(self) -> Any:
        """The body as JSON, or None when it is not JSON (`NaN` and `Infinity` are not)."""
        try:
            return json.loads(self.body, parse_constant=_not_json)
        except (ValueError, RecursionError):  # nested past the parser's stack: not JSON here
            return None

    def with_body(self, body: bytes) -> Request:
        changed = replace(self, body=body)
        if self.header("content-length") is not None:
            changed = changed.with_header("content-length", str(len(body)))
        return changed

    def with_json(self, value: Any) -> Request:
        return self.with_body(json.dumps(value).encode())


@dataclass(frozen=True)
class Response:
    """A response with its whole body collected."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes

    def header(self, name: str) -> str | None:
        return Headers(raw=self.headers).get(name)

    def with_header(self, name: str, value: str | None) -> Response:
        headers = MutableHeaders(raw=list(self.headers))
        _set(headers, name, value)
        return replace(self, headers=headers.raw)

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except (ValueError, RecursionError):
            return None

    def with_body(self, body: bytes) -> Response:
        changed = replace(self, body=body)
        return changed.with_header("content-length", str(len(body)))

    def with_json(self, value: Any) -> Response:
        return self.with_body(json.dumps(value).encode())


def _set(headers: MutableHeaders, name: str, value: str | None) -> None:
    """Header `name` set to `value`, or removed for None."""
    if value is None:
        del headers[name]
    else:
        headers[name] = value


Call = Callable[[Request], Awaitable[Response]]
Handler = Callable[[Request, Call], Awaitable[Response]]


async def read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def call_app(app: ASGIApp, request: Request) -> Response:
    """Run the wrapped app on `request` and collect its response."""
    delivered = False

    async def receive() -> Message:
        nonlocal delivered
        if delivered:
            return {"type": "http.disconnect"}
        delivered = True
        return {"type": "http.request", "body": request.body, "more_body": False}

    status = 500
    headers: list[tuple[bytes, bytes]] = []
    chunks: list[bytes] = []

    async def send(message: Message) -> None:
        nonlocal status, headers
        if message["type"] == "http.response.start":
            status = message["status"]
            headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    # The app writes into its scope (routing, state): every call gets a fresh copy.
    scope = {**request.scope, "state": dict(request.scope.get("state") or {})}
    await app(scope, receive, send)
    return Response(status=status, headers=headers, body=b"".join(chunks))


async def send_response(response: Response, send: Send) -> None:
    start = {"type": "http.response.start", "status": response.status, "headers": response.headers}
    await send(start)
    await send({"type": "http.response.body", "body": response.body})


class Rewriting:
    """ASGI middleware that hands every HTTP exchange to a variant's handler."""

    def __init__(self, app: ASGIApp, handler: Handler) -> None:
        self.app = app
        self.handler = handler

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope=scope, body=await read_body(receive))
        response = await self.handler(request, lambda changed: call_app(self.app, changed))
        await send_response(response, send)


def rewriting(handler: Handler) -> Callable[[ASGIApp, object], ASGIApp]:
    """A variant's middleware factory from its handler."""
    return lambda app, context: Rewriting(app, handler)


def is_json_write(request: Request) -> bool:
    """A PATCH or POST that says it carries JSON."""
    media_type = (request.header("content-type") or "").split(";")[0].strip().lower()
    return request.method in ("PATCH", "POST") and media_type == "application/json"


TIMES = ("startDateTime", "endDateTime")
"""The run's times, which a write may send."""


def rewriting_times(change: Callable[[Any], Any]) -> Callable[[ASGIApp, object], ASGIApp]:
    """A middleware factory that passes each time a write sends (`startDateTime`,
    `endDateTime`) through `change` before the server reads it: the shape of a lenient parser."""

    async def handle(request: Request, call: Call) -> Response:
        body = request.json()
        if is_json_write(request) and isinstance(body, dict) and any(n in body for n in TIMES):
            request = request.with_json(
                {name: change(value) if name in TIMES else value for name, value in body.items()}
            )
        return await call(request)

    return rewriting(handle)


def answering_with_header(
    status: int, name: str, value: str | None
) -> Callable[[ASGIApp, object], ASGIApp]:
    """A middleware factory that sets header `name` of every answer of `status` to `value` (None:
    leaves it out): the shape of an auth layer or a framework default that gets one header wrong."""

    async def handle(request: Request, call: Call) -> Response:
        response = await call(request)
        return response.with_header(name, value) if response.status == status else response

    return rewriting(handle)
