"""Linking by reference reads only the run's id from `@odata.id`, not its flow: a run of another
flow is linked as the run of that id in the request's flow, where it should be a 400."""

from __future__ import annotations

import re

from bug_zoo.asgi import Call, Request, Response, is_json_write, rewriting
from bug_zoo.catalog import Variant

_FLOW = re.compile(r"/incomingFlows/([^/]+)/runs/")


async def handle(request: Request, call: Call) -> Response:
    body = request.json()
    url = body.get("@odata.id") if isinstance(body, dict) else None
    flow = _FLOW.search(request.path)
    if is_json_write(request) and isinstance(url, str) and flow is not None:
        own = f"/incomingFlows/{flow.group(1)}/runs/"
        request = request.with_json({**body, "@odata.id": _FLOW.sub(lambda _: own, url, count=1)})
    return await call(request)


VARIANT = Variant(
    name="link_ignores_flow",
    bug="a reference to a run of another flow links this flow's run of that id (204, not 400)",
    middleware=rewriting(handle),
    covers=("D17", "status:addRun:400"),
)
