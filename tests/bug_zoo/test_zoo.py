"""Every bug variant of the zoo is caught and every conforming variant passes, on a reduced
budget, with the harness as `make fuzz-zoo` and `make fuzz-conforming` run it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bug_zoo.catalog import CONFORMING, NAMES, is_conforming
from fuzzing.facts import contract
from tests.support.commands import environment, run_module

# The coverage phase is the slowest; the probes cover what it would add here.
BUDGET = {"FUZZ_SEED": "1", "FUZZ_MAX_EXAMPLES": "5", "FUZZ_PHASES": "examples,fuzzing,stateful"}


def _zoo(suite: str, reports: Path) -> tuple[dict[str, dict[str, object]], str]:
    env = environment(
        without_prefixes=("TARGET_", "FUZZ_"),
        extra={**BUDGET, "FUZZ_ZOO_CONTROL": "0", "FUZZ_REPORTS_DIR": str(reports)},
    )
    command = {"bugs": "scripts.fuzz_zoo", "conforming": "scripts.fuzz_conforming"}[suite]
    result = run_module(command, env=env, timeout=900)
    name = {"bugs": "zoo-summary.json", "conforming": "conforming-summary.json"}[suite]
    summary = json.loads((reports / name).read_text())
    assert summary["not_as_expected"] == [], result.stdout[-6000:]
    assert result.returncode == 0, result.stdout[-4000:]
    return {variant["variant"]: variant for variant in summary["variants"]}, result.stdout


@pytest.mark.slow
@pytest.mark.heavy
@pytest.mark.timeout(960)
def test_every_bug_variant_is_caught(tmp_path: Path) -> None:
    outcomes, output = _zoo("bugs", tmp_path)
    assert sorted(outcomes) == sorted(NAMES)
    for name, outcome in outcomes.items():
        assert outcome["caught"], name
        assert outcome["check"], name
        # Seconds from the start of the harness to the first failure, for each variant.
        assert isinstance(outcome["seconds"], float), name
    assert "check that caught it" in output


@pytest.mark.slow
@pytest.mark.heavy
@pytest.mark.timeout(960)
def test_every_conforming_variant_passes(tmp_path: Path) -> None:
    outcomes, output = _zoo("conforming", tmp_path)
    assert sorted(outcomes) == sorted(CONFORMING)
    for name, outcome in outcomes.items():
        # A freedom this spec does not grant yet makes the variant a breach, caught as one.
        assert outcome["caught"] != is_conforming(name, contract().document), name
        assert outcome["error"] is None, name
    assert "conforming servers passed" in output
