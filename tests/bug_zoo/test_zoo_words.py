"""The zoo's words: a bug is caught or not; a server with no bug (the control, a conforming
variant) passed or failed, and a run of such servers does not end "0 of 0 bug variants caught"."""

from __future__ import annotations

from typing import Any

from bug_zoo.catalog import CONFORMING, CONTROL, NAMES
from bug_zoo.runner import VariantOutcome, closing, progress, render

BUG = NAMES[0]
FREEDOM = CONFORMING[0]


def ended(name: str, caught: bool) -> VariantOutcome:
    return VariantOutcome(name, "bug", caught, "check" if caught else None, None, None, 1, 1.0)


def document(*outcomes: VariantOutcome) -> dict[str, Any]:
    return {
        "variants": [{"variant": outcome.variant} for outcome in outcomes],
        "caught": sum(1 for o in outcomes if o.caught and not o.conforming),
        "total": sum(1 for o in outcomes if not o.conforming),
        "conforming_passed": sum(1 for o in outcomes if o.conforming and o.as_expected),
        "conforming_total": sum(1 for o in outcomes if o.conforming),
    }


def test_a_server_without_a_bug_that_passed_is_said_to_have_passed() -> None:
    assert progress(ended(CONTROL, caught=False)) == "passed"
    assert progress(ended(FREEDOM, caught=False)) == "passed"
    assert progress(ended(CONTROL, caught=True)).startswith("FAILED")
    assert progress(ended(BUG, caught=True)) == "caught"
    assert progress(ended(BUG, caught=False)) == "NOT CAUGHT"
    assert "not caught" not in render([ended(CONTROL, False), ended(FREEDOM, False)])


def test_the_last_line_counts_only_what_the_suite_ran() -> None:
    conforming = document(ended(FREEDOM, caught=False))
    assert closing(conforming) == "1 of 1 conforming servers passed"
    bugs = document(ended(BUG, caught=True), ended(CONTROL, caught=False))
    assert closing(bugs) == (
        "1 of 1 bug variants caught, 1 of 1 conforming servers passed (the control among them)"
    )
    assert "0 of 0" not in closing(conforming) + closing(bugs)
