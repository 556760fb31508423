"""The `ETag` is computed once, from what never changes: every version of a run carries the
first, so an `If-Match` read before someone else's update still matches (a lost update)."""

from __future__ import annotations

from starlette.types import ASGIApp

from bug_zoo.asgi import Call, Request, Response, Rewriting
from bug_zoo.catalog import Context, Variant
from fuzzing.exchange import ADD_RUN


def build(app: ASGIApp, context: Context) -> ASGIApp:
    first: dict[tuple[str, str], str] = {}

    async def handle(request: Request, call: Call) -> Response:
        route = request.route
        key = route.target if route is not None and route.operation != ADD_RUN else None
        frozen = first.get(key) if key else None
        sent = request.header("if-match")
        if frozen is not None and sent is not None and frozen in sent:
            request = request.with_header("if-match", "*")
        response = await call(request)
        etag = response.header("etag")
        if key is None or etag is None:
            return response
        return response.with_header("etag", first.setdefault(key, etag))

    return Rewriting(app, handle)


VARIANT = Variant(
    name="etag_frozen",
    bug="the `ETag` never changes, so a stale `If-Match` still matches",
    middleware=build,
    covers=("D12", "header:ETag"),
)
