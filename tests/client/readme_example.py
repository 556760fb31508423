import os

from industrydata_runs_client import AuthenticatedClient
from industrydata_runs_client.api.industry_data_run import update_run
from industrydata_runs_client.models import Run, RunStatusInput, RunUpdate

body = RunUpdate(display_name="Nightly roster import", status=RunStatusInput.COMPLETED)
with AuthenticatedClient("http://127.0.0.1:8000/beta", token=os.environ["RUNS_TOKEN"]) as client:
    run = update_run.sync("demo-flow", "demo-run", client=client, body=body)
if not isinstance(run, Run):  # an error comes back parsed, as an ODataError
    raise SystemExit(run)
print(run.id, run.display_name, run.status)
