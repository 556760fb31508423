"""Runs as an OData stack returns them: `@odata.context`, `@odata.etag` and an instance annotation.

OData JSON at minimal metadata puts the context URL on every entity response, the entity's ETag
in `@odata.etag` where it has one, and may add instance annotations (Graph sends
`@microsoft.graph.tips`). The contract allows all three (D18); the fuzzer must not object.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from bug_zoo.asgi import Call, Request, Response, rewriting
from bug_zoo.catalog import Variant
from bug_zoo.freedoms import members_accepted

TIPS = (
    "Use $select to choose only the properties your app needs, as this can lead to performance "
    "improvements."
)


async def handle(request: Request, call: Call) -> Response:
    response = await call(request)
    run = response.json()
    route = request.route
    if response.status != 200 or not isinstance(run, dict) or "id" not in run or not route:
        return response
    host = request.header("host") or "localhost"
    scheme = request.scope.get("scheme", "http")
    flow = route.flow.replace("'", "''")
    context = (
        f"{scheme}://{host}{urlsplit(route.base_url).path}/$metadata"
        f"#industryData/incomingFlows('{flow}')/runs/$entity"
    )
    annotations = {"@odata.context": context, "@microsoft.graph.tips": TIPS}
    etag = response.header("etag")
    if etag is not None:
        annotations["@odata.etag"] = etag
    return response.with_json({**annotations, **run})


def annotations_allowed(spec: Mapping[str, Any]) -> bool:
    """Whether `spec`'s run takes the annotations this variant adds beside its properties."""
    context = "http://127.0.0.1/beta/$metadata#industryData/incomingFlows('f')/runs/$entity"
    annotations = {"@odata.context": context, "@microsoft.graph.tips": TIPS, "@odata.etag": '"1"'}
    return members_accepted(spec, "run", annotations)


VARIANT = Variant(
    name="odata_annotations",
    bug=(
        "none: every run carries `@odata.context`, `@odata.etag` and `@microsoft.graph.tips`, "
        "as an OData stack sends them (D18)"
    ),
    middleware=rewriting(handle),
    covers=("D18", "response:run:closed"),
    conforms_to=annotations_allowed,
)
