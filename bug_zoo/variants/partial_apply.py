"""Properties are written one by one: those before the invalid one stay written after a 400."""

from __future__ import annotations

import json

from bug_zoo.asgi import Call, Request, Response, is_json_write, rewriting
from bug_zoo.catalog import Variant


async def handle(request: Request, call: Call) -> Response:
    response = await call(request)
    body = request.json()
    refused = request.method == "PATCH" and response.status == 400 and is_json_write(request)
    if refused and isinstance(body, dict):
        one_by_one = request.with_header("if-match", None)
        for name, value in body.items():
            if name != "@odata.type":
                await call(one_by_one.with_body(json.dumps({name: value}).encode()))
    return response


VARIANT = Variant(
    name="partial_apply",
    bug="a refused PATCH still writes its valid properties",
    middleware=rewriting(handle),
    covers=("status:update*:400",),
)
