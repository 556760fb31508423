"""Paths of the demo data and small helpers for talking to a reference server in tests."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

FLOW = "demo-flow"
RUN = "demo-run"
PROCESS_RUN = "demo-process-run"
ODATA_TYPE = "#microsoft.graph.industryData.run"


def run_path(run_id: str = RUN, flow_id: str = FLOW) -> str:
    """Update run: `PATCH` this."""
    return f"/industryData/incomingFlows/{flow_id}/runs/{run_id}"


def process_run_path(
    run_id: str = RUN, process_run_id: str = PROCESS_RUN, flow_id: str = FLOW
) -> str:
    """Update process run: `PATCH` this."""
    return f"{run_path(run_id, flow_id)}/process/runs/{process_run_id}"


def add_run_path(run_id: str = RUN, flow_id: str = FLOW) -> str:
    """Add run: `POST` this."""
    return f"{run_path(run_id, flow_id)}/process/runs/$ref"


def new_run_body(**overrides: Any) -> dict[str, Any]:
    """A valid Add run body."""
    body: dict[str, Any] = {
        "displayName": "Test import",
        "startDateTime": "2026-11-24T02:00:00Z",
        "status": "running",
        "statistics": {},
    }
    body.update(overrides)
    return body


def add_run(
    client: httpx.Client, headers: dict[str, str], parent: str = RUN, **overrides: Any
) -> str:
    """Create a run linked into the process of `parent` and return its id."""
    response = client.post(add_run_path(parent), headers=headers, json=new_run_body(**overrides))
    assert response.status_code == 204, response.text
    return response.headers["Location"].rsplit("/", 1)[1]


def read_run(client: httpx.Client, headers: dict[str, str], run_id: str = RUN) -> dict[str, Any]:
    """The run as stored: a PATCH that changes nothing answers with the whole run."""
    response = client.patch(run_path(run_id), headers=headers, json={"@odata.type": ODATA_TYPE})
    assert response.status_code == 200, response.text
    run: dict[str, Any] = response.json()
    return run


def assert_odata_error(
    response: httpx.Response, status: int, code: str | None = None
) -> dict[str, Any]:
    """The response is an OData error with `status` (and `code`), ids in place, no internals."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error: dict[str, Any] = response.json()["error"]
    if code is not None:
        assert error["code"] == code, error
    assert isinstance(error["message"], str)
    assert error["message"]
    request_id = response.headers["request-id"]
    assert str(uuid.UUID(request_id)) == request_id
    assert error["innerError"]["request-id"] == request_id
    for leak in ("Traceback", 'File "', ".py", "sqlite", "jsonschema"):
        assert leak not in response.text, response.text
    return error
