"""A write-behind cache drops `statistics`: an update answers with what was sent, but the run
keeps its old statistics, as the next read shows."""

from __future__ import annotations

from bug_zoo.asgi import Call, Request, Response, is_json_write, rewriting
from bug_zoo.catalog import Variant

READ = {"@odata.type": "#microsoft.graph.industryData.run"}


async def handle(request: Request, call: Call) -> Response:
    body = request.json()
    if request.method != "PATCH" or not is_json_write(request) or not isinstance(body, dict):
        return await call(request)
    if "statistics" not in body:
        return await call(request)
    kept = {name: value for name, value in body.items() if name != "statistics"}
    response = await call(request.with_json(kept or READ))
    run = response.json()
    if response.status == 200 and isinstance(run, dict):
        response = response.with_json({**run, "statistics": body["statistics"]})
    return response


VARIANT = Variant(
    name="update_not_persisted",
    bug="an update of `statistics` is answered as applied but never stored",
    middleware=rewriting(handle),
    covers=("D3", "status:update*:200"),
)
