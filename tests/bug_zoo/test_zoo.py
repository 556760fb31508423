"""Every bug variant of the zoo is caught, on a reduced budget, with the harness as
`make fuzz-zoo` runs it (the conforming variants: `test_fuzz_conforming.py`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bug_zoo.catalog import NAMES
from tests.bug_zoo.zoo_suite import run_suite


@pytest.mark.slow
@pytest.mark.heavy
@pytest.mark.timeout(960)
def test_every_bug_variant_is_caught(tmp_path: Path) -> None:
    outcomes, output = run_suite("bugs", tmp_path)
    assert sorted(outcomes) == sorted(NAMES)
    for name, outcome in outcomes.items():
        assert outcome["caught"], name
        assert outcome["check"], name
        # Seconds from the start of the harness to the first failure, for each variant.
        assert isinstance(outcome["seconds"], float), name
        # Stopped at its first failure, the harness says so and nothing else: no traceback of
        # a schemathesis it interrupted while it was starting, no failure of schemathesis's own
        # for the exit status of that interrupt.
        said = (tmp_path / "zoo" / name / "fuzz-output.txt").read_text(encoding="utf-8")
        assert "KeyboardInterrupt" not in said, name
        assert "schemathesis exited with" not in said, name
    assert "check that caught it" in output
