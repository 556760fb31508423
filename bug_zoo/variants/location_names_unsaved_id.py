"""Add run makes up the new run's id for `Location` apart from the one it stores (a second UUID
drawn where the first should have been passed on): the run `Location` and `OData-EntityId` name
answers 404, while the run that was stored is named nowhere."""

from __future__ import annotations

import uuid
from urllib.parse import quote

from bug_zoo.asgi import Call, Request, Response, rewriting
from bug_zoo.catalog import Variant
from fuzzing.facts import REFERENCE


def _renamed(url: str | None, new_id: str) -> str | None:
    return None if url is None else f"{url.rsplit('/', 1)[0]}/{quote(new_id, safe='')}"


async def handle(request: Request, call: Call) -> Response:
    response = await call(request)
    body = request.json()
    created = isinstance(body, dict) and REFERENCE not in body
    if response.status == 204 and created and request.path.endswith("/process/runs/$ref"):
        new_id = str(uuid.uuid4())
        for header in ("location", "odata-entityid"):
            response = response.with_header(header, _renamed(response.header(header), new_id))
    return response


VARIANT = Variant(
    name="location_names_unsaved_id",
    bug="Add run's `Location` names an id it never stored: the run it names answers 404",
    middleware=rewriting(handle),
    covers=("D1", "header:Location"),
)
