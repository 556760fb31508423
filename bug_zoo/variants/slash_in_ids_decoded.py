"""Routing reads the decoded path: a `%2F` inside an id becomes a path separator, so
`.../runs/a%2Fprocess%2Fruns%2Fb` updates run `b` through the process of `a` (ids hold no `/`)."""

from __future__ import annotations

from bug_zoo.asgi import Call, Request, Response, rewriting
from bug_zoo.catalog import Variant


async def handle(request: Request, call: Call) -> Response:
    raw = request.scope.get("raw_path") or b""
    if b"%2f" in raw.lower():
        request = request.with_path(request.path)
    return await call(request)


VARIANT = Variant(
    name="slash_in_ids_decoded",
    bug="a `/` sent as `%2F` in an id splits it, and the request reaches another run",
    middleware=rewriting(handle),
    covers=("D11", "request:entityId:pattern"),
)
