"""Add run's `OData-EntityId` is the URL the run was added to, the parent's `process/runs`
collection, as a generic OData layer that builds it from the request path does: an OData client
that takes the new run's id from it addresses the collection, not the run."""

from __future__ import annotations

from bug_zoo.asgi import Call, Request, Response, rewriting
from bug_zoo.catalog import Variant

SUFFIX = "/process/runs/$ref"


async def handle(request: Request, call: Call) -> Response:
    response = await call(request)
    location = response.header("location")
    if response.status == 204 and location and request.path.endswith(SUFFIX):
        parent = request.path.removesuffix(SUFFIX).rsplit("/", 1)[-1]
        flow = location.rsplit("/runs/", 1)[0]
        response = response.with_header("odata-entityid", f"{flow}/runs/{parent}/process/runs")
    return response


VARIANT = Variant(
    name="entity_id_names_collection",
    bug="`OData-EntityId` names the parent's `process/runs`, not the run `Location` names",
    middleware=rewriting(handle),
    covers=("D1", "header:OData-EntityId"),
)
