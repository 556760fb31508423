"""ETags and If-Match: a conditional update applies only to the version it names, and a run that
changed has a new `ETag` (one that did not may keep it or not)."""

from __future__ import annotations

import pytest

from fuzzing.checks import Evidence, runnable
from fuzzing.checks.evidence import Need
from fuzzing.checks.versions import etag_tracks_changes, if_match_honoured
from fuzzing.run_ledger import Snapshot
from tests.fuzzing.checks.exchanges import RUN, evidence, exchange


def judged(if_match: str, status: int, etag: str | None) -> None:
    sent = {"displayName": "x"}
    value = exchange(
        sent=sent, status=status, answer={**RUN, **sent}, request_headers={"If-Match": if_match}
    )
    if_match_honoured(Evidence(value, before=Snapshot(known=True, state=RUN, etag=etag)))


def test_a_stale_if_match_that_was_applied_fails() -> None:
    with pytest.raises(AssertionError, match="stale If-Match was applied"):
        judged('"2"', 200, '"3"')


@pytest.mark.parametrize(
    ("if_match", "status", "etag"),
    [
        ('"3"', 200, '"3"'),  # the current version
        ('"1", "3"', 200, '"3"'),  # one of a list
        ("*", 200, '"3"'),  # any version
        ('W/"3"', 200, '"3"'),  # a weak form: no server is faulted for its comparison
        ('"2"', 412, '"3"'),  # refused, as the contract says
        ('"2"', 200, None),  # the version before is not known: nothing to judge
    ],
)
def test_what_the_contract_allows_passes(if_match: str, status: int, etag: str | None) -> None:
    judged(if_match, status, etag)


def test_it_needs_the_ledger_and_no_read() -> None:
    assert if_match_honoured.needs == frozenset({Need.LEDGER})
    assert if_match_honoured in runnable([Need.LEDGER])


CHANGED = {**RUN, "displayName": "new"}


def _update(answer: dict[str, object], etag: str) -> Evidence:
    return evidence(
        exchange(sent={"displayName": "new"}, answer=answer, response_headers={"etag": etag}),
        before=RUN,
        etag='"3"',
    )


def test_a_change_with_a_new_etag_passes_and_no_change_may_keep_it_or_not() -> None:
    etag_tracks_changes(_update(CHANGED, '"4"'))
    etag_tracks_changes(_update(RUN, '"3"'))
    etag_tracks_changes(_update(RUN, '"4"'))  # a new `ETag` for no change (D36)
    etag_tracks_changes(_update({**RUN, "@odata.etag": "x"}, '"3"'))


def test_a_change_under_the_same_etag_fails() -> None:
    with pytest.raises(AssertionError, match='its `ETag` stayed "3"') as failed:
        etag_tracks_changes(_update(CHANGED, '"3"'))
    assert "`displayName`: 'Nightly roster import' -> 'new'" in str(failed.value)


def test_without_a_known_etag_nothing_is_judged() -> None:
    answer = exchange(sent={"displayName": "new"}, answer=CHANGED, response_headers={"etag": "3"})
    etag_tracks_changes(evidence(answer, before=RUN))
