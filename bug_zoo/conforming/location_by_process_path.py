"""Add run's `Location` names the new run through the process it was added to, under the spec's
public server URL: `https://graph.microsoft.com/beta/.../runs/{runId}/process/runs/{newId}`.

"The URL of the run that was created" allows both of a run's URLs, and a service behind a
gateway names itself by its public host. `OData-EntityId` is the same URL as `Location` (D1), so
it names the run the same way. A linked run is named by its canonical URL at this service, as D17
says, so the answer to a reference body is left as it is.
"""

from __future__ import annotations

from urllib.parse import quote

from bug_zoo.asgi import Call, Request, Response, rewriting
from bug_zoo.catalog import Variant

PUBLIC_BASE = "https://graph.microsoft.com/beta"
ADD_RUN = "/process/runs/$ref"


async def handle(request: Request, call: Call) -> Response:
    response = await call(request)
    location = response.header("location")
    body = request.json()
    linking = isinstance(body, dict) and "@odata.id" in body
    if response.status != 204 or not location or not request.path.endswith(ADD_RUN) or linking:
        return response
    # The request path is {base}/industryData/incomingFlows/{flow}/runs/{runId}/process/runs/$ref.
    parent_path = request.path.removesuffix(ADD_RUN)
    api_path = parent_path[parent_path.index("/industryData/") :]
    new_id = location.rsplit("/", 1)[-1]
    named = f"{PUBLIC_BASE}{quote(api_path, safe='/')}/process/runs/{new_id}"
    return response.with_header("location", named).with_header("odata-entityid", named)


VARIANT = Variant(
    name="location_by_process_path",
    bug="none: `Location` names the new run through its process, under the spec's public host",
    middleware=rewriting(handle),
    covers=("header:Location", "D1"),
)
