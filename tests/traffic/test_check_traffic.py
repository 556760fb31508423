"""`make check-traffic`: the committed HARs of the zoo's client script (`make traffic-zoo`
records them), against the control and against `patch_resets_unsent` (a bug no schema shows),
judged offline with drift merged in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.commands import run_module

FIXTURES = Path(__file__).with_name("fixtures") / "zoo"


def check(har: Path, reports: Path) -> tuple[int, dict[str, Any], str]:
    done = run_module("scripts.check_traffic", str(har), "--reports-dir", str(reports), timeout=180)
    found = {}
    if (reports / "traffic-summary.json").exists():
        found = json.loads((reports / "traffic-summary.json").read_text(encoding="utf-8"))
    return done.returncode, found, done.stdout + done.stderr


@pytest.mark.slow
def test_a_buggy_servers_traffic_fails_on_the_contract_rule_drift_cannot_see(
    tmp_path: Path,
) -> None:
    status, found, output = check(FIXTURES / "patch_resets_unsent.har", tmp_path)
    assert status == 1, output
    failures = [(f["rule"], f["source"]) for f in found["findings"] if f["severity"] == "failure"]
    assert failures == [("patch_keeps_unsent", "check")]
    assert found["drift"]["error"] is None
    assert not any(f["source"] == "drift" and f["severity"] == "failure" for f in found["findings"])
    assert "`endDateTime` was not sent" in output
    junit = (tmp_path / "traffic-junit.xml").read_text(encoding="utf-8")
    assert 'name="patch_keeps_unsent"' in junit
    assert "<failure" in junit


@pytest.mark.slow
def test_the_controls_traffic_passes_with_the_bad_requests_as_notes(tmp_path: Path) -> None:
    status, found, output = check(FIXTURES / "none.har", tmp_path)
    assert status == 0, output
    assert found["failures"] == 0
    notes = [f["rule"] for f in found["findings"] if f["source"] != "drift"]
    assert notes == ["request_breaks_spec", "request_breaks_spec"]
    skipped = {row["rule"] for row in found["rules"] if row["skipped"]}
    assert "rejected_request_changed_nothing" in skipped


def test_a_file_that_cannot_be_read_exits_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.har"
    broken.write_text("not json", encoding="utf-8")
    status, _, output = check(broken, tmp_path)
    assert status == 2
    assert "is not a HAR file" in output
    done = run_module("scripts.check_traffic", timeout=60, env={"PATH": "/usr/bin:/bin"})
    assert done.returncode == 2
    assert "make check-traffic HAR=file.har" in done.stderr
