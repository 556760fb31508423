"""What the client refuses before it sends anything, and what it sends (decisions D17, D19, D20).

Requests go to an httpx mock transport that records them: a refused call must leave it empty.
"""

from __future__ import annotations

import datetime
import json
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from industrydata_runs_client import AuthenticatedClient
from industrydata_runs_client.api.industry_data_run import add_run, update_process_run, update_run
from industrydata_runs_client.models import RunCreate, RunReference, RunStatistics, RunUpdate
from industrydata_runs_client.models import RunStatusInput as Status
from industrydata_runs_client.types import checked_id

from tests.client.support import DEMO_PROCESS_RUN, DEMO_RUN, FLOW, new_run

BASE_URL = "http://127.0.0.1:9/beta"
NAIVE = datetime.datetime(2026, 11, 24, 2, 0, 0)


class Recorder:
    """A client whose requests are kept and answered 204."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def client(self) -> AuthenticatedClient:
        def answer(request: httpx.Request) -> httpx.Response:
            self.requests.append(request)
            return httpx.Response(204)

        transport = httpx.MockTransport(answer)
        return AuthenticatedClient(BASE_URL, token="t", httpx_args={"transport": transport})


def _send(client: AuthenticatedClient, body: RunUpdate | RunCreate) -> None:
    if isinstance(body, RunCreate):
        add_run.sync_detailed(FLOW, DEMO_RUN, client=client, body=body)
    else:
        update_run.sync_detailed(FLOW, DEMO_RUN, client=client, body=body)


@pytest.mark.parametrize(
    ("body", "name"),
    [
        (RunUpdate(start_date_time=NAIVE), "startDateTime"),
        (RunUpdate(end_date_time=NAIVE), "endDateTime"),
        (
            RunCreate(
                display_name="x",
                start_date_time=NAIVE,
                status=Status.RUNNING,
                statistics=RunStatistics(),
            ),
            "startDateTime",
        ),
    ],
)
def test_a_naive_datetime_is_refused_before_sending_naming_the_property(
    body: RunUpdate | RunCreate, name: str
) -> None:
    recorder = Recorder()
    with recorder.client() as client, pytest.raises(ValueError, match=f"^{name}: a naive"):
        _send(client, body)
    assert recorder.requests == []


def test_aware_datetimes_are_sent_with_their_offset() -> None:
    plus_one = datetime.timezone(datetime.timedelta(hours=1))
    sent = RunUpdate(start_date_time=datetime.datetime(2026, 11, 24, 3, tzinfo=plus_one)).to_dict()
    sent.update(RunUpdate(end_date_time=None).to_dict())
    assert sent == {"startDateTime": "2026-11-24T03:00:00+01:00", "endDateTime": None}


@pytest.mark.parametrize(
    "bad", [".", "..", "$ref", "$x", "a/b", "", "tab\there", "nul\x00", "x" * 129]
)
@pytest.mark.parametrize("place", ["incomingFlowId", "runId", "processRunId"])
def test_an_id_the_service_refuses_is_refused_before_sending(bad: str, place: str) -> None:
    ids = {"incomingFlowId": FLOW, "runId": DEMO_RUN, "processRunId": DEMO_PROCESS_RUN}
    ids[place] = bad
    recorder = Recorder()
    with recorder.client() as client, pytest.raises(ValueError, match=f"^{place} "):
        update_process_run.sync_detailed(
            ids["incomingFlowId"],
            ids["runId"],
            ids["processRunId"],
            client=client,
            body=RunUpdate(display_name="x"),
        )
    assert recorder.requests == []


@pytest.mark.parametrize("good", ["a.b", "...", ".hidden", "x$", "Ünïcödé ✓", "a b", "x" * 128])
def test_other_ids_are_sent_percent_encoded_in_one_segment(good: str) -> None:
    assert checked_id(good, "runId") == good
    recorder = Recorder()
    with recorder.client() as client:
        update_run.sync_detailed(FLOW, good, client=client, body=RunUpdate(display_name="x"))
    [request] = recorder.requests
    assert request.url.raw_path.decode("ascii").endswith(f"/runs/{quote(good, safe='')}")


def _sent(request: httpx.Request) -> Any:
    return json.loads(request.content)


def test_a_reference_body_is_sent_as_graphs_sdks_send_it() -> None:
    url = f"{BASE_URL}/industryData/incomingFlows/{FLOW}/runs/demo-unlinked-run"
    recorder = Recorder()
    with recorder.client() as client:
        response = add_run.sync_detailed(
            FLOW, DEMO_RUN, client=client, body=RunReference(odata_id=url)
        )
        add_run.sync_detailed(FLOW, DEMO_RUN, client=client, body=new_run())
    assert response.status_code == 204
    reference, created = recorder.requests
    assert _sent(reference) == {"@odata.id": url}
    assert reference.url.path.endswith("/process/runs/$ref")
    assert _sent(created) == new_run().to_dict()


def test_prefer_is_a_parameter_of_every_operation_and_sent_as_given() -> None:
    prefer = "include-unknown-enum-members"
    recorder = Recorder()
    with recorder.client() as client:
        add_run.sync_detailed(FLOW, DEMO_RUN, client=client, body=new_run(), prefer=prefer)
        update_run.sync_detailed(
            FLOW, DEMO_RUN, client=client, body=RunUpdate(display_name="x"), prefer=prefer
        )
        update_process_run.sync_detailed(
            FLOW,
            DEMO_RUN,
            DEMO_PROCESS_RUN,
            client=client,
            body=RunUpdate(display_name="x"),
            prefer=prefer,
        )
        update_run.sync_detailed(FLOW, DEMO_RUN, client=client, body=RunUpdate(display_name="x"))
    assert [request.headers.get("Prefer") for request in recorder.requests] == [
        prefer,
        prefer,
        prefer,
        None,
    ]
