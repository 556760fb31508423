import os

from industrydata_runs_client import AuthenticatedClient
from industrydata_runs_client.api.industry_data_run import update_run
from industrydata_runs_client.client import RetryPolicy
from industrydata_runs_client.errors import ApiError
from industrydata_runs_client.models import Run, RunStatusInput, RunUpdate


def credential() -> str:
    """Any callable returning a token; in production, azure.identity.DefaultAzureCredential()."""
    return os.environ["RUNS_TOKEN"]


client = AuthenticatedClient(
    "http://127.0.0.1:8000/beta",
    credential=credential,  # asked again before a token expires, and once after a 401
    retries=RetryPolicy(attempts=4),  # the default: 429, 503, 504 and lost connections
    raise_on_error=True,  # any 4xx or 5xx, after the retries, raises ApiError
)
body = RunUpdate(display_name="Nightly roster import", status=RunStatusInput.COMPLETED)
try:
    with client:
        response = update_run.sync_detailed("demo-flow", "demo-run", client=client, body=body)
except ApiError as error:
    raise SystemExit(error) from None  # status, OData code, message, both request ids
run = response.parsed
assert isinstance(run, Run)
print(run.id, run.display_name, run.status)
