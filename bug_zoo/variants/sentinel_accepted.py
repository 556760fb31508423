"""The evolvable-enum sentinel `unknownFutureValue` is accepted from clients."""

from __future__ import annotations

from bug_zoo.asgi import Call, Request, Response, is_json_write, rewriting
from bug_zoo.catalog import Variant

SENTINEL = "unknownFutureValue"


async def handle(request: Request, call: Call) -> Response:
    body = request.json()
    if not (is_json_write(request) and isinstance(body, dict) and body.get("status") == SENTINEL):
        return await call(request)
    response = await call(request.with_json({**body, "status": "running"}))
    run = response.json()
    if response.status == 200 and isinstance(run, dict):
        response = response.with_json({**run, "status": SENTINEL})
    return response


VARIANT = Variant(
    name="sentinel_accepted",
    bug="`unknownFutureValue` is accepted in requests",
    middleware=rewriting(handle),
)
