"""A run that changed has a new `ETag`; one that did not may keep it or not."""

from __future__ import annotations

import pytest

from fuzzing.checks import etag_tracks_changes
from fuzzing.checks.evidence import Evidence
from tests.fuzzing.checks.exchanges import RUN, evidence, exchange

CHANGED = {**RUN, "displayName": "new"}


def _update(answer: dict[str, object], etag: str) -> Evidence:
    return evidence(
        exchange(sent={"displayName": "new"}, answer=answer, response_headers={"etag": etag}),
        before=RUN,
        etag='"3"',
    )


def test_a_change_with_a_new_etag_passes_and_no_change_may_keep_it() -> None:
    etag_tracks_changes(_update(CHANGED, '"4"'))
    etag_tracks_changes(_update(RUN, '"3"'))
    etag_tracks_changes(_update({**RUN, "@odata.etag": "x"}, '"3"'))


def test_a_change_under_the_same_etag_fails() -> None:
    with pytest.raises(AssertionError, match='its `ETag` stayed "3"') as failed:
        etag_tracks_changes(_update(CHANGED, '"3"'))
    assert "`displayName`: 'Nightly roster import' -> 'new'" in str(failed.value)


def test_without_a_known_etag_nothing_is_judged() -> None:
    answer = exchange(sent={"displayName": "new"}, answer=CHANGED, response_headers={"etag": "3"})
    etag_tracks_changes(evidence(answer, before=RUN))
