"""Properties the schema does not name are dropped silently instead of refused."""

from __future__ import annotations

from bug_zoo.asgi import Call, Request, Response, is_json_write, rewriting
from bug_zoo.catalog import Variant
from reference_server.storage.base import RUN_FIELDS

KNOWN = {"@odata.type", *RUN_FIELDS}


async def handle(request: Request, call: Call) -> Response:
    body = request.json()
    if is_json_write(request) and isinstance(body, dict) and set(body) - KNOWN:
        request = request.with_json({name: value for name, value in body.items() if name in KNOWN})
    return await call(request)


VARIANT = Variant(
    name="unknown_properties_accepted",
    bug="unknown properties (and `id`) are ignored, not refused",
    middleware=rewriting(handle),
    covers=("D7", "request:runCreate:closed", "request:runUpdate:closed"),
)
