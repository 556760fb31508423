"""Any error status is a failure the caller can tell from success, with no exception (issue 20).

Every operation documents `4XX` and `5XX` with the OData error, so an error status the spec does
not list by its own code (a 405, a gateway's 504) still parses into an `ODataError`; a body that is
no OData error (a gateway's HTML 502) parses to None. Success never parses to None: Add run's 204
is a `NoContent`. Each answer is served by httpx's MockTransport, through every operation, sync and
async, and judged by the one-line checks the README shows.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable, Coroutine
from typing import Any

import httpx
import pytest
from industrydata_runs_client import AuthenticatedClient
from industrydata_runs_client.api.industry_data_run import add_run, update_process_run, update_run
from industrydata_runs_client.models import ODataError, Run, RunUpdate
from industrydata_runs_client.types import NoContent

from tests.client.support import DEMO_PROCESS_RUN, DEMO_RUN, FLOW, new_run, response_example
from tooling.paths import ROOT

BASE_URL = "http://127.0.0.1:9/beta"
REQUEST_ID = {"request-id": "8d0f4b2c-9e3a-4c5b-b1d2-7e6f5a4b3c21"}
ODATA = {"Content-Type": "application/json", **REQUEST_ID}
NEW_RUN_URL = f"{BASE_URL}/industryData/incomingFlows/{FLOW}/runs/6f0c2d1e-4b7a-4e8f"


def _odata(code: str, message: str) -> bytes:
    return json.dumps({"error": {"code": code, "message": message}}).encode()


# status, headers, body, and the error code the client must read (None: a body of no model).
FAILURES: dict[str, tuple[int, dict[str, str], bytes, str | None]] = {
    "gateway_502_html": (
        502,
        {"Content-Type": "text/html; charset=utf-8"},
        b"<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>",
        None,
    ),
    "gateway_504_odata": (
        504,
        ODATA,
        _odata("GatewayTimeout", "The service did not answer in time."),
        "GatewayTimeout",
    ),
    "method_405_odata": (
        405,
        {**ODATA, "Allow": "POST"},
        _odata("MethodNotAllowed", "PATCH is not supported here; this path supports POST."),
        "MethodNotAllowed",
    ),
    "method_405_empty": (405, {"Allow": "POST", **REQUEST_ID}, b"", None),
}


def replaying(status: int, headers: dict[str, str], content: bytes) -> AuthenticatedClient:
    """A client whose every request, sync or async, is answered with this response."""

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=content, headers=headers)

    return AuthenticatedClient(
        BASE_URL,
        token="recorded",
        retries=None,  # one recorded answer, read as it is: never sent again
        httpx_args={"transport": httpx.MockTransport(answer)},
    )


def _update() -> RunUpdate:
    return RunUpdate(display_name="x")


SYNC: dict[str, Callable[[AuthenticatedClient], object]] = {
    "addRun": lambda client: add_run.sync(FLOW, DEMO_RUN, client=client, body=new_run()),
    "updateRun": lambda client: update_run.sync(FLOW, DEMO_RUN, client=client, body=_update()),
    "updateProcessRun": lambda client: update_process_run.sync(
        FLOW, DEMO_RUN, DEMO_PROCESS_RUN, client=client, body=_update()
    ),
}
ASYNC: dict[str, Callable[[AuthenticatedClient], Coroutine[Any, Any, object]]] = {
    "addRun": lambda client: add_run.asyncio(FLOW, DEMO_RUN, client=client, body=new_run()),
    "updateRun": lambda client: update_run.asyncio(FLOW, DEMO_RUN, client=client, body=_update()),
    "updateProcessRun": lambda client: update_process_run.asyncio(
        FLOW, DEMO_RUN, DEMO_PROCESS_RUN, client=client, body=_update()
    ),
}
SUCCESS: dict[str, type] = {"addRun": NoContent, "updateRun": Run, "updateProcessRun": Run}
"""What each operation's `sync()` returns on success: the README's one-line test."""
MODULES = {"addRun": add_run, "updateRun": update_run, "updateProcessRun": update_process_run}


def _both(operation_id: str, status: int, headers: dict[str, str], body: bytes) -> list[object]:
    """What `sync()` and `asyncio()` of the operation return for this answer."""
    with replaying(status, headers, body) as client:
        synced = SYNC[operation_id](client)

    async def call() -> object:
        async with replaying(status, headers, body) as client:
            return await ASYNC[operation_id](client)

    return [synced, asyncio.run(call())]


@pytest.mark.parametrize("operation_id", sorted(SYNC))
@pytest.mark.parametrize("failure", sorted(FAILURES))
def test_a_failure_is_told_from_success_without_an_exception(
    operation_id: str, failure: str
) -> None:
    status, headers, body, code = FAILURES[failure]
    for parsed in _both(operation_id, status, headers, body):
        assert not isinstance(parsed, SUCCESS[operation_id]), parsed
        if code is None:
            assert parsed is None, parsed
        else:
            assert isinstance(parsed, ODataError), parsed
            assert parsed.error.code == code


@pytest.mark.parametrize("operation_id", sorted(SYNC))
def test_success_is_never_none(operation_id: str) -> None:
    if operation_id == "addRun":
        status, headers, body = 204, {"Location": NEW_RUN_URL, **REQUEST_ID}, b""
    else:
        example = response_example("UpdatedRun", "completed")
        status, headers, body = 200, {**ODATA, "ETag": '"3"'}, json.dumps(example).encode()
    for parsed in _both(operation_id, status, headers, body):
        assert isinstance(parsed, SUCCESS[operation_id]), parsed
    if operation_id == "addRun":
        assert isinstance(parsed, NoContent)
        assert parsed.headers["Location"] == NEW_RUN_URL


def test_the_detailed_response_keeps_what_a_gateway_sent() -> None:
    status, headers, body, _ = FAILURES["gateway_502_html"]
    with replaying(status, headers, body) as client:
        response = add_run.sync_detailed(FLOW, DEMO_RUN, client=client, body=new_run())
    assert (response.status_code, response.parsed, response.content) == (502, None, body)


def test_the_readme_tells_success_by_the_type_these_tests_hold_to() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = dict(re.findall(r"`isinstance\((\w+)\.sync\(\.\.\.\), (\w+)\)`", readme))
    wanted = {
        MODULES[operation_id].__name__.rsplit(".", 1)[-1]: kind.__name__
        for operation_id, kind in SUCCESS.items()
    }
    assert shown == wanted
