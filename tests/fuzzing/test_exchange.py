"""Which operation a URL addresses, whatever the base URL."""

from __future__ import annotations

import pytest

import fuzzing.exchange
from contract.api import ApiContract
from fuzzing.exchange import ADD_RUN, UPDATE_PROCESS_RUN, UPDATE_RUN, Exchange, route_of

BASE = "http://127.0.0.1:8000/beta"


def test_update_run() -> None:
    route = route_of(f"{BASE}/industryData/incomingFlows/demo-flow/runs/demo-run")
    assert route is not None
    assert (route.operation, route.target, route.base_url) == (
        UPDATE_RUN,
        ("demo-flow", "demo-run"),
        BASE,
    )


def test_update_process_run_targets_the_linked_run() -> None:
    route = route_of(f"{BASE}/industryData/incomingFlows/f/runs/a/process/runs/b%20c")
    assert route is not None
    assert (route.operation, route.run, route.target) == (UPDATE_PROCESS_RUN, "a", ("f", "b c"))


def test_add_run_targets_the_parent() -> None:
    route = route_of(f"{BASE}/industryData/incomingFlows/f/runs/a/process/runs/$ref")
    assert route is not None
    assert (route.operation, route.target, route.process_run) == (ADD_RUN, ("f", "a"), None)


def test_other_urls() -> None:
    assert route_of(f"{BASE}/industryData/incomingFlows/f") is None
    assert route_of(f"{BASE}/openapi.json") is None


def test_a_documented_path_that_names_no_run_is_no_route(monkeypatch: pytest.MonkeyPatch) -> None:
    """A spec (`FUZZ_SPEC`) may document paths beside the run operations: they are no route."""
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/health/{probe}": {"get": {"operationId": "health", "responses": {}}}},
    }
    monkeypatch.setattr(fuzzing.exchange, "contract", lambda: ApiContract(document))
    assert route_of(f"{BASE}/health/live") is None


def test_location_is_resolved_against_the_request() -> None:
    exchange = Exchange.build(
        method="POST",
        url=f"{BASE}/industryData/incomingFlows/f/runs/a/process/runs/$ref",
        request_headers={},
        request_body=None,
        status=204,
        response_headers={"Location": "/beta/industryData/incomingFlows/f/runs/new"},
        response_body=b"",
    )
    assert exchange.location == f"{BASE}/industryData/incomingFlows/f/runs/new"
    route = exchange.location_route
    assert route is not None
    assert (route.operation, route.target) == (UPDATE_RUN, ("f", "new"))
