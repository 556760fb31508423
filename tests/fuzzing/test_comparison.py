"""JSON values compared as the contract compares them: JSON equality, numbers by value, times as
instants."""

from __future__ import annotations

from typing import Any

import pytest

from fuzzing.comparison import json_equal, mismatch, mismatches, same_number, short, unchanged
from fuzzing.exact_json import loads


@pytest.mark.parametrize(
    ("left", "right", "equal"),
    [
        (True, 1, False),
        (1, 1.0, True),
        ({"a": 1, "b": [1, 2]}, {"b": [1, 2], "a": 1}, True),
        ([1, 2], [2, 1], False),
        ({"a": None}, {}, False),
        ("1", 1, False),
    ],
)
def test_json_equality(left: Any, right: Any, equal: bool) -> None:
    assert json_equal(left, right) is equal
    assert json_equal(right, left) is equal


@pytest.mark.parametrize(
    ("sent", "answered"),
    [
        # An Express server's answer to a double sent in exponent form (issue 22).
        ("-5.130094826541337e+16", "-51300948265413370"),
        ("100", "1e2"),
        ("100", "100.0"),
        ("1e-7", "0.0000001"),
        ("0.25", "2.5e-1"),
        # 2^53 + 1 has no double: the double it rounds to is what a service may keep (D35).
        ("9007199254740993", "9007199254740992"),
        ("0.1", "0.1000000000000000055511151231257827"),
        ("1e400", "10e399"),
    ],
)
def test_numbers_are_equal_in_any_spelling_of_their_value_or_double(
    sent: str, answered: str
) -> None:
    left, right = loads(sent), loads(answered)
    assert same_number(left, right)
    assert json_equal({"n": [left]}, {"n": [right]})
    assert mismatch("statistics", {"n": left}, {"n": right}) is None


@pytest.mark.parametrize(
    ("sent", "answered"),
    [
        ("-5.130094826541337e+16", "-51300948265413376"),  # the next double
        ("9007199254740993", "9007199254740994"),
        ("0.1", "0.10000001"),
        ("1e400", "1e401"),  # beyond the doubles: only the same value will do
        ("1", "true"),
    ],
)
def test_numbers_of_another_value_and_double_differ(sent: str, answered: str) -> None:
    assert not json_equal(loads(sent), loads(answered))
    assert mismatch("statistics", {"n": loads(sent)}, {"n": loads(answered)}) is not None


def test_numbers_read_from_json_say_what_was_written() -> None:
    problem = mismatch("statistics", loads('{"n": 1e-7}'), loads('{"n": 2e-7}'))
    assert problem == "`statistics`: sent {'n': 1e-7}, got {'n': 2e-7}"


def test_times_must_come_back_in_utc_at_the_same_instant() -> None:
    sent = "2026-11-24T03:00:00.1234567+01:00"
    assert mismatch("startDateTime", sent, "2026-11-24T02:00:00.1234567Z") is None
    assert "not in UTC" in (mismatch("startDateTime", sent, sent) or "")
    lost = mismatch("startDateTime", sent, "2026-11-24T02:00:00.123456Z")
    assert "not the same instant" in (lost or "")
    # Other properties compare as JSON, whatever they look like.
    assert mismatch("displayName", sent, "2026-11-24T02:00:00.1234567Z") is not None


def test_unchanged_times_may_be_spelled_otherwise() -> None:
    assert unchanged("endDateTime", "2026-11-24T02:00:00.5Z", "2026-11-24T02:00:00.5000000Z")
    assert not unchanged("endDateTime", "2026-11-24T02:00:00.5Z", "2026-11-24T02:00:00.6Z")
    assert not unchanged("displayName", "a", "b")


def test_mismatches_skip_the_type_annotation_and_name_what_is_missing() -> None:
    expected = {"@odata.type": "#x", "displayName": "a", "status": "running"}
    problems = mismatches(expected, {"displayName": "b"}, missing="`{name}` is gone")
    assert problems == ["`displayName`: sent 'a', got 'b'", "`status` is gone"]


def test_short_values_say_how_long_they_were() -> None:
    assert short("abc") == "'abc'"
    assert short("x" * 500).endswith("... (502 characters)")
