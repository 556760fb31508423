"""What a successful answer holds: a run as the schema has it (its type: test_responses)."""

from __future__ import annotations

import pytest

from fuzzing.checks.answers import updated_run_matches_schema
from tests.fuzzing.checks.exchanges import ADD_PATH, ERROR, RUN, evidence, exchange

ETAG = {"etag": '"3"'}


def test_a_run_as_the_schema_has_it_passes() -> None:
    updated_run_matches_schema(evidence(exchange(sent={}, answer=RUN, response_headers=ETAG)))
    # Refusals and other operations are judged by other rules.
    updated_run_matches_schema(evidence(exchange(sent={}, status=400, answer=ERROR)))
    updated_run_matches_schema(evidence(exchange(method="POST", path=ADD_PATH, status=204)))


@pytest.mark.parametrize(
    ("answer", "headers", "problem"),
    [
        ({**RUN, "startDateTime": "2026-11-24T02:00:00+00:00"}, ETAG, "startDateTime"),
        ({k: v for k, v in RUN.items() if k != "statistics"}, ETAG, "'statistics' is a required"),
        ({**RUN, "extra": 1}, ETAG, "'extra'"),
        (RUN, {}, "no `ETag` header"),
        (RUN, {"etag": "3"}, "does not match"),
        (RUN, {**ETAG, "content-type": "text/plain"}, "not application/json"),
    ],
)
def test_a_run_that_breaks_the_schema_fails(
    answer: dict[str, object], headers: dict[str, str], problem: str
) -> None:
    with pytest.raises(AssertionError, match=problem):
        updated_run_matches_schema(
            evidence(exchange(sent={}, answer=answer, response_headers=headers))
        )
