"""Every conforming variant of the zoo passes, on a reduced budget, with the harness as
`make fuzz-conforming` runs it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bug_zoo.catalog import CONFORMING, is_conforming
from fuzzing.facts import contract
from tests.bug_zoo.zoo_suite import run_suite


@pytest.mark.slow
@pytest.mark.heavy
@pytest.mark.timeout(960)
def test_every_conforming_variant_passes(tmp_path: Path) -> None:
    outcomes, output = run_suite("conforming", tmp_path)
    assert sorted(outcomes) == sorted(CONFORMING)
    for name, outcome in outcomes.items():
        # A freedom this spec does not grant yet makes the variant a breach, caught as one.
        assert outcome["caught"] != is_conforming(name, contract().document), name
        assert outcome["error"] is None, name
    assert "conforming servers passed" in output
