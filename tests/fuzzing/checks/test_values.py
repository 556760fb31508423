"""What a request may set: unknown properties, `id` and the sentinel are refused."""

from __future__ import annotations

import pytest

from fuzzing.checks.values import sentinel_status_rejected, unknown_properties_rejected
from tests.fuzzing.checks.exchanges import ADD_PATH, BASE, ERROR, RUN, evidence, exchange

# Unknown properties and the sentinel are refused.


def test_accepted_unknown_properties_fail() -> None:
    with pytest.raises(AssertionError, match="unknown property `extra`"):
        unknown_properties_rejected(
            evidence(exchange(sent={"displayName": "x", "extra": 1}, answer=RUN))
        )
    with pytest.raises(AssertionError, match="`id` was accepted"):
        unknown_properties_rejected(evidence(exchange(sent={"id": "x"}, answer=RUN)))
    with pytest.raises(AssertionError, match=r"blockingError\.trace"):
        unknown_properties_rejected(
            evidence(exchange(sent={"blockingError": {"trace": "x"}}, answer=RUN))
        )


def test_add_run_takes_a_run_or_a_reference_never_both() -> None:
    reference = {"@odata.id": f"{BASE}/industryData/incomingFlows/demo-flow/runs/x"}
    run: dict[str, object] = {"displayName": "x", "startDateTime": "2026-11-24T02:00:00Z"}
    run.update(status="running", statistics={})
    for sent in (reference, run):
        unknown_properties_rejected(
            evidence(exchange(method="POST", path=ADD_PATH, sent=sent, status=204))
        )
    for sent, extra in (
        ({**run, **reference}, "@odata.id"),
        ({**reference, "status": "x"}, "status"),
    ):
        with pytest.raises(AssertionError, match=f"`{extra}` was accepted"):
            unknown_properties_rejected(
                evidence(exchange(method="POST", path=ADD_PATH, sent=sent, status=204))
            )


def test_refused_unknown_properties_pass() -> None:
    unknown_properties_rejected(evidence(exchange(sent={"extra": 1}, status=400, answer=ERROR)))
    unknown_properties_rejected(evidence(exchange(sent={"displayName": "x"}, answer=RUN)))


def test_the_sentinel_must_be_refused() -> None:
    with pytest.raises(AssertionError, match="unknownFutureValue"):
        sentinel_status_rejected(
            evidence(exchange(sent={"status": "unknownFutureValue"}, answer=RUN))
        )
    sentinel_status_rejected(
        evidence(exchange(sent={"status": "unknownFutureValue"}, status=400, answer=ERROR))
    )
    sentinel_status_rejected(evidence(exchange(sent={"status": "completed"}, answer=RUN)))
