"""Linking by reference reads only the run's id from `@odata.id`, not its flow: a run of another
flow is linked as the run of that id in the request's flow, where it should be a 400."""

from __future__ import annotations

from bug_zoo.asgi import Call, Request, Response, is_json_write, rewriting
from bug_zoo.catalog import Variant
from fuzzing.exchange import route_of
from fuzzing.target import run_url


async def handle(request: Request, call: Call) -> Response:
    body = request.json()
    url = body.get("@odata.id") if isinstance(body, dict) else None
    route = request.route
    named = route_of(url) if isinstance(url, str) else None
    if is_json_write(request) and route is not None and named is not None:
        relinked = run_url(named.base_url, (route.flow, named.run))
        request = request.with_json({**body, "@odata.id": relinked})
    return await call(request)


VARIANT = Variant(
    name="link_ignores_flow",
    bug="a reference to a run of another flow links this flow's run of that id (204, not 400)",
    middleware=rewriting(handle),
    covers=("D17", "status:addRun:400"),
)
