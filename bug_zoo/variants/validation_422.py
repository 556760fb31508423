"""Invalid requests are answered 422 Unprocessable Content, as several frameworks do by default;
the contract documents 400."""

from __future__ import annotations

import dataclasses

from bug_zoo.asgi import Call, Request, Response, rewriting
from bug_zoo.catalog import Variant


async def handle(request: Request, call: Call) -> Response:
    response = await call(request)
    if response.status == 400:
        response = dataclasses.replace(response, status=422)
    return response


VARIANT = Variant(
    name="validation_422",
    bug="invalid requests are answered 422, a status the contract does not document",
    middleware=rewriting(handle),
    covers=("status:*:400",),
)
