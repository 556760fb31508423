"""The serializer leaves out properties that are null, so required ones go missing."""

from __future__ import annotations

from bug_zoo.asgi import Call, Request, Response, rewriting
from bug_zoo.catalog import Variant


async def handle(request: Request, call: Call) -> Response:
    response = await call(request)
    run = response.json()
    if response.status == 200 and isinstance(run, dict):
        response = response.with_json(
            {name: value for name, value in run.items() if value is not None}
        )
    return response


VARIANT = Variant(
    name="drops_null_properties",
    bug="null properties (required ones too) are left out of the run",
    middleware=rewriting(handle),
    covers=(
        "response:run:required",
        "response:run.endDateTime:nullability",
        "response:run.blockingError:nullability",
    ),
)
