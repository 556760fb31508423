"""The run ledger: what counts as known, per server, and when a run is read."""

from __future__ import annotations

import pytest

from fuzzing.exchange import route_of
from fuzzing.run_ledger import RunLedger, Snapshot

# Nothing listens on port 9: a read there would fail the test.
BASE = "http://127.0.0.1:9/beta"
OTHER = "http://127.0.0.1:10/beta"


@pytest.fixture(autouse=True)
def demo_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TARGET_FLOW_ID", "TARGET_RUN_ID", "TARGET_PROCESS_RUN_ID"):
        monkeypatch.delenv(name, raising=False)


def test_pinned_runs_and_link_are_known_everywhere() -> None:
    ledger = RunLedger()
    assert ledger.is_known(BASE, ("demo-flow", "demo-run"))
    assert ledger.is_linked(OTHER, ("demo-flow", "demo-run", "demo-process-run"))
    assert not ledger.is_linked(BASE, ("demo-flow", "demo-process-run", "demo-run"))


def test_created_runs_are_known_on_their_server_only() -> None:
    ledger = RunLedger()
    ledger.note_created(BASE, ("demo-flow", "demo-run"), ("demo-flow", "new"))
    assert ledger.was_created(BASE, ("demo-flow", "new"))
    assert ledger.is_linked(BASE, ("demo-flow", "demo-run", "new"))
    assert not ledger.is_known(OTHER, ("demo-flow", "new"))


def test_a_run_never_seen_is_not_read_before_the_request() -> None:
    ledger = RunLedger()
    route = route_of(f"{BASE}/industryData/incomingFlows/demo-flow/runs/never-seen")
    assert route is not None
    snapshot = ledger.take_snapshot("case-1", route)
    assert (snapshot.known, snapshot.state) == (False, None)
    assert ledger.snapshot("case-1") == snapshot


def test_a_known_state_is_used_without_reading() -> None:
    ledger = RunLedger()
    ledger.record(BASE, ("demo-flow", "demo-run"), {"displayName": "x"})
    route = route_of(f"{BASE}/industryData/incomingFlows/demo-flow/runs/demo-run")
    assert route is not None
    snapshot = ledger.take_snapshot("case-2", route)
    assert (snapshot.known, snapshot.state) == (True, {"displayName": "x"})
    assert ledger.state(OTHER, ("demo-flow", "demo-run")) is None


def test_the_etag_comes_with_the_state_it_was_answered_with() -> None:
    ledger = RunLedger()
    ledger.record(BASE, ("demo-flow", "demo-run"), {"displayName": "x"}, '"7"')
    route = route_of(f"{BASE}/industryData/incomingFlows/demo-flow/runs/demo-run")
    assert route is not None
    assert ledger.take_snapshot("case-3", route).etag == '"7"'
    ledger.record(BASE, ("demo-flow", "demo-run"), {"displayName": "y"})
    assert ledger.take_snapshot("case-4", route).etag is None


def test_requests_that_race_to_one_run_hold_no_state_to_compare() -> None:
    ledger = RunLedger()
    ledger.record(BASE, ("demo-flow", "demo-run"), {"displayName": "x"}, '"7"')
    run = route_of(f"{BASE}/industryData/incomingFlows/demo-flow/runs/demo-run")
    other = route_of(f"{BASE}/industryData/incomingFlows/demo-flow/runs/demo-process-run")
    assert run is not None
    assert other is not None
    ledger.record(BASE, other.target, {"displayName": "z"})
    # One after the other: each keeps its state.
    ledger.take_snapshot("alone", run)
    ledger.finish("alone")
    assert _noted(ledger, "alone").state == {"displayName": "x"}
    # Two at once (several workers): neither can tell its changes from the other's.
    ledger.take_snapshot("first", run)
    ledger.take_snapshot("second", run)
    ledger.take_snapshot("elsewhere", other)
    ledger.finish("first")
    ledger.finish("second")
    ledger.finish("elsewhere")
    for case in ("first", "second"):
        snapshot = _noted(ledger, case)
        assert (snapshot.known, snapshot.state, snapshot.contended) == (True, None, True)
    assert _noted(ledger, "elsewhere").state == {"displayName": "z"}
    # Once both are answered, the next request is alone again.
    ledger.take_snapshot("after", run)
    assert _noted(ledger, "after").contended is False


def _noted(ledger: RunLedger, case: str) -> Snapshot:
    snapshot = ledger.snapshot(case)
    assert snapshot is not None
    return snapshot


def test_a_request_to_the_run_after_the_answer_disturbs_its_check() -> None:
    ledger = RunLedger()
    run = route_of(f"{BASE}/industryData/incomingFlows/demo-flow/runs/demo-run")
    assert run is not None
    ledger.record(BASE, run.target, {"displayName": "x"})
    ledger.take_snapshot("refused", run)
    ledger.finish("refused")
    assert not ledger.disturbed("refused", BASE, run.target)
    # Another worker's update of the same run, while the check reads it.
    ledger.take_snapshot("meanwhile", run)
    assert ledger.disturbed("refused", BASE, run.target)
    assert not ledger.disturbed("refused", BASE, ("demo-flow", "another-run"))
    assert not ledger.disturbed("never-sent", BASE, run.target)
