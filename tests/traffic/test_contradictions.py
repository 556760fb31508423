"""What earlier exchanges proved, held against later ones: a run named or shown answering 404, a
reported link missing from the process path, an `ETag` given again for another state. A correct
server's traffic (overlapping requests, a new `ETag` on every update, content-hash `ETag`s)
gives none of them."""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from fuzzing.contract_rules.coverage import rules
from fuzzing.exchange import Exchange
from tests.fuzzing.checks.exchanges import ADD_PATH, BASE, ERROR, RUN, RUN_PATH, exchange
from tests.traffic.test_observer import TOKEN, judged, seen, update
from traffic.contradictions import (
    COVERS,
    ETAG_NOT_REUSED,
    NAMED_RUN_FOUND,
    REPORTED_LINK_FOUND,
    RULES,
)
from traffic.findings import FAILURE
from traffic.observer import Observer

FLOW = "/industryData/incomingFlows/demo-flow/runs"
PRODUCTION = "https://graph.microsoft.com/beta"


def failures(observer: Observer) -> list[tuple[int, str]]:
    """The failures of the rules judged here (the made-up exchanges leave out what other checks
    want, such as `OData-EntityId`)."""
    return [
        (f.index, f.rule) for f in observer.findings if f.severity == FAILURE and f.rule in RULES
    ]


def message_of(observer: Observer) -> str:
    return next(f.message for f in observer.findings if f.rule in RULES)


def add(sent: dict[str, Any], location: str | None, status: int = 204) -> Exchange:
    headers = {"location": location} if location else {}
    return exchange(
        method="POST",
        path=ADD_PATH,
        sent=sent,
        status=status,
        answer=None if status == 204 else ERROR,
        request_headers=TOKEN,
        response_headers=headers,
    )


def missing(path: str) -> Exchange:
    return update({"displayName": "a"}, status=404, path=path)


def test_a_run_add_run_named_that_answers_404_contradicts_the_location(tmp_path: Path) -> None:
    created = add({"displayName": "new"}, f"{BASE}{FLOW}/new-run")
    observer = judged(tmp_path, seen(0, created), seen(1, missing(f"{FLOW}/new-run")))
    assert failures(observer) == [(1, NAMED_RUN_FOUND)]
    message = message_of(observer)
    assert "exchange #0 named it in Add run's `Location`" in message


def test_a_404_that_may_have_reached_the_server_before_the_create_is_not_judged(
    tmp_path: Path,
) -> None:
    created = add({"displayName": "new"}, f"{BASE}{FLOW}/new-run")
    observer = judged(
        tmp_path, seen(0, created, 0.0, 1.0), seen(1, missing(f"{FLOW}/new-run"), 0.5, 0.8)
    )
    assert failures(observer) == []


def test_a_run_shown_by_an_update_or_a_412_never_answers_404_again(tmp_path: Path) -> None:
    shown = judged(tmp_path, seen(0, update({"displayName": "a"})), seen(1, missing(RUN_PATH)))
    assert failures(shown) == [(1, NAMED_RUN_FOUND)]
    stale = update({"displayName": "a"}, status=412, if_match='"1"')
    assert failures(judged(tmp_path, seen(0, stale), seen(1, missing(RUN_PATH)))) == [
        (1, NAMED_RUN_FOUND)
    ]


def test_a_run_never_proven_may_answer_404(tmp_path: Path) -> None:
    observer = judged(tmp_path, seen(0, missing(f"{FLOW}/other")), seen(1, missing(RUN_PATH)))
    assert failures(observer) == []


def test_a_run_linked_by_reference_then_missing_from_the_process_path_fails(
    tmp_path: Path,
) -> None:
    reference = {"@odata.id": f"{PRODUCTION}{FLOW}/other-run"}
    linked = add(reference, f"{BASE}{FLOW}/other-run")
    through = missing(f"{RUN_PATH}/process/runs/other-run")
    observer = judged(tmp_path, seen(0, linked), seen(1, through))
    assert failures(observer) == [(1, REPORTED_LINK_FOUND)]
    assert "linked it by reference" in message_of(observer)


def test_a_run_not_reported_in_a_process_may_be_missing_from_it(tmp_path: Path) -> None:
    other = update({"displayName": "a"}, path=f"{FLOW}/other-run")
    through = missing(f"{RUN_PATH}/process/runs/other-run")
    assert failures(judged(tmp_path, seen(0, other), seen(1, through))) == []


def test_a_404_to_a_reference_judges_only_when_both_runs_were_proven(tmp_path: Path) -> None:
    unknown = add({"@odata.id": f"{PRODUCTION}{FLOW}/never-seen"}, None, status=404)
    parent = update({"displayName": "a"})
    assert failures(judged(tmp_path, seen(0, parent), seen(1, unknown))) == []
    other = update({"displayName": "b"}, path=f"{FLOW}/other-run")
    known = add({"@odata.id": f"{PRODUCTION}{FLOW}/other-run"}, None, status=404)
    observer = judged(tmp_path, seen(0, parent), seen(1, other), seen(2, known))
    assert failures(observer) == [(2, NAMED_RUN_FOUND)]


def _versions(tmp_path: Path, *answers: tuple[str, dict[str, Any]]) -> list[tuple[int, str]]:
    traffic = [
        seen(i, update({"displayName": run["displayName"]}, {**RUN, **run}, etag=etag))
        for i, (etag, run) in enumerate(answers)
    ]
    return failures(judged(tmp_path, *traffic))


def test_an_etag_given_again_for_another_state_went_backwards(tmp_path: Path) -> None:
    assert _versions(
        tmp_path,
        ('"1"', {"displayName": "a"}),
        ('"2"', {"displayName": "b"}),
        ('"1"', {"displayName": "c"}),
    ) == [(2, ETAG_NOT_REUSED)]


def test_etags_a_correct_server_may_give_are_no_contradiction(tmp_path: Path) -> None:
    # A content hash: the same state has the same tag again.
    assert (
        _versions(
            tmp_path,
            ('"h-a"', {"displayName": "a"}),
            ('"h-b"', {"displayName": "b"}),
            ('"h-a"', {"displayName": "a"}),
        )
        == []
    )
    # A new tag on every update, even one that changed nothing (D36).
    assert (
        _versions(
            tmp_path,
            ('"1"', {"displayName": "a"}),
            ('"2"', {"displayName": "a"}),
            ('"3"', {"displayName": "a"}),
        )
        == []
    )


def _token(tenant: str) -> str:
    claims = base64.urlsafe_b64encode(json.dumps({"tid": tenant}).encode()).decode().rstrip("=")
    return f"Bearer e30.{claims}.sig"


def test_what_one_tenant_proved_is_not_held_against_another(tmp_path: Path) -> None:
    def as_tenant(value: Exchange, tenant: str) -> Exchange:
        headers = {**value.request_headers, "authorization": _token(tenant)}
        return replace(value, request_headers=headers)

    shown = as_tenant(update({"displayName": "a"}), "contoso")
    other = as_tenant(missing(RUN_PATH), "fabrikam")
    same = as_tenant(missing(RUN_PATH), "contoso")
    observer = judged(tmp_path, seen(0, shown), seen(1, other), seen(2, same))
    assert failures(observer) == [(2, NAMED_RUN_FOUND)]


def test_one_version_shown_otherwise_to_a_client_that_asked_for_more_statuses(
    tmp_path: Path,
) -> None:
    # A content hash: the version comes back, shown with its real status to the client whose
    # `Prefer` asked for statuses after the sentinel, and as the sentinel to the others (D5).
    def answer(etag: str, status: str, prefer: str | None = None) -> Exchange:
        value = update(
            {"displayName": "a"}, {**RUN, "displayName": "a", "status": status}, etag=etag
        )
        if prefer is None:
            return value
        return replace(value, request_headers={**value.request_headers, "prefer": prefer})

    traffic = [
        answer('"h-new"', "unknownFutureValue"),
        answer('"h-old"', "running"),
        answer('"h-new"', "someNewStatus", prefer="include-unknown-enum-members"),
    ]
    observer = judged(tmp_path, *(seen(i, value) for i, value in enumerate(traffic)))
    assert failures(observer) == []


def test_each_rule_names_rules_of_the_contracts_table() -> None:
    ids = [rule.id for rule in rules()]
    for name, covers in COVERS.items():
        assert covers, name
        for pattern in covers:
            assert any(fnmatchcase(rule, pattern) for rule in ids), (name, pattern)
