"""Runs come back typed in the seed page's namespace, `#microsoft.industryData.run`, not the
one namespace of responses (D4)."""

from __future__ import annotations

from bug_zoo.asgi import Call, Request, Response, rewriting
from bug_zoo.catalog import Variant

SEED_TYPE = "#microsoft.industryData.run"


async def handle(request: Request, call: Call) -> Response:
    response = await call(request)
    run = response.json()
    if response.status == 200 and isinstance(run, dict) and "@odata.type" in run:
        response = response.with_json({**run, "@odata.type": SEED_TYPE})
    return response


VARIANT = Variant(
    name="seed_type_in_responses",
    bug="runs come back as `#microsoft.industryData.run`, the seed page's spelling",
    middleware=rewriting(handle),
    covers=("D4", "D18"),
)
