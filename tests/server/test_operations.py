"""The three operations' success paths, over HTTP against a real server process."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from contract.loading import load_document
from tests.support.api import (
    ODATA_TYPE,
    RUN,
    add_run,
    add_run_path,
    assert_odata_error,
    new_run_body,
    process_run_path,
    read_run,
    run_path,
)
from tests.support.server_process import ServerProcess
from tooling.paths import ROOT

RUN_KEYS = [
    "@odata.type",
    "id",
    "displayName",
    "startDateTime",
    "endDateTime",
    "status",
    "blockingError",
    "statistics",
]
GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


@pytest.fixture(scope="module")
def demo_server() -> Iterator[ServerProcess]:
    """A server with the demo data as shipped, for this file's two tests of it: one changes only
    the demo process run's status, which the other does not read."""
    with ServerProcess() as process:
        yield process


@pytest.fixture
def api(server: ServerProcess) -> Iterator[httpx.Client]:
    with server.client(headers=server.auth_headers()) as client:
        yield client


def test_add_run_answers_204_with_location_and_no_body(
    server: ServerProcess, api: httpx.Client
) -> None:
    response = api.post(add_run_path(), json=new_run_body(displayName="Nightly"))
    assert response.status_code == 204
    assert response.content == b""
    assert "content-type" not in response.headers
    assert response.headers.get("content-length", "0") == "0"
    location = response.headers["Location"]
    assert response.headers["OData-EntityId"] == location  # OData Protocol 4.01 §8.3.4
    prefix = f"{server.base_url}/industryData/incomingFlows/demo-flow/runs/"
    assert location.startswith(prefix)
    assert GUID.fullmatch(location[len(prefix) :])


def test_added_run_is_stored_whole_and_linked_into_the_process(
    server: ServerProcess, api: httpx.Client
) -> None:
    body = new_run_body(
        **{"@odata.type": "#microsoft.industryData.run"},
        displayName="Roster",
        startDateTime="2026-11-23T22:15:04.12+01:00",
        status="completedWithErrors",
        blockingError={"@odata.type": "microsoft.graph.publicError", "code": "E1"},
        statistics={"recordsRead": 3},
    )
    new_id = add_run(api, {}, **body)
    run = read_run(api, {}, new_id)
    assert list(run) == RUN_KEYS
    assert run == {
        "@odata.type": ODATA_TYPE,
        "id": new_id,
        "displayName": "Roster",
        "startDateTime": "2026-11-23T21:15:04.12Z",
        "endDateTime": None,
        "status": "completedWithErrors",
        "blockingError": {"@odata.type": "microsoft.graph.publicError", "code": "E1"},
        "statistics": {"recordsRead": 3},
    }
    # Linked: reachable through the process of demo-run, under its own id.
    linked = api.patch(process_run_path(RUN, new_id), json={"status": "completed"})
    assert linked.status_code == 200, linked.text
    assert linked.json()["id"] == new_id
    with server.open_store() as store:
        assert new_id in store.process_runs("demo-flow", RUN)


def test_each_add_run_creates_a_new_run(api: httpx.Client) -> None:
    first, second = add_run(api, {}), add_run(api, {})
    assert first != second


def test_add_run_into_the_process_of_a_new_run(api: httpx.Client) -> None:
    parent = add_run(api, {})
    child = add_run(api, {}, parent=parent)
    response = api.patch(process_run_path(parent, child), json={"displayName": "child"})
    assert response.status_code == 200, response.text


def test_update_run_merges_and_returns_the_whole_run(api: httpx.Client) -> None:
    run_id = add_run(api, {}, displayName="Before", statistics={"a": 1})
    response = api.patch(
        run_path(run_id),
        json={"status": "completed", "endDateTime": "2026-11-24T02:41:37.5000001Z"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    run = response.json()
    assert list(run) == RUN_KEYS
    assert run["id"] == run_id
    assert run["status"] == "completed"
    assert run["endDateTime"] == "2026-11-24T02:41:37.5000001Z"
    # Not sent, so unchanged.
    assert run["displayName"] == "Before"
    assert run["statistics"] == {"a": 1}
    assert run["startDateTime"] == "2026-11-24T02:00:00Z"
    assert read_run(api, {}, run_id) == run


def test_update_run_replaces_statistics_whole(api: httpx.Client) -> None:
    run_id = add_run(api, {}, statistics={"a": 1, "b": 2})
    run = api.patch(run_path(run_id), json={"statistics": {"c": 3}}).json()
    assert run["statistics"] == {"c": 3}


def test_null_clears_end_time_and_blocking_error(api: httpx.Client) -> None:
    run_id = add_run(
        api,
        {},
        endDateTime="2026-11-24T03:00:00Z",
        blockingError={"code": "Boom", "message": "It broke."},
    )
    before = read_run(api, {}, run_id)
    assert before["endDateTime"] == "2026-11-24T03:00:00Z"
    assert before["blockingError"] == {"code": "Boom", "message": "It broke."}
    run = api.patch(run_path(run_id), json={"endDateTime": None, "blockingError": None}).json()
    assert run["endDateTime"] is None
    assert run["blockingError"] is None


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("2026-11-24T03:00:00+01:00", "2026-11-24T02:00:00Z"),
        ("2026-11-24T02:00:00.1234567Z", "2026-11-24T02:00:00.1234567Z"),
        ("2026-12-31T23:30:00.1000000-01:00", "2027-01-01T00:30:00.1000000Z"),
        ("2024-02-29T23:59:59.9999999-23:59", "2024-03-01T23:58:59.9999999Z"),
        ("2026-11-24T02:00:00.5+00:00", "2026-11-24T02:00:00.5Z"),
    ],
)
def test_times_are_stored_in_utc_with_every_digit_sent(
    api: httpx.Client, sent: str, stored: str
) -> None:
    run_id = add_run(api, {}, startDateTime=sent, endDateTime=sent)
    run = read_run(api, {}, run_id)
    assert run["startDateTime"] == stored
    assert run["endDateTime"] == stored
    patched = api.patch(run_path(run_id), json={"endDateTime": sent}).json()
    assert patched["endDateTime"] == stored


def test_odata_type_spellings_are_accepted_and_not_stored(api: httpx.Client) -> None:
    run_id = add_run(api, {})
    for spelling in ("#microsoft.industryData.run", "#microsoft.graph.run", ODATA_TYPE):
        response = api.patch(
            run_path(run_id), json={"@odata.type": spelling, "displayName": spelling}
        )
        assert response.status_code == 200, response.text
        assert response.json()["@odata.type"] == ODATA_TYPE


def test_a_body_of_only_the_odata_type_changes_nothing_and_answers_the_run(
    api: httpx.Client,
) -> None:
    """D3: `minProperties: 1` is met by `@odata.type` alone, and the contract says what that
    does: no property changes, the answer is the run (the fuzzer reads runs this way)."""
    run_id = add_run(api, {}, displayName="As it was")
    before = api.patch(run_path(run_id), json={"displayName": "As it was"})
    for spelling in ("#microsoft.industryData.run", ODATA_TYPE):
        response = api.patch(run_path(run_id), json={"@odata.type": spelling})
        assert response.status_code == 200, response.text
        assert response.json() == before.json()
    empty = assert_odata_error(api.patch(run_path(run_id), json={}), 400, "BadRequest")
    assert "at least one member" in empty["message"]
    assert "'@odata.type' alone" in empty["message"]


def test_update_process_run_updates_a_linked_run(server: ServerProcess, api: httpx.Client) -> None:
    run_id = add_run(api, {}, displayName="Linked")
    response = api.patch(process_run_path(RUN, run_id), json={"status": "failed"})
    assert response.status_code == 200, response.text
    run = response.json()
    assert list(run) == RUN_KEYS
    assert (run["id"], run["status"], run["displayName"]) == (run_id, "failed", "Linked")
    assert read_run(api, {}, run_id) == run


def test_update_process_run_on_the_demo_link(demo_server: ServerProcess) -> None:
    with demo_server.client(headers=demo_server.auth_headers()) as client:
        response = client.patch(process_run_path(), json={"status": "completed"})
    assert response.status_code == 200, response.text
    assert response.json()["id"] == "demo-process-run"
    assert response.json()["status"] == "completed"


def test_update_process_run_refuses_a_run_that_is_not_linked(api: httpx.Client) -> None:
    unlinked_parent = add_run(api, {})
    other = add_run(api, {})  # exists, linked into demo-run, not into unlinked_parent
    error = assert_odata_error(
        api.patch(process_run_path(unlinked_parent, other), json={"status": "failed"}),
        404,
        "ResourceNotFound",
    )
    assert other in error["message"]
    assert "not linked" in error["message"]
    assert read_run(api, {}, other)["status"] == "running"


def test_the_demo_data_is_loaded(demo_server: ServerProcess) -> None:
    with demo_server.client(headers=demo_server.auth_headers()) as client:
        run = read_run(client, {})
        process_run = read_run(client, {}, "demo-process-run")
    assert run["id"] == "demo-run"
    assert run["displayName"] == "Nightly roster import"
    assert run["startDateTime"] == "2026-11-24T02:00:00.1234567Z"
    assert process_run["id"] == "demo-process-run"
    with demo_server.open_store() as store:
        assert store.process_runs("demo-flow", "demo-run") == ["demo-process-run"]


def test_etag_grows_with_each_change_and_if_match_guards_updates(api: httpx.Client) -> None:
    run_id = add_run(api, {})
    first = api.patch(run_path(run_id), json={"displayName": "one"})
    etag = first.headers["ETag"]
    assert re.fullmatch(r'"[0-9]+"', etag)
    # A PATCH that changes nothing keeps the version.
    same = api.patch(run_path(run_id), json={"displayName": "one"})
    assert same.headers["ETag"] == etag
    second = api.patch(run_path(run_id), headers={"If-Match": etag}, json={"displayName": "two"})
    assert second.status_code == 200, second.text
    assert second.headers["ETag"] != etag
    stale = api.patch(run_path(run_id), headers={"If-Match": etag}, json={"displayName": "three"})
    error = assert_odata_error(stale, 412, "PreconditionFailed")
    assert error["target"] == "If-Match"
    weak = api.patch(
        run_path(run_id),
        headers={"If-Match": "W/" + second.headers["ETag"]},
        json={"displayName": "x"},
    )
    assert_odata_error(weak, 412, "PreconditionFailed")
    assert read_run(api, {}, run_id)["displayName"] == "two"
    listed = api.patch(
        run_path(run_id),
        headers={"If-Match": f'"999999", {second.headers["ETag"]}'},
        json={"displayName": "four"},
    )
    assert listed.status_code == 200, listed.text
    anything = api.patch(run_path(run_id), headers={"If-Match": "*"}, json={"displayName": "five"})
    assert anything.status_code == 200, anything.text
    via_process = api.patch(
        process_run_path(RUN, run_id), headers={"If-Match": etag}, json={"displayName": "six"}
    )
    assert_odata_error(via_process, 412, "PreconditionFailed")
    assert read_run(api, {}, run_id)["displayName"] == "five"


def _examples(body: str) -> list[tuple[str, dict[str, Any]]]:
    document = load_document(ROOT / "openapi.yaml")
    examples = document["components"]["requestBodies"][body]["content"]["application/json"][
        "examples"
    ]
    return [(name, example["value"]) for name, example in examples.items()]


@pytest.mark.parametrize(("name", "body"), _examples("addRun"))
def test_add_run_accepts_the_spec_examples(
    api: httpx.Client, name: str, body: dict[str, Any]
) -> None:
    response = api.post(add_run_path(), json=body)
    assert response.status_code == 204, (name, response.text)


@pytest.mark.parametrize(("name", "body"), _examples("runUpdate"))
def test_update_accepts_the_spec_examples(
    api: httpx.Client, name: str, body: dict[str, Any]
) -> None:
    run_id = add_run(api, {})
    response = api.patch(run_path(run_id), json=body)
    assert response.status_code == 200, (name, response.text)
    run = response.json()
    for key, value in body.items():
        if key not in ("@odata.type", "startDateTime", "endDateTime"):
            assert run[key] == value, key


def test_prefer_include_unknown_enum_members_is_applied_and_said(api: httpx.Client) -> None:
    run_id = add_run(api, {})
    prefer = {"Prefer": "return=minimal, Include-Unknown-Enum-Members"}
    asked = api.patch(process_run_path(RUN, run_id), headers=prefer, json={"displayName": "p"})
    assert asked.status_code == 200, asked.text
    assert asked.headers["Preference-Applied"] == "include-unknown-enum-members"
    other = {"Prefer": "return=minimal"}
    plain = api.patch(run_path(run_id), headers=other, json={"displayName": "q"})
    assert plain.status_code == 200, plain.text
    assert "preference-applied" not in plain.headers
    added = api.post(add_run_path(), headers=prefer, json=new_run_body())
    assert added.status_code == 204, added.text
    assert "preference-applied" not in added.headers
