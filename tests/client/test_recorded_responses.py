"""The generated operations on recorded HTTP responses: what no well-behaved server sends today.

A reference server never returns a status member added after `unknownFutureValue`; Graph may. These
tests replay such responses through an httpx mock transport, sync and async.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from industrydata_runs_client import AuthenticatedClient
from industrydata_runs_client.api.industry_data_run import add_run, update_process_run, update_run
from industrydata_runs_client.errors import UnexpectedStatus
from industrydata_runs_client.models import ODataError, Run, RunStatus, RunUpdate
from industrydata_runs_client.types import NoContent

from tests.client.support import DEMO_PROCESS_RUN, DEMO_RUN, FLOW, new_run, response_example

BASE_URL = "http://127.0.0.1:9/beta"
NEW_RUN_URL = f"{BASE_URL}/industryData/incomingFlows/{FLOW}/runs/6f0c2d1e-4b7a-4e8f"


def replaying(
    status: int,
    body: Any = None,
    headers: dict[str, str] | None = None,
    *,
    raise_on_unexpected_status: bool = False,
) -> AuthenticatedClient:
    """A client whose every request is answered with the given response."""
    content = b"" if body is None else json.dumps(body).encode()
    sent_headers = {"Content-Type": "application/json"} if content else {}

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=content, headers={**sent_headers, **(headers or {})})

    transport = httpx.MockTransport(answer)
    return AuthenticatedClient(
        BASE_URL,
        token="recorded",
        retries=None,  # one recorded answer, read as it is: never sent again
        raise_on_unexpected_status=raise_on_unexpected_status,
        httpx_args={"transport": transport},
    )


def future_run() -> dict[str, Any]:
    return {**response_example("UpdatedRun", "completed"), "status": "pausedForMaintenance"}


def test_update_run_accepts_a_status_added_after_the_sentinel() -> None:
    with replaying(200, future_run()) as client:
        run = update_run.sync(FLOW, DEMO_RUN, client=client, body=RunUpdate(display_name="x"))
    assert isinstance(run, Run)
    assert run.status == "pausedForMaintenance"
    assert not isinstance(run.status, RunStatus)


def test_update_process_run_accepts_a_status_added_after_the_sentinel_async() -> None:
    async def call() -> Run | ODataError | None:
        async with replaying(200, future_run()) as client:
            return await update_process_run.asyncio(
                FLOW, DEMO_RUN, DEMO_PROCESS_RUN, client=client, body=RunUpdate(display_name="x")
            )

    run = asyncio.run(call())
    assert isinstance(run, Run)
    assert run.status == "pausedForMaintenance"


def test_a_204_without_content_parses_to_no_content_and_keeps_the_location() -> None:
    with replaying(204, headers={"Location": NEW_RUN_URL}) as client:
        response = add_run.sync_detailed(FLOW, DEMO_RUN, client=client, body=new_run())
    assert response.status_code == 204
    assert isinstance(response.parsed, NoContent)
    assert response.parsed.headers["Location"] == NEW_RUN_URL
    assert response.headers["Location"] == NEW_RUN_URL


def test_an_error_status_is_returned_parsed_not_raised() -> None:
    body = response_example("NotFound")
    with replaying(404, body) as client:
        error = update_run.sync(
            FLOW, "no-such-run", client=client, body=RunUpdate(display_name="x")
        )
    assert isinstance(error, ODataError)
    assert (error.error.code, error.error.message) == (
        body["error"]["code"],
        body["error"]["message"],
    )


TEAPOT = {"error": {"code": "Teapot", "message": "No."}}


def test_an_error_status_listed_by_no_code_is_an_odata_error_through_4xx() -> None:
    with replaying(418, TEAPOT, raise_on_unexpected_status=True) as client:
        error = update_run.sync(FLOW, DEMO_RUN, client=client, body=RunUpdate(display_name="x"))
    assert isinstance(error, ODataError)
    assert error.error.code == "Teapot"


def test_an_undocumented_status_parses_to_none_by_default() -> None:
    # Only statuses below 400 can be undocumented: 4XX and 5XX document every error status.
    with replaying(202, TEAPOT) as client:
        assert (
            update_run.sync(FLOW, DEMO_RUN, client=client, body=RunUpdate(display_name="x")) is None
        )


def test_an_undocumented_status_raises_when_the_client_asks_for_it() -> None:
    with (
        replaying(202, TEAPOT, raise_on_unexpected_status=True) as client,
        pytest.raises(UnexpectedStatus) as raised,
    ):
        update_run.sync(FLOW, DEMO_RUN, client=client, body=RunUpdate(display_name="x"))
    assert raised.value.status_code == 202
