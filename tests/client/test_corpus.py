"""The client never raises on a response it can read: every recorded response of `corpus/`, through
every operation's parser, sync and async (decision D19).

Each corpus file is one response as a Graph-style service, or a proxy in front of it, sends it:
`status`, `headers`, and a JSON `body` or a raw `text`, with what the client should make of it
(`expect`): `run` (a `Run` from the update operations), `error` (an `ODataError`: every status
from 400 to 599 is documented, by its code or by `4XX`/`5XX`), `no_content` (a `NoContent` from Add
run, whose 204 it is), or `raw` (`parsed` is None; the body stays in `content`). An operation that
does not document the status parses to None whatever the body.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Coroutine
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import pytest
from industrydata_runs_client import AuthenticatedClient
from industrydata_runs_client.api.industry_data_run import add_run, update_process_run, update_run
from industrydata_runs_client.models import (
    BlockingError,
    ODataError,
    Run,
    RunReference,
    RunStatus,
    RunUpdate,
)
from industrydata_runs_client.types import NoContent, Response, Unset

from tests.client.support import DEMO_PROCESS_RUN, DEMO_RUN, FLOW, spec

CORPUS = Path(__file__).with_name("corpus")
FILES = sorted(CORPUS.glob("*.json"))
BASE_URL = "http://127.0.0.1:9/beta"
OPERATIONS = ("addRun", "updateRun", "updateProcessRun")


def recorded(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def content_of(response: dict[str, Any]) -> bytes:
    if "body" in response:
        return json.dumps(response["body"]).encode()
    return str(response["text"]).encode()


def replaying(response: dict[str, Any]) -> AuthenticatedClient:
    """A client whose every request is answered with the recorded `response`."""

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            response["status"], content=content_of(response), headers=response["headers"]
        )

    return AuthenticatedClient(
        BASE_URL,
        token="recorded",
        retries=None,  # one recorded answer, read as it is: never sent again
        httpx_args={"transport": httpx.MockTransport(answer)},
    )


def async_replaying(response: dict[str, Any]) -> AuthenticatedClient:
    async def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            response["status"], content=content_of(response), headers=response["headers"]
        )

    return AuthenticatedClient(
        BASE_URL,
        token="recorded",
        retries=None,  # one recorded answer, read as it is: never sent again
        httpx_args={"transport": httpx.MockTransport(answer)},
    )


@cache
def documented(operation_id: str) -> frozenset[int]:
    """The statuses `operation_id` documents in the spec, a range (`4XX`) as its hundred codes."""
    for item in spec()["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                return frozenset(
                    code
                    for key in operation["responses"]
                    for code in (
                        range(int(key[0]) * 100, int(key[0]) * 100 + 100)
                        if key.endswith("XX")
                        else (int(key),)
                    )
                )
    raise KeyError(operation_id)


def expected_type(operation_id: str, response: dict[str, Any]) -> type | None:
    status, expect = response["status"], response["expect"]
    if status not in documented(operation_id):
        return None
    if expect == "run" and operation_id != "addRun":
        return Run
    if expect == "error":
        return ODataError
    if expect == "no_content" and operation_id == "addRun":
        return NoContent
    return None


SYNC: dict[str, Callable[[AuthenticatedClient], Response[Any]]] = {
    "addRun": lambda client: add_run.sync_detailed(
        FLOW, DEMO_RUN, client=client, body=RunReference(odata_id=f"{BASE_URL}/x")
    ),
    "updateRun": lambda client: update_run.sync_detailed(
        FLOW, DEMO_RUN, client=client, body=RunUpdate(display_name="x")
    ),
    "updateProcessRun": lambda client: update_process_run.sync_detailed(
        FLOW, DEMO_RUN, DEMO_PROCESS_RUN, client=client, body=RunUpdate(display_name="x")
    ),
}
ASYNC: dict[str, Callable[[AuthenticatedClient], Coroutine[Any, Any, Response[Any]]]] = {
    "addRun": lambda client: add_run.asyncio_detailed(
        FLOW, DEMO_RUN, client=client, body=RunReference(odata_id=f"{BASE_URL}/x")
    ),
    "updateRun": lambda client: update_run.asyncio_detailed(
        FLOW, DEMO_RUN, client=client, body=RunUpdate(display_name="x")
    ),
    "updateProcessRun": lambda client: update_process_run.asyncio_detailed(
        FLOW, DEMO_RUN, DEMO_PROCESS_RUN, client=client, body=RunUpdate(display_name="x")
    ),
}


def test_the_corpus_holds_at_least_twenty_realistic_responses() -> None:
    assert len(FILES) >= 20
    kinds = {recorded(path)["expect"] for path in FILES}
    assert kinds == {"run", "error", "raw", "no_content"}
    for path in FILES:
        response = recorded(path)
        assert response["about"], path.name
        assert ("body" in response) != ("text" in response), path.name


@pytest.mark.parametrize("operation_id", OPERATIONS)
@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_every_operation_reads_every_recorded_response(path: Path, operation_id: str) -> None:
    response = recorded(path)
    with replaying(response) as client:
        result = SYNC[operation_id](client)
    _judge(result, response, operation_id)


@pytest.mark.parametrize("operation_id", OPERATIONS)
@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_every_operation_reads_every_recorded_response_async(path: Path, operation_id: str) -> None:
    response = recorded(path)

    async def call() -> Response[Any]:
        async with async_replaying(response) as client:
            return await ASYNC[operation_id](client)

    _judge(asyncio.run(call()), response, operation_id)


def _judge(result: Response[Any], response: dict[str, Any], operation_id: str) -> None:
    assert result.status_code == response["status"]
    assert result.content == content_of(response)
    wanted = expected_type(operation_id, response)
    if wanted is None:
        assert result.parsed is None, result.parsed
        return
    parsed = result.parsed
    assert isinstance(parsed, wanted), parsed
    if isinstance(parsed, Run):
        assert parsed.id == response["body"]["id"]
        assert parsed.status == response["body"]["status"]
    if isinstance(parsed, ODataError):
        assert parsed.error.code == response["body"]["error"]["code"]


def _parsed(name: str, operation: Callable[[AuthenticatedClient], Response[Any]]) -> Any:
    with replaying(recorded(CORPUS / f"{name}.json")) as client:
        return operation(client).parsed


def test_what_the_models_keep_of_a_tolerated_response() -> None:
    run = _parsed("run_unknown_status", SYNC["updateRun"])
    assert run.status == "pausedForMaintenance"
    assert not isinstance(run.status, RunStatus)
    minimal = _parsed("run_minimal_metadata", SYNC["updateRun"])
    assert minimal.status is RunStatus.COMPLETED
    assert isinstance(minimal.odata_type, Unset)  # absent: the declared type (D18)
    failed = _parsed("run_blocking_error_unknown_nested_type", SYNC["updateProcessRun"])
    assert isinstance(failed.blocking_error, BlockingError)
    assert failed.blocking_error.odata_type == "#microsoft.graph.industryData.sourceError"
    assert failed.blocking_error["severity"] == "critical"
    inner = _parsed("error_inner_error_extra_members", SYNC["updateRun"]).error.inner_error
    assert inner["code"] == "runNotFound"
    assert inner.date == "2026-11-24T02:00:01"
    odd = _parsed("error_request_id_not_a_uuid", SYNC["addRun"])
    assert odd.error.inner_error.request_id == "0HN8F2E5R7KQ3:00000001"
    assert _parsed("error_target_null", SYNC["addRun"]).error.target is None


def test_an_unknown_status_code_is_a_plain_int() -> None:
    with replaying(recorded(CORPUS / "status_599_not_in_httpstatus.json")) as client:
        result = SYNC["updateRun"](client)
    assert result.status_code == 599
    assert type(result.status_code) is int


def test_the_corpus_uses_documented_and_undocumented_statuses() -> None:
    statuses = {recorded(path)["status"] for path in FILES}
    for operation_id in OPERATIONS:
        assert statuses & documented(operation_id)
        assert statuses - documented(operation_id)
