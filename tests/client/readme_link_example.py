import os

from industrydata_runs_client import AuthenticatedClient
from industrydata_runs_client.api.industry_data_run import add_run, update_process_run
from industrydata_runs_client.models import Run, RunReference, RunStatusInput, RunUpdate
from industrydata_runs_client.types import NoContent

graph_run = (
    "https://graph.microsoft.com/beta/industryData/incomingFlows/demo-flow/runs/demo-unlinked-run"
)
with AuthenticatedClient("http://127.0.0.1:8000/beta", token=os.environ["RUNS_TOKEN"]) as client:
    linked = add_run.sync(
        "demo-flow", "demo-run", client=client, body=RunReference(odata_id=graph_run)
    )
    if not isinstance(linked, NoContent):  # an ODataError, or None for a body of no model
        raise SystemExit(linked)
    print(linked.headers["Location"].rsplit("/", 1)[-1])
    body = RunUpdate(status=RunStatusInput.COMPLETED)
    run = update_process_run.sync(
        "demo-flow", "demo-run", "demo-unlinked-run", client=client, body=body
    )
if not isinstance(run, Run):
    raise SystemExit(run)
print(run.id, run.status)
