"""Add run's `Location` is built from the request path: it names the parent, not the new run."""

from __future__ import annotations

from urllib.parse import quote

from bug_zoo.asgi import Call, Request, Response, rewriting
from bug_zoo.catalog import Variant


async def handle(request: Request, call: Call) -> Response:
    response = await call(request)
    location = response.header("location")
    if response.status == 204 and location and request.path.endswith("/process/runs/$ref"):
        parent = request.path.removesuffix("/process/runs/$ref").rsplit("/", 1)[-1]
        response = response.with_header("location", f"{location.rsplit('/', 1)[0]}/{quote(parent)}")
    return response


VARIANT = Variant(
    name="location_names_parent",
    bug="`Location` names the parent run, not the one created",
    middleware=rewriting(handle),
    covers=("D1", "header:Location"),
)
