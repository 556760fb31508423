"""`Prefer: include-unknown-enum-members` is said in `Preference-Applied` when applied, only."""

from __future__ import annotations

import pytest

from fuzzing.checks.preferences import INCLUDE_UNKNOWN, preference_names, preferences_honoured
from tests.fuzzing.checks.exchanges import ADD_PATH, ERROR, RUN, evidence, exchange

PREFER = {"Prefer": INCLUDE_UNKNOWN}
APPLIED = {"preference-applied": INCLUDE_UNKNOWN}


def _update(prefer: dict[str, str], applied: dict[str, str], run: object = RUN) -> None:
    preferences_honoured(
        evidence(exchange(sent={}, answer=run, request_headers=prefer, response_headers=applied))
    )


def test_the_preference_said_when_applied_and_only_then_passes() -> None:
    _update(PREFER, APPLIED)
    _update({}, {})
    _update({"Prefer": f"x-other, {INCLUDE_UNKNOWN.upper()}; p=1"}, APPLIED)
    _update({"Prefer": "x-other=1"}, {})
    # A refusal carries no run; a quoted value that hides a comma is not judged on a guess.
    preferences_honoured(evidence(exchange(status=400, answer=ERROR, request_headers=PREFER)))
    _update({"Prefer": f'x="a,{INCLUDE_UNKNOWN}"'}, {})


@pytest.mark.parametrize(
    ("prefer", "applied", "run", "problem"),
    [
        (PREFER, {}, RUN, "does not say it"),
        ({}, APPLIED, RUN, "which was not sent"),
        ({"Prefer": "x-other"}, APPLIED, RUN, "which was not sent"),
        ({}, {}, {**RUN, "status": "pausedForReview"}, "goes only to a caller that sent"),
    ],
)
def test_the_preference_not_honoured_fails(
    prefer: dict[str, str], applied: dict[str, str], run: object, problem: str
) -> None:
    with pytest.raises(AssertionError, match=problem):
        _update(prefer, applied, run)


def test_a_204_to_add_run_says_no_preference_applied() -> None:
    def added(applied: dict[str, str]) -> None:
        preferences_honoured(
            evidence(
                exchange(
                    method="POST",
                    path=ADD_PATH,
                    status=204,
                    request_headers=PREFER,
                    response_headers=applied,
                )
            )
        )

    added({})
    with pytest.raises(AssertionError, match="a 204 carries no run"):
        added(APPLIED)


def test_preference_names_read_rfc_7240_values() -> None:
    assert preference_names(None) == frozenset()
    assert preference_names("Respond-Async, wait=10; x=1 ,") == frozenset({"respond-async", "wait"})
    assert preference_names('x="a,b"') == frozenset({"x"})
    quoted = 'foo="x, include-unknown-enum-members, y", Wait=5'
    assert preference_names(quoted) == frozenset({"foo", "wait"})
