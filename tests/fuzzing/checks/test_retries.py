"""`replayed_key_adds_no_run`: a create sent again with its `Idempotency-Key` adds no run."""

from __future__ import annotations

from typing import Any

import pytest

from fuzzing.checks import Evidence
from fuzzing.checks.retries import replayed_key_adds_no_run
from fuzzing.exchange import Exchange
from fuzzing.run_ledger import FirstAnswer, Snapshot
from tests.fuzzing.checks.exchanges import ADD_PATH, BASE, ERROR, exchange

BODY = {"displayName": "import", "status": "running"}
FIRST = f"{BASE}/industryData/incomingFlows/demo-flow/runs/first"
KEY = {"Idempotency-Key": '"k-1"', "Authorization": "Bearer t"}


def create(
    sent: dict[str, Any], status: int = 204, location: str | None = FIRST, key: bool = True
) -> Exchange:
    return exchange(
        method="POST",
        path=ADD_PATH,
        sent=sent,
        status=status,
        answer=ERROR if status >= 400 else None,
        request_headers=KEY if key else {"Authorization": "Bearer t"},
        response_headers={"Location": location} if location and status < 300 else {},
    )


def judge(value: Exchange, first: FirstAnswer | None) -> None:
    replayed_key_adds_no_run(Evidence(value, before=Snapshot(True, None, keyed=first)))


ANSWERED = FirstAnswer(body=BODY, status=204, location=FIRST)


def test_a_replay_answered_as_the_first_passes() -> None:
    judge(create(dict(reversed(BODY.items()))), ANSWERED)  # the same JSON value


@pytest.mark.parametrize("status", [409, 422, 429, 503])
def test_a_refused_replay_passes(status: int) -> None:
    judge(create(BODY, status=status), ANSWERED)
    judge(create({**BODY, "displayName": "other"}, status=status), ANSWERED)


def test_a_replay_that_named_another_run_fails() -> None:
    with pytest.raises(AssertionError, match="a replay names the run the first answer named"):
        judge(create(BODY, location=FIRST.replace("first", "second")), ANSWERED)


def test_another_body_with_a_used_key_answered_204_fails() -> None:
    with pytest.raises(AssertionError, match="422"):
        judge(create({**BODY, "displayName": "other"}, location=FIRST + "x"), ANSWERED)


@pytest.mark.parametrize("value", [True, "1", 2])
def test_a_value_of_another_json_type_is_another_body(value: object) -> None:
    """`1` and `true` are two JSON values (D29), though Python's `==` calls them equal."""
    first = FirstAnswer(body={**BODY, "statistics": {"n": 1}}, status=204, location=FIRST)
    judge(create({**BODY, "statistics": {"n": 1}}), first)  # the very same value: a replay
    with pytest.raises(AssertionError, match="422"):
        judge(create({**BODY, "statistics": {"n": value}}, location=FIRST + "x"), first)


def test_a_number_in_another_spelling_is_the_same_body() -> None:
    """Numbers are their values (D35): a service that keeps doubles may replay `1.0` for
    `1`; one that answers 422 instead adds nothing and passes too."""
    first = FirstAnswer(body={**BODY, "statistics": {"n": 1}}, status=204, location=FIRST)
    with pytest.raises(AssertionError, match="not answered as the first"):
        judge(create({**BODY, "statistics": {"n": 1.0}}, location=FIRST + "x"), first)
    judge(create({**BODY, "statistics": {"n": 1.0}}), first)


def test_a_key_the_ledger_never_saw_answered_or_no_key_is_not_judged() -> None:
    judge(create(BODY, location=FIRST + "x"), None)
    judge(create(BODY, location=FIRST + "x", key=False), ANSWERED)
