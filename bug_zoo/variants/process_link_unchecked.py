"""An update through a run's process never checks the link: any run of the flow is updated
through the process of any other (it should be 404 unless linked there)."""

from __future__ import annotations

import re

from bug_zoo.asgi import Call, Request, Response, rewriting
from bug_zoo.catalog import Variant

THROUGH_PROCESS = re.compile(r"^(?P<runs>.*/runs/)[^/]+/process/runs/(?P<run>[^/]+)$")


async def handle(request: Request, call: Call) -> Response:
    found = THROUGH_PROCESS.match(request.path)
    if request.method == "PATCH" and found and found.group("run") != "$ref":
        request = request.with_path(found.group("runs") + found.group("run"))
    return await call(request)


VARIANT = Variant(
    name="process_link_unchecked",
    bug="an update through a run's process reaches runs not linked into it",
    middleware=rewriting(handle),
    covers=("D2", "status:updateProcessRun:404"),
)
