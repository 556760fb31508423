"""Debug output left on: a 400's message carries the Python traceback and server paths."""

from __future__ import annotations

from bug_zoo.asgi import Call, Request, Response, rewriting
from bug_zoo.catalog import Variant

TRACEBACK = (
    "\n\nTraceback (most recent call last):\n"
    '  File "/srv/runs/reference_server/payload.py", line 88, in parse\n'
    "    raise PayloadError(problems)\n"
    "reference_server.payload.PayloadError: the body breaks the schema"
)


async def handle(request: Request, call: Call) -> Response:
    response = await call(request)
    body = response.json()
    if response.status == 400 and isinstance(body, dict) and isinstance(body.get("error"), dict):
        error = body["error"]
        message = (str(error.get("message", "")) + TRACEBACK)[-4096:]
        response = response.with_json({**body, "error": {**error, "message": message}})
    return response


VARIANT = Variant(
    name="stack_trace_in_errors",
    bug="400 messages carry a stack trace and server paths",
    middleware=rewriting(handle),
    covers=("D8",),
)
