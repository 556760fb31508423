"""A lone surrogate is accepted and stored; from then on every answer for that run is a 500.

Python's `json` and JavaScript's `JSON.parse` read `"\\ud800"` as a string holding an unpaired
surrogate. A server that stores it (here: the text is kept, its surrogates replaced, and the run
marked) answers the write, and then fails every request that touches the run, as a UTF-8 encoder
or a database driver fails on that string (D38: a lone surrogate is 400).
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp

from bug_zoo.asgi import Call, Request, Response, Rewriting, is_json_write
from bug_zoo.catalog import Variant
from fuzzing.exchange import RunKey, route_of

_CRASH = Response(
    status=500,
    headers=[(b"content-type", b"text/plain; charset=utf-8")],
    body=b"UnicodeEncodeError: 'utf-8' codec can't encode character: surrogates not allowed",
)


def _text(value: str) -> str:
    """`value` with pairs joined and lone surrogates replaced: what can be stored as UTF-8."""
    return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _storable(value: Any) -> Any:
    if isinstance(value, dict):
        return {_text(name): _storable(member) for name, member in value.items()}
    if isinstance(value, list):
        return [_storable(item) for item in value]
    return _text(value) if isinstance(value, str) else value


def _middleware(app: ASGIApp, context: object) -> ASGIApp:
    poisoned: set[RunKey] = set()

    async def handle(request: Request, call: Call) -> Response:
        route = request.route
        if route is not None and route.target in poisoned:
            return _CRASH
        body = request.json() if is_json_write(request) else None
        if body is None or _storable(body) == body:
            return await call(request)
        response = await call(request.with_body(json.dumps(_storable(body)).encode()))
        stored = route
        if response.status == 204:
            location = response.header("location")
            stored = route_of(location) if location else None
        if response.status < 300 and stored is not None:
            poisoned.add(stored.target)
        return response

    return Rewriting(app, handle)


VARIANT = Variant(
    name="lone_surrogates_stored",
    bug="a lone surrogate (`\\ud800`) is accepted, and every later answer for that run is a 500",
    middleware=_middleware,
    covers=("D7", "status:*:400"),
)
