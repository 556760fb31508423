"""Runs come back typed with a draft page's spelling, `#microsoft.graph.run`, not the run type.

The response schema lets `@odata.type` be any string so that clients read every spelling (D18);
only the fuzzer's own check holds a server to the one the contract names.
"""

from __future__ import annotations

from bug_zoo.asgi import Call, Request, Response, rewriting
from bug_zoo.catalog import Variant


async def handle(request: Request, call: Call) -> Response:
    response = await call(request)
    run = response.json()
    if response.status == 200 and isinstance(run, dict) and "@odata.type" in run:
        response = response.with_json({**run, "@odata.type": "#microsoft.graph.run"})
    return response


VARIANT = Variant(
    name="wrong_odata_type",
    bug="runs come back as `#microsoft.graph.run`, not `#microsoft.graph.industryData.run`",
    middleware=rewriting(handle),
    covers=("D4", "D18"),
)
