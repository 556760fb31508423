"""`status` is kept as free text: a value outside the enum is accepted and echoed back."""

from __future__ import annotations

from bug_zoo.asgi import Call, Request, Response, is_json_write, rewriting
from bug_zoo.catalog import Variant

KNOWN = {"running", "failed", "completed", "completedWithErrors", "completedWithWarnings"}
SENTINEL = "unknownFutureValue"


async def handle(request: Request, call: Call) -> Response:
    body = request.json()
    status = body.get("status") if isinstance(body, dict) and is_json_write(request) else None
    if not isinstance(status, str) or status in KNOWN or status == SENTINEL:
        return await call(request)
    # The real server would refuse the value; pass a valid one and answer with the one sent.
    response = await call(request.with_json({**body, "status": "running"}))
    run = response.json()
    if response.status == 200 and isinstance(run, dict):
        response = response.with_json({**run, "status": status})
    return response


VARIANT = Variant(
    name="invalid_enum_accepted",
    bug="a `status` outside the enum is accepted",
    middleware=rewriting(handle),
)
