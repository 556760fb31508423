"""The passive observer: the fuzzer's checks on traffic it only watched, with a ledger of what
the traffic showed. Overlapping writes to one run leave its state unknown, never guessed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fuzzing.checks import CHECKS, ContractCheck, Evidence
from fuzzing.exchange import Exchange
from tests.fuzzing.checks.exchanges import ERROR, RUN, RUN_PATH, exchange
from traffic.findings import FAILURE, Finding
from traffic.observer import HTTP_FRAMING, Observer
from traffic.seen import NOT_HTTP, Seen

UPDATE = "PATCH /industryData/incomingFlows/{incomingFlowId}/runs/{runId}"
TOKEN = {"Authorization": "Bearer t"}


def update(
    sent: dict[str, Any],
    answer: dict[str, Any] | None = None,
    *,
    status: int = 200,
    etag: str = '"2"',
    if_match: str | None = None,
    path: str = "/industryData/incomingFlows/demo-flow/runs/demo-run",
) -> Exchange:
    headers = {**TOKEN, **({"If-Match": if_match} if if_match else {})}
    body = answer if answer is not None else ({**RUN, **sent} if status == 200 else ERROR)
    return exchange(
        sent=sent,
        status=status,
        answer=body,
        path=path,
        request_headers=headers,
        response_headers={"etag": etag} if status == 200 else {},
    )


def seen(index: int, value: Exchange, start: float | None = None, end: float | None = None) -> Seen:
    start = float(index) if start is None else start
    return Seen(index, value, start, start + 0.5 if end is None else end, "", None)


def judged(tmp_path: Path, *traffic: Seen) -> Observer:
    observer = Observer(tmp_path)
    observer.observe(list(traffic))
    return observer


def failures(observer: Observer) -> list[tuple[int, str]]:
    return [(f.index, f.rule) for f in observer.findings if f.severity == FAILURE]


def test_a_stale_if_match_applied_after_the_version_moved_on_fails(tmp_path: Path) -> None:
    observer = judged(
        tmp_path,
        seen(0, update({"displayName": "a"}, etag='"2"')),
        seen(1, update({"displayName": "b"}, etag='"3"', if_match='"2"')),
        seen(
            2,
            update(
                {"status": "failed"},
                {**RUN, "displayName": "b", "status": "failed"},
                etag='"4"',
                if_match='"2"',
            ),
        ),
    )
    assert failures(observer) == [(2, "if_match_honoured")]
    assert observer.tally.judged[(UPDATE, "if_match_honoured")] == 3


def test_a_refused_update_that_changed_the_run_shows_at_the_next_update(tmp_path: Path) -> None:
    observer = judged(
        tmp_path,
        seen(0, update({"displayName": "a"})),
        seen(1, update({"displayName": "b", "status": "paused"}, status=400)),
        seen(
            2,
            update(
                {"status": "completed"},
                {**RUN, "displayName": "b", "status": "completed"},
                etag='"3"',  # a run that changed has a new ETag (etag_tracks_changes)
            ),
        ),
    )
    assert failures(observer) == [(2, "patch_keeps_unsent")]
    # Reading the run back is what the proxy cannot do: said, not guessed.
    assert observer.tally.skipped[(UPDATE, "rejected_request_changed_nothing")] == {
        "needs an active read": 1
    }


def test_overlapping_writes_leave_the_run_unknown_instead_of_a_false_alarm(tmp_path: Path) -> None:
    first = update({"displayName": "a"}, {**RUN, "displayName": "a"}, etag='"2"')
    # The server applied the second first: its answer lacks the first's name, rightly.
    second = update({"status": "failed"}, {**RUN, "status": "failed"}, etag='"3"')
    after = update(
        {"statistics": {}}, {**RUN, "displayName": "a", "status": "failed", "statistics": {}}
    )
    observer = judged(
        tmp_path,
        seen(0, update({"displayName": "x"})),
        seen(1, first, start=1.0, end=2.0),
        seen(2, second, start=1.5, end=2.5),
        seen(3, after, start=3.0),
    )
    assert failures(observer) == []
    # Skipped: the first (a run never seen before) and the two that overlapped.
    assert observer.tally.skipped[(UPDATE, "patch_keeps_unsent")] == {
        "needs what was known of the run before the request": 3
    }


def test_an_overlapping_refusal_changes_nothing_the_observer_knows(tmp_path: Path) -> None:
    observer = judged(
        tmp_path,
        seen(0, update({"displayName": "a"}, etag='"2"')),
        seen(1, update({"displayName": "b"}, etag='"3"', if_match='"2"'), start=1.0, end=2.0),
        seen(2, update({"displayName": "c"}, status=412, if_match='"2"'), start=1.2, end=1.8),
        seen(
            3,
            update(
                {"status": "failed"}, {**RUN, "displayName": "a", "status": "failed"}, etag='"4"'
            ),
            start=3.0,
        ),
    )
    # The 200 was judged against the state before (the 412 wrote nothing), and the state after
    # it is its answer: the last update shows its name lost.
    assert failures(observer) == [(3, "patch_keeps_unsent")]


def test_an_upsert_is_judged_only_for_a_run_the_traffic_showed_missing(tmp_path: Path) -> None:
    path = "/industryData/incomingFlows/demo-flow/runs/gone"
    missing = update({"displayName": "a"}, status=404, path=path)
    upsert = update({"displayName": "a"}, {**RUN, "id": "gone", "displayName": "a"}, path=path)
    observer = judged(tmp_path, seen(0, missing), seen(1, upsert))
    assert failures(observer) == [(1, "unknown_id_not_upserted")]
    never_seen = judged(tmp_path, seen(0, upsert))
    assert failures(never_seen) == []
    assert never_seen.tally.skipped[(UPDATE, "unknown_id_not_upserted")]


def test_live_traffic_is_judged_in_start_order_once_nothing_overlapping_runs(
    tmp_path: Path,
) -> None:
    reported: list[Finding] = []
    observer = Observer(tmp_path, report=lambda finding, count: reported.append(finding))
    # Request 1 ends while request 0, started before it, still runs: 1 waits.
    observer.finished(
        seen(1, update({"displayName": "b"}, etag='"9"', if_match='"1"'), 0.2, 0.4),
        oldest_open=0.0,
    )
    assert observer.exchanges == 0
    observer.finished(seen(0, update({"displayName": "a"}, etag='"1"'), 0.0, 1.0))
    assert observer.exchanges == 2
    observer.finished(seen(2, update({"displayName": "c"}, etag='"3"', if_match='"1"'), 2.0, 2.1))
    assert observer.exchanges == 3
    assert reported == []  # 0 and 1 overlapped: the version before 2 is unknown, not guessed


def test_a_check_that_breaks_is_counted_and_the_others_go_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(evidence: Evidence) -> None:
        raise TypeError("an answer this check did not expect")

    checks = {"broken": ContractCheck("broken", broken, frozenset()), **CHECKS}
    monkeypatch.setattr("traffic.observer.CHECKS", checks)
    observer = judged(
        tmp_path,
        seen(0, update({"displayName": "a"})),
        seen(1, update({"displayName": "b"}, {**RUN, "displayName": "b", "endDateTime": "x"})),
    )
    assert observer.tally.skipped[(UPDATE, "broken")] == {
        "the check failed: TypeError: an answer this check did not expect": 2
    }
    assert (1, "patch_keeps_unsent") in failures(observer)


def test_an_answer_that_is_not_http_is_a_failure_not_only_unchecked(tmp_path: Path) -> None:
    # A body after a 204 reads as the next answer's status line: the proxy could not forward the
    # answer, and that is the target's breach, not a limit of the recording.
    broken = Seen(
        0,
        exchange(method="POST", path=f"{RUN_PATH}/process/runs/$ref", sent=RUN, status=502),
        0.0,
        0.5,
        "",
        f"{NOT_HTTP}: ClientResponseError: 400, message='Bad status line'",
    )
    observer = judged(tmp_path, broken)
    assert failures(observer) == [(0, HTTP_FRAMING)]
    assert 0 in observer.unchecked
    # A target that could not be reached stays unchecked, and is no finding of the target.
    unreachable = Seen(
        0, update({"displayName": "x"}), 0.0, 0.5, "", "the proxy could not complete the exchange"
    )
    assert failures(judged(tmp_path, unreachable)) == []


CREATE = {
    "displayName": "import",
    "startDateTime": "2026-11-24T02:00:00Z",
    "status": "running",
    "statistics": {},
}


def keyed_create(body: dict[str, Any], location: str, key: str = '"k-1"') -> Exchange:
    url = f"http://127.0.0.1:8000/beta{location}"
    return exchange(
        method="POST",
        path=f"{RUN_PATH}/process/runs/$ref",
        sent=body,
        status=204,
        request_headers={**TOKEN, "Idempotency-Key": key},
        response_headers={"Location": url, "OData-EntityId": url},
    )


def test_a_replayed_key_that_made_a_second_run_fails(tmp_path: Path) -> None:
    body = CREATE
    first = keyed_create(body, "/industryData/incomingFlows/demo-flow/runs/one")
    second = keyed_create(body, "/industryData/incomingFlows/demo-flow/runs/two")
    observer = judged(tmp_path, seen(0, first), seen(1, second))
    assert (1, "replayed_key_adds_no_run") in failures(observer)


def test_a_replay_answered_as_the_first_or_after_the_retention_passes(tmp_path: Path) -> None:
    body = CREATE
    one = "/industryData/incomingFlows/demo-flow/runs/one"
    day = 86400.0
    observer = judged(
        tmp_path,
        seen(0, keyed_create(body, one)),
        seen(1, keyed_create(body, one)),
        seen(2, keyed_create(body, one, key='"k-2"')),  # another key: another create
        seen(3, keyed_create(body, "/industryData/incomingFlows/demo-flow/runs/2"), day + 1),
    )
    assert failures(observer) == []
