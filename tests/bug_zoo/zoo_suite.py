"""The zoo's suites run as `make fuzz-zoo` and `make fuzz-conforming` run them, on a reduced
budget, for the two test files that hold them to their verdicts (one suite a file, so that
pytest-xdist runs the two side by side: each is a few minutes of one worker)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.commands import environment, run_module

# The coverage phase is the slowest; the probes cover what it would add here. Two examples per
# operation and phase: a probe is the first to catch every bug variant (schemathesis is stopped
# while it starts), and each conforming variant still goes through every phase kept, the stateful
# phase's add-then-update chain included (the harness fails a run without one). Five cost a
# conforming variant a second of CPU more and caught nothing more.
BUDGET = {"FUZZ_SEED": "1", "FUZZ_MAX_EXAMPLES": "2", "FUZZ_PHASES": "examples,fuzzing,stateful"}


def run_suite(suite: str, reports: Path) -> tuple[dict[str, dict[str, object]], str]:
    """Each variant's outcome by name, and the command's output; fails unless every variant went
    as expected and the command exited 0."""
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
