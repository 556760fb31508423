"""A proxy in front strips `client-request-id` from responses."""

from __future__ import annotations

from bug_zoo.asgi import Call, Request, Response, rewriting
from bug_zoo.catalog import Variant


async def handle(request: Request, call: Call) -> Response:
    response = await call(request)
    return response.with_header("client-request-id", None)


VARIANT = Variant(
    name="client_request_id_dropped",
    bug="`client-request-id` is not echoed",
    middleware=rewriting(handle),
    covers=("header:client-request-id",),
)
