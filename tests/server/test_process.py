"""The server as a process: durability across `kill -9`, clean stops, logs, data file, documents,
response validation and the last-resort 500."""

from __future__ import annotations

import json
import re
import signal
import sqlite3
import time
from pathlib import Path

import httpx
import pytest

from contract.loading import load_document
from reference_server.storage.base import RUN_FIELDS
from tests.support.api import (
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


@pytest.mark.slow
def test_acknowledged_writes_survive_kill_9() -> None:
    with (
        ServerProcess(workers=2) as fresh_server,
        fresh_server.client(headers=fresh_server.auth_headers()) as api,
    ):
        patched = api.patch(run_path(), json={"displayName": "Survives", "status": "completed"})
        assert patched.status_code == 200
        new_id = add_run(api, {}, displayName="Created before the crash")
        fresh_server.kill()  # SIGKILL right after the acknowledgements: no shutdown, no flush
        assert fresh_server.returncode == -signal.SIGKILL
        fresh_server.start()
        run = read_run(api, {})
        assert (run["displayName"], run["status"]) == ("Survives", "completed")
        assert run == {**patched.json()}
        created = read_run(api, {}, new_id)
        assert created["displayName"] == "Created before the crash"
        # Still linked, and the demo data loaded again at start did not overwrite the change.
        assert (
            api.patch(process_run_path(RUN, new_id), json={"status": "failed"}).status_code == 200
        )
        assert read_run(api, {}, "demo-process-run")["displayName"] == "Roster import: schools"


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_stops_cleanly_on_signals(sig: signal.Signals) -> None:
    with ServerProcess() as process:
        with process.client(headers=process.auth_headers()) as api:
            assert api.patch(run_path(), json={"status": "failed"}).status_code == 200
        assert process.stop(sig) == 0
        log = process.log()
    assert "storage closed" in log
    assert "Traceback" not in log


def test_logs_one_line_per_request(server: ServerProcess) -> None:
    marker = f"/log-marker-{id(server)}"
    ids = []
    with server.client(headers=server.auth_headers()) as api:
        for _ in range(3):
            ids.append(api.get(marker).headers["request-id"])
    # A line is written as the response ends, so the last one may trail the client a little.
    lines: list[str] = []
    deadline = time.monotonic() + 10
    while len(lines) < 3 and time.monotonic() < deadline:
        lines = [line for line in server.log().splitlines() if marker in line]
        time.sleep(0.02)
    assert len(lines) == 3
    for request_id, line in zip(ids, lines, strict=True):
        assert f'"GET /beta{marker} HTTP/1.1" 404' in line
        assert f"request-id={request_id}" in line


def test_serves_the_loaded_spec(server: ServerProcess) -> None:
    as_json = httpx.get(server.root_url + "/openapi.json")
    assert as_json.status_code == 200
    assert as_json.headers["content-type"].startswith("application/json")
    source = (ROOT / "openapi.yaml").read_text("utf-8")
    document = load_document(ROOT / "openapi.yaml")
    assert as_json.json() == json.loads(json.dumps(document, default=str))
    as_yaml = httpx.get(server.root_url + "/openapi.yaml")
    assert as_yaml.status_code == 200
    assert as_yaml.text == source


@pytest.mark.slow
def test_data_file_docs_page_and_database_url_are_configurable(tmp_path: Path) -> None:
    fields = {
        "displayName": "Own data",
        "startDateTime": "2026-01-01T00:00:00Z",
        "endDateTime": None,
        "status": "completed",
        "blockingError": None,
        "statistics": {"rows": 1},
    }
    data = {
        "incomingFlows": [
            {
                "id": "own-flow",
                "runs": [
                    {"id": "own-run", **fields, "processRuns": ["own-child"]},
                    {"id": "own-child", **fields},
                ],
            }
        ]
    }
    data_file = tmp_path / "data.json"
    data_file.write_text(json.dumps(data))
    page = tmp_path / "page.html"
    database = tmp_path / "elsewhere" / "db.sqlite3"
    env = {"DOCS_HTML": str(page), "DATABASE_URL": f"sqlite:///{database}"}
    with ServerProcess(args=["--data", str(data_file)], env=env) as process:
        with process.client(headers=process.auth_headers()) as api:
            own = api.patch(
                process_run_path("own-run", "own-child", "own-flow"), json={"status": "failed"}
            )
            assert own.status_code == 200, own.text
            assert {k: own.json()[k] for k in RUN_FIELDS} == {**fields, "status": "failed"}
            assert_odata_error(api.patch(run_path(), json={"status": "failed"}), 404)
        # Before `make publish` has built the page: an OData 404 that says how to build it.
        missing = assert_odata_error(httpx.get(process.root_url + "/docs"), 404, "ResourceNotFound")
        assert "make publish" in missing["message"]
        page.write_text("<!doctype html><title>runs</title>")
        docs = httpx.get(process.root_url + "/docs")
        assert docs.status_code == 200
        assert docs.text == page.read_text()
        assert docs.headers["content-type"].startswith("text/html")
    assert database.is_file()
    assert not (tmp_path / "state" / "runs.sqlite3").exists()


def test_a_broken_data_file_stops_the_start(tmp_path: Path) -> None:
    data_file = tmp_path / "data.json"
    data_file.write_text(json.dumps({"incomingFlows": [{"id": "f", "runs": [{"id": "r"}]}]}))
    process = ServerProcess(args=["--data", str(data_file)], state_dir=tmp_path / "state")
    with pytest.raises(Exception, match="not a valid run"):
        process.start()
    process.close()
    assert process.returncode == 2


@pytest.mark.slow
def test_a_response_that_breaks_the_spec_is_a_loud_500(fresh_server: ServerProcess) -> None:
    # Put a run in storage that the API could never return (a name over 256 characters).
    with fresh_server.open_store() as store:
        store.update_run("demo-flow", "demo-run", {"displayName": "x" * 300})
    with fresh_server.client(headers=fresh_server.auth_headers()) as api:
        response = api.patch(run_path(), json={"status": "failed"})
        error = assert_odata_error(response, 500, "ResponseValidationFailed")
        assert "displayName" in error["message"]
        assert "RESPONSE BREAKS THE SPEC" in fresh_server.log()
        # Without response validation the same response goes out as it is.
        fresh_server.validate_responses = False
        fresh_server.restart()
        unchecked = api.patch(run_path(), json={"status": "failed"})
        assert unchecked.status_code == 200
        assert len(unchecked.json()["displayName"]) == 300


@pytest.mark.slow
def test_an_unexpected_error_is_an_odata_500_without_internals(fresh_server: ServerProcess) -> None:
    with sqlite3.connect(fresh_server.state_dir / "runs.sqlite3") as db:
        db.execute("DROP TABLE process_links")
    with fresh_server.client(headers=fresh_server.auth_headers()) as api:
        response = api.post(add_run_path(), json=new_run_body())
        error = assert_odata_error(response, 500, "InternalServerError")
        assert "request-id" in error["message"]
        assert response.headers["request-id"] in fresh_server.log()
        assert "Traceback" in fresh_server.log()  # the details go to the log, not to the caller
        # The server keeps serving.
        assert api.patch(run_path(), json={"status": "failed"}).status_code == 200
    assert re.search(r"\bno such table\b", fresh_server.log())
