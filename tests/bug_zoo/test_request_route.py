"""A variant places a request by the contract core, as the server and the fuzzer do: ids as sent,
decoded once, and a rewritten path that keeps its encoding."""

from __future__ import annotations

from bug_zoo.asgi import Request
from fuzzing.exchange import ADD_RUN, UPDATE_PROCESS_RUN
from fuzzing.target import run_url

BASE = "/beta/industryData/incomingFlows"


def _request(raw_path: bytes, method: str = "PATCH") -> Request:
    scope = {"type": "http", "method": method, "path": "-", "raw_path": raw_path, "headers": []}
    return Request(scope=scope, body=b"")


def test_ids_are_read_as_sent_and_decoded_once() -> None:
    route = _request(f"{BASE}/f%252F/runs/a%20b/process/runs/c".encode()).route
    assert route is not None
    assert (route.operation, route.flow, route.run, route.target) == (
        UPDATE_PROCESS_RUN,
        "f%2F",
        "a b",
        ("f%2F", "c"),
    )


def test_the_concrete_add_run_path_wins_and_other_paths_are_none() -> None:
    adding = _request(f"{BASE}/f/runs/a/process/runs/$ref".encode(), "POST").route
    assert adding is not None
    assert (adding.operation, adding.target) == (ADD_RUN, ("f", "a"))
    assert _request(f"{BASE}/f".encode()).route is None
    assert _request(b"/beta/$metadata").route is None


def test_a_rewritten_path_keeps_its_encoding() -> None:
    request = _request(f"{BASE}/f/runs/a%2Fb/process/runs/c".encode())
    route = request.route
    assert route is not None
    moved = request.with_url(run_url(route.base_url, route.target))
    assert moved.scope["raw_path"] == f"{BASE}/f/runs/c".encode()
    assert moved.scope["path"] == f"{BASE}/f/runs/c"
    assert moved.route is not None
    assert moved.route.target == ("f", "c")
