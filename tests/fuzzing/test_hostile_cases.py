"""The hostile-input probes expect what the contract says, as the reference server reads it.

Each case of `fuzzing.probes.roundtrips` says whether the contract wants it refused or kept;
the reference server's parser and checks (the contract core's verdict) must agree, or the probe
would fail a correct server or pass a wrong one.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from fuzzing.probes.roundtrips import (
    NUMBERS,
    REPEATED,
    TEXT,
    Hostile,
    Outcome,
    expected_outcome,
    nesting_cases,
)
from reference_server.conformance import ServedContract
from reference_server.payload import PayloadError, parse_json

SPEC = Path(__file__).resolve().parents[2] / "openapi.yaml"
CASES = [*TEXT, *NUMBERS, *REPEATED, *nesting_cases()]


@cache
def _served() -> ServedContract:
    return ServedContract.load(SPEC)


def _server_accepts(body: bytes, operation: str) -> bool:
    try:
        parsed = parse_json(body)
    except PayloadError:
        return False
    return not _served().check_body(_served().operations[operation], parsed)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.what)
def test_each_case_is_judged_by_the_server_as_the_probe_expects(case: Hostile) -> None:
    for body, operation in ((case.update(), "updateRun"), (case.create(), "addRun")):
        accepted = _server_accepts(body, operation)
        expected = expected_outcome(case, body, operation)
        if expected is Outcome.REFUSE:
            assert not accepted, (operation, case.what)
        elif expected is Outcome.KEEP:
            assert accepted, (operation, case.what)


def test_a_member_named_twice_counts_as_its_last_value() -> None:
    """A service that checks the first value and keeps the last one breaks the contract: the
    probe holds the body to its last value, so the sentinel last must be refused."""
    sentinel_last, sentinel_first = REPEATED[0], REPEATED[1]
    assert expected_outcome(sentinel_last, sentinel_last.update(), "updateRun") is Outcome.REFUSE
    assert expected_outcome(sentinel_first, sentinel_first.update(), "updateRun") is Outcome.EITHER
    assert sentinel_first.sent() == {"status": "completed"}


def test_an_add_run_body_carries_the_case_and_a_valid_run_around_it() -> None:
    case = NUMBERS[0]
    body = json.loads(case.create(), parse_constant=float)
    assert body["statistics"] == {"n": float("inf")}
    assert {"displayName", "startDateTime", "status"} <= set(body)
