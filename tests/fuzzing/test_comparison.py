"""JSON values compared as the contract compares them: JSON equality, times as instants."""

from __future__ import annotations

from typing import Any

import pytest

from fuzzing.comparison import json_equal, mismatch, mismatches, short, unchanged


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
