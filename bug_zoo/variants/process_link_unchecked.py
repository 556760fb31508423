"""An update through a run's process never checks the link: any run of the flow is updated
through the process of any other (it should be 404 unless linked there)."""

from __future__ import annotations

from bug_zoo.asgi import Call, Request, Response, rewriting
from bug_zoo.catalog import Variant
from fuzzing.exchange import UPDATE_PROCESS_RUN
from fuzzing.target import run_url


async def handle(request: Request, call: Call) -> Response:
    route = request.route
    if request.method == "PATCH" and route is not None and route.operation == UPDATE_PROCESS_RUN:
        request = request.with_url(run_url(route.base_url, route.target))
    return await call(request)


VARIANT = Variant(
    name="process_link_unchecked",
    bug="an update through a run's process reaches runs not linked into it",
    middleware=rewriting(handle),
    covers=("D2", "status:updateProcessRun:404"),
)
