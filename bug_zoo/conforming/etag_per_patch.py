"""A new `ETag` on every PATCH answered 200, even one that changes nothing, as a service that
derives its `ETag` from a last-modified stamp hands them out (D36). `If-Match` matches
only the `ETag` handed out last for the run: the one this server gives is the one it honours.

So a client (or a harness) that takes an `ETag`, then reads the run with a PATCH, holds a stale
one: a check that reads between taking an `ETag` and using it fails this server falsely.
"""

from __future__ import annotations

import asyncio
import itertools
import re

from starlette.types import ASGIApp

from bug_zoo.asgi import Call, Request, Response, Rewriting
from bug_zoo.catalog import Context, Variant

TAG = re.compile(r'(W/)?"[^"]*"')
NEVER = '"never-issued"'


def build(app: ASGIApp, context: Context) -> ASGIApp:
    handed: dict[tuple[str, str], tuple[str, str]] = {}  # run -> (tag handed out, server's own)
    stamps = itertools.count(1)
    # One PATCH at a time: what was handed out last is then what the server last answered.
    writing = asyncio.Lock()

    def honoured(run: tuple[str, str], condition: str) -> str:
        """The server's own tag for an `If-Match` that names the last one handed out, or one
        that matches nothing (strong comparison: a weak tag never matches)."""
        if condition.strip() == "*":
            return condition
        last = handed.get(run)
        sent = {tag.group(0) for tag in TAG.finditer(condition)}
        return last[1] if last is not None and last[0] in sent else NEVER

    async def handle(request: Request, call: Call) -> Response:
        route = request.route
        if route is None or request.method != "PATCH":
            return await call(request)
        run = route.target
        async with writing:
            condition = request.header("if-match")
            if condition is not None:
                request = request.with_header("if-match", honoured(run, condition))
            response = await call(request)
            own = response.header("etag")
            if response.status != 200 or own is None:
                return response.with_header("etag", None) if own is not None else response
            tag = f'"{own.strip(chr(34))}.{next(stamps)}"'
            handed[run] = (tag, own)
            return response.with_header("etag", tag)

    return Rewriting(app, handle)


VARIANT = Variant(
    name="etag_per_patch",
    bug=(
        "none: every PATCH answered 200 hands out a new `ETag`, even one that changes nothing (D36)"
    ),
    middleware=build,
    covers=("header:ETag", "D12", "D36"),
)
