"""DateTimeOffset to UTC, every fractional digit kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from contract.loading import load_document
from reference_server.conformance import ServedContract
from reference_server.times import TimeOutOfRangeError, to_utc

SPEC = Path(__file__).resolve().parents[2] / "openapi.yaml"


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("2026-11-24T02:00:00Z", "2026-11-24T02:00:00Z"),
        ("2026-11-24T02:00:00.1234567Z", "2026-11-24T02:00:00.1234567Z"),
        ("2026-11-24T02:00:00.10+01:00", "2026-11-24T01:00:00.10Z"),
        ("2026-11-24T23:59:59.9999999-00:01", "2026-11-25T00:00:59.9999999Z"),
        ("2026-03-01T00:30:00+01:00", "2026-02-28T23:30:00Z"),
        ("2024-03-01T00:30:00+01:00", "2024-02-29T23:30:00Z"),
        ("0099-06-01T00:00:00+23:59", "0099-05-31T00:01:00Z"),
        ("9999-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59.9999999Z"),
    ],
)
def test_to_utc(sent: str, stored: str) -> None:
    assert to_utc(sent) == stored


@pytest.mark.parametrize(
    "sent", ["9999-12-31T23:30:00-01:00", "0001-01-01T00:00:00+00:01", "0000-01-01T00:00:00Z"]
)
def test_instants_outside_the_calendar_are_refused(sent: str) -> None:
    with pytest.raises(TimeOutOfRangeError):
        to_utc(sent)


def test_a_time_is_returned_only_as_a_value_the_contract_lets_a_client_send_back() -> None:
    """Under a spec whose request pattern let year 1000 take a positive offset (as before D9's
    lower edge), the server refuses the time rather than return year 0999."""
    document = load_document(SPEC)
    schema = document["components"]["schemas"]["dateTimeOffset"]
    schema["pattern"] = "^.*$"
    served = ServedContract(document)
    assert served.normalised_time("1000-01-01T01:30:00+01:00") == "1000-01-01T00:30:00Z"
    with pytest.raises(TimeOutOfRangeError, match="0999-12-31T23:30:00Z"):
        served.normalised_time("1000-01-01T00:30:00+01:00")
