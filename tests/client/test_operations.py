"""The generated client against the running reference server: every operation, sync and async.

The server is shared by the session, so each test adds runs of its own (linked into `demo-run`'s
process) and changes only those.
"""

from __future__ import annotations

import asyncio
import datetime
import json
from collections.abc import Iterator
from http import HTTPStatus
from pathlib import Path

import pytest
from industrydata_runs_client import AuthenticatedClient, Client
from industrydata_runs_client.api.industry_data_run import add_run, update_process_run, update_run
from industrydata_runs_client.models import (
    BlockingError,
    ODataError,
    PublicError,
    Run,
    RunCreate,
    RunStatus,
    RunStatusInput,
    RunUpdate,
)
from industrydata_runs_client.types import NoContent

from tests.client.support import (
    DEMO_RUN,
    FLOW,
    TIMEOUT,
    RequestLog,
    connect,
    new_run,
    response_example,
)
from tests.support.server_process import ServerProcess

pytestmark = pytest.mark.slow

END = datetime.datetime(2026, 11, 24, 2, 41, 37, 500001, tzinfo=datetime.UTC)


def add(client: AuthenticatedClient, parent: str = DEMO_RUN, body: RunCreate | None = None) -> str:
    """Add a run into the process of `parent`; the id of the new run, from `Location`."""
    response = add_run.sync_detailed(FLOW, parent, client=client, body=body or new_run())
    assert response.status_code == HTTPStatus.NO_CONTENT, response.content
    assert isinstance(response.parsed, NoContent)
    assert response.content == b""
    # The OData id of the run, for OData clients, is the same URL (OData Protocol 4.01 §8.3.4).
    assert response.headers["OData-EntityId"] == response.headers["Location"]
    return response.headers["Location"].rsplit("/", 1)[-1]


def test_add_run_answers_204_and_location_names_the_new_run(server: ServerProcess) -> None:
    log = RequestLog()
    with connect(server.base_url, server.token(), event_hooks={"request": [log]}) as client:
        new_id = add(client, body=new_run("Located"))
        run = update_run.sync(FLOW, new_id, client=client, body=RunUpdate(display_name="Found"))
    assert isinstance(run, Run), run
    assert run.id == new_id
    assert run.status is RunStatus.RUNNING
    assert run.start_date_time == new_run().start_date_time
    assert run.end_date_time is None
    assert log.bodies[0] == new_run("Located").to_dict()
    assert all("id" not in body for body in log.bodies)


def test_update_run_sends_only_the_set_properties_and_keeps_the_rest(
    server: ServerProcess,
) -> None:
    log = RequestLog()
    with connect(server.base_url, server.token(), event_hooks={"request": [log]}) as client:
        new_id = add(client)
        run = update_run.sync(FLOW, new_id, client=client, body=RunUpdate(display_name="Renamed"))
    assert log.bodies[-1] == {"displayName": "Renamed"}
    assert isinstance(run, Run), run
    assert run.display_name == "Renamed"
    assert run.status is RunStatus.RUNNING
    assert run.statistics.to_dict() == {"recordsRead": 0}


def test_update_run_sets_and_clears_nullable_properties(client: AuthenticatedClient) -> None:
    new_id = add(client)
    failure = PublicError(code="SourceUnavailable", message="The SFTP source could not be reached.")
    failed = update_run.sync(
        FLOW,
        new_id,
        client=client,
        body=RunUpdate(status=RunStatusInput.FAILED, end_date_time=END, blocking_error=failure),
    )
    assert isinstance(failed, Run), failed
    assert failed.end_date_time == END
    assert isinstance(failed.blocking_error, BlockingError)
    assert failed.blocking_error.code == "SourceUnavailable"

    cleared = update_run.sync(
        FLOW,
        new_id,
        client=client,
        body=RunUpdate(status=RunStatusInput.RUNNING, end_date_time=None, blocking_error=None),
    )
    assert isinstance(cleared, Run), cleared
    assert (cleared.end_date_time, cleared.blocking_error) == (None, None)


def test_update_process_run_updates_a_run_linked_into_the_process(
    client: AuthenticatedClient,
) -> None:
    new_id = add(client)
    body = RunUpdate(status=RunStatusInput.COMPLETED, end_date_time=END)
    run = update_process_run.sync(FLOW, DEMO_RUN, new_id, client=client, body=body)
    assert isinstance(run, Run), run
    assert (run.id, run.status, run.end_date_time) == (new_id, RunStatus.COMPLETED, END)


def test_update_process_run_of_a_run_linked_elsewhere_is_a_404(
    client: AuthenticatedClient,
) -> None:
    parent = add(client)
    child = add(client, parent=parent)
    body = RunUpdate(display_name="Wrong parent")
    detailed = update_process_run.sync_detailed(FLOW, DEMO_RUN, child, client=client, body=body)
    assert detailed.status_code == HTTPStatus.NOT_FOUND
    assert isinstance(detailed.parsed, ODataError)
    linked = update_process_run.sync(FLOW, parent, child, client=client, body=body)
    assert isinstance(linked, Run), linked


def test_seven_fractional_digits_from_the_server_round_trip(server: ServerProcess) -> None:
    # The typed client cannot send a 7th digit, so the run is added over plain HTTP.
    raw = new_run().to_dict() | {"startDateTime": "2026-11-24T02:00:00.1234567Z"}
    with server.client() as http:
        added = http.post(
            f"/industryData/incomingFlows/{FLOW}/runs/{DEMO_RUN}/process/runs/$ref",
            json=raw,
            headers=server.auth_headers(),
        )
    assert added.status_code == HTTPStatus.NO_CONTENT, added.text
    new_id = added.headers["Location"].rsplit("/", 1)[-1]

    with connect(server.base_url, server.token()) as client:
        detailed = update_run.sync_detailed(
            FLOW, new_id, client=client, body=RunUpdate(display_name="Seven digits")
        )
        assert b'"2026-11-24T02:00:00.1234567Z"' in detailed.content
        run = detailed.parsed
        assert isinstance(run, Run), run
        expected = datetime.datetime(2026, 11, 24, 2, 0, 0, 123456, tzinfo=datetime.UTC)
        assert run.start_date_time == expected
        # Sending the parsed value back is accepted, and it comes back unchanged.
        again = update_run.sync(
            FLOW, new_id, client=client, body=RunUpdate(start_date_time=run.start_date_time)
        )
    assert isinstance(again, Run), again
    assert again.start_date_time == expected


TOO_LONG = RunUpdate(display_name="x" * 257)


def test_a_bad_body_is_a_400_odata_error(client: AuthenticatedClient) -> None:
    # A name over the spec's maxLength: the client sends it, the service refuses it.
    detailed = update_run.sync_detailed(FLOW, DEMO_RUN, client=client, body=TOO_LONG)
    assert detailed.status_code == HTTPStatus.BAD_REQUEST
    assert_odata_error(detailed.parsed)


def test_no_token_is_a_401_odata_error(server: ServerProcess) -> None:
    with Client(server.base_url, timeout=TIMEOUT) as anonymous:
        detailed = add_run.sync_detailed(FLOW, DEMO_RUN, client=anonymous, body=new_run())
    assert detailed.status_code == HTTPStatus.UNAUTHORIZED
    assert detailed.headers["WWW-Authenticate"].startswith("Bearer")
    assert_odata_error(detailed.parsed)


def test_a_forged_token_is_a_401_odata_error(server: ServerProcess) -> None:
    with connect(server.base_url, "not.a.token") as client:
        detailed = update_run.sync_detailed(
            FLOW, DEMO_RUN, client=client, body=RunUpdate(display_name="x")
        )
    assert detailed.status_code == HTTPStatus.UNAUTHORIZED
    assert_odata_error(detailed.parsed)


def test_a_token_without_the_permission_is_a_403_odata_error(server: ServerProcess) -> None:
    with connect(server.base_url, server.token(permission=False)) as client:
        detailed = update_process_run.sync_detailed(
            FLOW, DEMO_RUN, "demo-process-run", client=client, body=RunUpdate(display_name="x")
        )
    assert detailed.status_code == HTTPStatus.FORBIDDEN
    assert_odata_error(detailed.parsed)


def test_an_unknown_run_is_a_404_odata_error(client: AuthenticatedClient) -> None:
    detailed = update_run.sync_detailed(
        FLOW, "no-such-run", client=client, body=RunUpdate(display_name="x")
    )
    assert detailed.status_code == HTTPStatus.NOT_FOUND
    assert_odata_error(detailed.parsed)
    missing_parent = add_run.sync_detailed(FLOW, "no-such-run", client=client, body=new_run())
    assert missing_parent.status_code == HTTPStatus.NOT_FOUND
    assert_odata_error(missing_parent.parsed)


def test_every_operation_works_async(server: ServerProcess) -> None:
    async def scenario() -> tuple[Run | ODataError | None, ...]:
        async with connect(server.base_url, server.token()) as client:
            added = await add_run.asyncio_detailed(FLOW, DEMO_RUN, client=client, body=new_run())
            assert added.status_code == HTTPStatus.NO_CONTENT
            assert isinstance(added.parsed, NoContent)
            new_id = added.headers["Location"].rsplit("/", 1)[-1]
            renamed = await update_run.asyncio(
                FLOW, new_id, client=client, body=RunUpdate(display_name="Async")
            )
            completed = await update_process_run.asyncio(
                FLOW,
                DEMO_RUN,
                new_id,
                client=client,
                body=RunUpdate(status=RunStatusInput.COMPLETED),
            )
            missing = await update_run.asyncio(
                FLOW, "no-such-run", client=client, body=RunUpdate(display_name="x")
            )
            return renamed, completed, missing

    renamed, completed, missing = asyncio.run(scenario())
    assert isinstance(renamed, Run), renamed
    assert renamed.display_name == "Async"
    assert isinstance(completed, Run), completed
    assert (completed.id, completed.status) == (renamed.id, RunStatus.COMPLETED)
    assert_odata_error(missing)


def test_async_errors_are_odata_errors(server: ServerProcess) -> None:
    async def scenario() -> tuple[Run | ODataError | None, ...]:
        body = RunUpdate(display_name="x")
        async with connect(server.base_url, server.token(permission=False)) as forbidden:
            denied = await update_run.asyncio(FLOW, DEMO_RUN, client=forbidden, body=body)
        async with connect(server.base_url, server.token()) as client:
            bad = await update_run.asyncio(FLOW, DEMO_RUN, client=client, body=TOO_LONG)
        return denied, bad

    for error in asyncio.run(scenario()):
        assert_odata_error(error)


def assert_odata_error(parsed: object) -> None:
    """Parsed into the OData error model, with a code and a message a caller can show."""
    assert isinstance(parsed, ODataError), parsed
    assert parsed.error.code
    assert parsed.error.message


FUTURE_STATUS = "pausedForMaintenance"


@pytest.fixture
def future_server(tmp_path: Path) -> Iterator[ServerProcess]:
    """A server whose data holds a run with a status Graph might add after the sentinel."""
    run = {k: v for k, v in response_example("UpdatedRun", "completed").items() if k[0] != "@"}
    run |= {"id": "future-run", "status": FUTURE_STATUS, "processRuns": []}
    data = tmp_path / "future.json"
    data.write_text(json.dumps({"incomingFlows": [{"id": FLOW, "runs": [run]}]}), "utf-8")
    with ServerProcess(args=["--data", str(data)]) as process:
        yield process


def test_a_status_the_client_does_not_know_parses_sync_and_async(
    future_server: ServerProcess,
) -> None:
    body = RunUpdate(display_name="Still paused")
    with connect(future_server.base_url, future_server.token()) as client:
        run = update_run.sync(FLOW, "future-run", client=client, body=body)

    async def call() -> Run | ODataError | None:
        async with connect(future_server.base_url, future_server.token()) as client:
            return await update_run.asyncio(FLOW, "future-run", client=client, body=body)

    for parsed in (run, asyncio.run(call())):
        assert isinstance(parsed, Run), parsed
        assert parsed.status == FUTURE_STATUS
        assert not isinstance(parsed.status, RunStatus)
        assert parsed.display_name == "Still paused"
