"""schemathesis and the probes side by side: the probes keep to runs of their own, and under
`FUZZ_FAIL_FAST` the first failure of either stops both."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
import pytest

from bug_zoo.hosted import hosted_variant
from fuzzing import session as session_module
from fuzzing.probes import PROBES, SETUP, ProbeOutcome
from fuzzing.reports import FuzzReportPaths
from fuzzing.session import run_session
from fuzzing.settings import FuzzSettings
from fuzzing.target import Target
from tests.fuzzing.probing import run_probes

pytestmark = pytest.mark.slow


def _settings(tmp_path: Path) -> FuzzSettings:
    reports = FuzzReportPaths(tmp_path)
    reports.clear()
    return FuzzSettings(seed=1, max_examples=3, max_time=60, fail_fast=True, reports=reports)


def _pinned(target: Target) -> list[dict[str, object]]:
    with httpx.Client(timeout=30) as client:
        read = b'{"@odata.type": "#microsoft.graph.industryData.run"}'
        headers = {"Authorization": f"Bearer {target.token}", "Content-Type": "application/json"}
        answers = [
            client.patch(target.run_url(run_id), content=read, headers=headers)
            for run_id in (target.run_id, target.process_run_id)
        ]
    return [answer.json() for answer in answers]


def test_the_probes_change_only_runs_of_their_own(fuzz_target: Target, tmp_path: Path) -> None:
    before = _pinned(fuzz_target)
    outcomes = run_probes(fuzz_target, tmp_path)
    assert [outcome.findings for outcome in outcomes] == [[] for _ in outcomes]
    assert _pinned(fuzz_target) == before


def test_a_probe_failure_stops_schemathesis(tmp_path: Path) -> None:
    with hosted_variant(
        "malformed_json_500", tmp_path / "state", tmp_path / "server.log"
    ) as target:
        result = run_session(target, _settings(tmp_path), on_outcome=lambda outcome: None)
    assert result.probes_alongside
    found = {finding.check for outcome in result.outcomes for finding in outcome.findings}
    assert found
    # The probes stopped at the first probe that found, schemathesis was stopped early.
    assert len(result.outcomes) < 1 + len(PROBES)
    assert result.schemathesis.stopped_at_a_probe_failure


def test_a_schemathesis_failure_stops_the_probes(
    fuzz_target: Target, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A schemathesis that fails at once: the probes, seconds from done, stop between requests.
    monkeypatch.setattr(
        session_module,
        "schemathesis_command",
        lambda target, settings: [sys.executable, "-c", "raise SystemExit(1)"],
    )
    seen: list[ProbeOutcome] = []
    result = run_session(fuzz_target, _settings(tmp_path), on_outcome=seen.append)
    assert result.schemathesis.exit_code == 1
    assert result.outcomes == seen
    assert any(outcome.stopped for outcome in result.outcomes)
    assert [outcome.findings for outcome in result.outcomes] == [[] for _ in result.outcomes]
    assert len(result.outcomes) < 1 + len(PROBES)
    assert result.outcomes[0].name == SETUP.name
