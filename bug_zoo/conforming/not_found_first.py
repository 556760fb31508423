"""Ids are looked up before the body is judged: an unknown run is 404 even when the body is
invalid (the reference server answers 400 first; the contract leaves the order free).

The lookup is a read of the run (a PATCH of only its `@odata.type`) with the caller's own
credentials, before the request itself; any answer but 404 lets the request through as sent.
"""

from __future__ import annotations

import json

from bug_zoo.asgi import Call, Request, Response, rewriting
from bug_zoo.catalog import Variant
from fuzzing.exchange import ADD_RUN
from fuzzing.target import run_url

READ = json.dumps({"@odata.type": "#microsoft.graph.industryData.run"}).encode()


async def handle(request: Request, call: Call) -> Response:
    route = request.route
    if request.method not in ("PATCH", "POST") or route is None:
        return await call(request)
    lookup = request.with_body(READ).with_header("content-type", "application/json")
    lookup = lookup.with_header("if-match", None)
    if route.operation == ADD_RUN:
        lookup = lookup.with_url(run_url(route.base_url, route.target))
    lookup = Request(scope={**lookup.scope, "method": "PATCH"}, body=lookup.body)
    found = await call(lookup)
    if found.status == 404:
        return found
    return await call(request)


VARIANT = Variant(
    name="not_found_first",
    bug=(
        "none: unknown ids are 404 before the body is judged (the reference server answers "
        "400 first)"
    ),
    middleware=rewriting(handle),
    covers=("status:*:404", "status:*:400", "D15"),
)
