"""What the client tests share: clients of a test server, and bodies from the spec's examples."""

from __future__ import annotations

import datetime
import json
from functools import cache
from typing import Any

import httpx
from industrydata_runs_client import AuthenticatedClient
from industrydata_runs_client.models import RunCreate, RunStatistics, RunStatusInput

from contract.loading import load_document
from tests.support.server_process import tls_context
from tooling.paths import SPEC

FLOW = "demo-flow"
DEMO_RUN = "demo-run"
DEMO_PROCESS_RUN = "demo-process-run"

# The generated client has no timeout by default; a test must not hang on a stuck server.
TIMEOUT = httpx.Timeout(30.0)


def connect(base_url: str, token: str, **httpx_args: Any) -> AuthenticatedClient:
    return AuthenticatedClient(
        base_url, token=token, timeout=TIMEOUT, verify_ssl=tls_context(), httpx_args=httpx_args
    )


@cache
def spec() -> dict[str, Any]:
    return load_document(SPEC)


def response_example(response: str, name: str | None = None) -> dict[str, Any]:
    """The JSON body of an example of `components/responses/<response>` in the spec."""
    media = spec()["components"]["responses"][response]["content"]["application/json"]
    value: dict[str, Any] = media["examples"][name]["value"] if name else media["example"]
    return value


def error_responses() -> list[str]:
    """The names of the spec's reusable responses whose body is an OData error."""
    return [
        name
        for name, response in spec()["components"]["responses"].items()
        if response["content"]["application/json"]["schema"].get("$ref", "").endswith("/ODataError")
    ]


def new_run(name: str = "Client test run") -> RunCreate:
    """A run to add, still running; its start has microseconds that must survive the trip."""
    return RunCreate(
        display_name=name,
        start_date_time=datetime.datetime(2026, 11, 24, 2, 0, 0, 123456, tzinfo=datetime.UTC),
        status=RunStatusInput.RUNNING,
        statistics=RunStatistics.from_dict({"recordsRead": 0}),
    )


class RequestLog:
    """An httpx request hook that keeps the JSON bodies the client sent."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []

    def __call__(self, request: httpx.Request) -> None:
        if request.content:
            self.bodies.append(json.loads(request.content))
