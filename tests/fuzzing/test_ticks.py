"""DateTimeOffset instants counted in 100 ns ticks, the precision the contract promises."""

from __future__ import annotations

import pytest

from fuzzing.ticks import is_utc, ticks


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("2026-11-24T03:00:00.1234567+01:00", "2026-11-24T02:00:00.1234567Z"),
        ("2026-11-24T02:00:00.5Z", "2026-11-24T02:00:00.5000000Z"),
        ("2026-03-01T00:30:00+01:00", "2026-02-28T23:30:00Z"),
        ("2024-03-01T00:30:00+01:00", "2024-02-29T23:30:00Z"),
    ],
)
def test_same_instants_have_the_same_ticks(left: str, right: str) -> None:
    assert ticks(left) == ticks(right)
    assert ticks(left) is not None


def test_the_seventh_digit_counts() -> None:
    assert ticks("2026-11-24T02:00:00.1234567Z") != ticks("2026-11-24T02:00:00.123456Z")


def test_the_epoch_is_zero_and_year_zero_is_allowed() -> None:
    assert ticks("1970-01-01T00:00:00Z") == 0
    assert ticks("0000-01-01T00:00:00Z") == -62167219200 * 10_000_000


@pytest.mark.parametrize(
    "value",
    [
        "2026-02-29T00:00:00Z",
        "2026-13-01T00:00:00Z",
        "2026-11-24T24:00:00Z",
        "2026-11-24T02:00:00.12345678Z",
        "2026-11-24T02:00:00",
        "2026-11-24 02:00:00Z",
        "2026-11-24T02:00:00+24:00",
    ],
)
def test_invalid_values_have_no_ticks(value: str) -> None:
    assert ticks(value) is None


def test_is_utc() -> None:
    assert is_utc("2026-11-24T02:00:00Z")
    assert not is_utc("2026-11-24T02:00:00+00:00")
    assert not is_utc("not a time")
