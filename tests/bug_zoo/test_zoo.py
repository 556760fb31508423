"""Every variant of the zoo is caught by the harness, on a reduced budget."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bug_zoo.catalog import NAMES
from tests.support.commands import environment, run_module


@pytest.mark.slow
@pytest.mark.heavy
@pytest.mark.timeout(600)
def test_every_variant_is_caught(tmp_path: Path) -> None:
    env = environment(
        without_prefixes=("TARGET_",),
        extra={
            "FUZZ_SEED": "1",
            "FUZZ_MAX_EXAMPLES": "5",
            # The coverage phase is the slowest; the probes cover what it would add here.
            "FUZZ_PHASES": "examples,fuzzing,stateful",
            "FUZZ_ZOO_CONTROL": "0",
            "FUZZ_REPORTS_DIR": str(tmp_path),
        },
    )
    result = run_module("bug_zoo", env=env, timeout=580)
    summary = json.loads((tmp_path / "zoo-summary.json").read_text())
    survivors = [v["variant"] for v in summary["variants"] if not v["caught"]]
    assert survivors == [], result.stdout[-4000:]
    assert result.returncode == 0, result.stdout[-4000:]
    assert sorted(v["variant"] for v in summary["variants"]) == sorted(NAMES)
    assert all(v["check"] for v in summary["variants"])
    assert "check that caught it" in result.stdout
