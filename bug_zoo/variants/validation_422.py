"""Invalid requests are answered 422 Unprocessable Content, as several frameworks do by default;
the contract answers them 400 (422 it documents only as any other client error, `4XX`)."""

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
    bug="invalid requests are answered 422, not the 400 the contract names for them",
    middleware=rewriting(handle),
    covers=("status:*:400",),
)
