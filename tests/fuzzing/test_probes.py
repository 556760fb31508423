"""The probes pass the reference server and catch the bugs they are written for."""

from __future__ import annotations

from pathlib import Path

import pytest

from bug_zoo.catalog import CONFORMING
from bug_zoo.hosted import hosted_variant
from fuzzing.target import Target
from tests.fuzzing.probing import run_probes

pytestmark = pytest.mark.slow


def test_the_reference_server_passes_every_probe(fuzz_target: Target, tmp_path: Path) -> None:
    outcomes = run_probes(fuzz_target, tmp_path)
    findings = [f"{finding.check}: {finding.message}" for o in outcomes for finding in o.findings]
    assert findings == []
    assert [outcome.skipped for outcome in outcomes] == [None] * len(outcomes)
    assert all(outcome.requests > 0 for outcome in outcomes)


def test_without_a_weak_token_the_403_probe_is_skipped(fuzz_target: Target, tmp_path: Path) -> None:
    target = Target(base_url=fuzz_target.base_url, token=fuzz_target.token)
    [outcome] = [o for o in run_probes(target, tmp_path) if o.name == "authorization"]
    assert outcome.findings == []
    assert outcome.skipped is not None
    assert "TARGET_TOKEN_NO_PERMISSION" in outcome.skipped


@pytest.mark.parametrize(
    ("variant", "probe", "check"),
    [
        ("if_match_ignored", "if_match", "if_match_honoured"),
        ("body_limit_missing", "body_size", "body_size_limit"),
        ("malformed_json_500", "malformed_json", "malformed_json_rejected"),
        ("link_ignores_flow", "references", "reference_linked"),
        ("link_not_stored", "references", "linked_run_reachable"),
        ("prefer_read_whole", "preferences", "preferences_honoured"),
        ("idempotency_key_ignored", "retried_creates", "replayed_key_adds_no_run"),
        ("head_limit_missing", "transport", "http_layer_answer"),
        ("host_reflected", "foreign_host", "location_names_own_host"),
        ("times_leave_the_years", "edge_times", "invalid_values_rejected"),
        ("reference_escapes_kept", "unresolved_references", "reference_linked"),
        ("reference_dot_segments_resolved", "unresolved_references", "reference_linked"),
        ("prefer_split_on_commas", "preferences", "preferences_honoured"),
        ("lone_surrogates_stored", "hostile_text", "hostile_input_refused"),
        ("huge_numbers_as_null", "hostile_numbers", "hostile_input_refused"),
        ("deep_statistics_accepted", "hostile_nesting", "hostile_input_refused"),
        ("nul_fails_in_storage", "hostile_text", "hostile_input_kept"),
    ],
)
def test_probes_catch_what_schemathesis_never_sends(
    variant: str, probe: str, check: str, tmp_path: Path
) -> None:
    with hosted_variant(variant, tmp_path / "state", tmp_path / "server.log") as target:
        outcomes = run_probes(target, tmp_path / "bodies")
    found = {(outcome.name, finding.check) for outcome in outcomes for finding in outcome.findings}
    assert (probe, check) in found
    curls = [finding.curl for outcome in outcomes for finding in outcome.findings if finding.curl]
    assert curls
    assert all(target.token not in curl for curl in curls)


@pytest.mark.parametrize("variant", CONFORMING)
def test_the_probes_pass_every_conforming_variant(variant: str, tmp_path: Path) -> None:
    """What the contract leaves free (`Location` through the process, say) is no finding."""
    with hosted_variant(variant, tmp_path / "state", tmp_path / "server.log") as target:
        outcomes = run_probes(target, tmp_path / "bodies")
    findings = [f"{finding.check}: {finding.message}" for o in outcomes for finding in o.findings]
    assert findings == []
