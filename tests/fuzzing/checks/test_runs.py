"""What requests do to runs: the checks pass what the contract allows, fail on what it forbids."""

from __future__ import annotations

import json

import pytest

from fuzzing.checks import Evidence
from fuzzing.checks.runs import (
    created_run_holds_request,
    entity_id_is_location,
    linked_run_reachable,
    location_names_new_run,
    patch_echoes_request,
    patch_keeps_unsent,
    rejected_request_changed_nothing,
    unknown_id_not_upserted,
)
from fuzzing.exact_json import loads
from fuzzing.exchange import Exchange, Route
from fuzzing.run_ledger import Reading
from tests.fuzzing.checks.exchanges import (
    ADD_PATH,
    BASE,
    ERROR,
    RUN,
    RUN_PATH,
    evidence,
    exchange,
)

# The PATCH response holds what was sent.


def test_echo_passes_a_faithful_update() -> None:
    sent = {"@odata.type": "#microsoft.graph.run", "displayName": "x", "statistics": {"a": [1]}}
    patch_echoes_request(
        evidence(exchange(sent=sent, answer={**RUN, **sent, "@odata.type": RUN["@odata.type"]}))
    )


def test_echo_compares_times_as_instants_in_utc() -> None:
    sent = {"startDateTime": "2026-11-24T03:00:00.1234567+01:00"}
    patch_echoes_request(evidence(exchange(sent=sent, answer=RUN)))
    with pytest.raises(AssertionError, match="not in UTC"):
        patch_echoes_request(
            evidence(exchange(sent=sent, answer={**RUN, "startDateTime": sent["startDateTime"]}))
        )


def test_echo_compares_numbers_by_value_not_by_spelling() -> None:
    """An Express server wrote back `-5.130094826541337e+16` without its exponent (issue 22)."""
    sent = b'{"statistics": {"offset": -5.130094826541337e+16, "rate": 1e-7, "n": 100}}'
    echoed = {**RUN, "statistics": {}}
    answer = json.dumps(echoed).replace(
        '"statistics": {}',
        '"statistics": {"offset": -51300948265413370, "rate": 0.0000001, "n": 1e2}',
    )
    patch_echoes_request(evidence(_raw(sent, answer.encode())))
    lost = answer.replace("-51300948265413370", "-51300948265413376")
    with pytest.raises(AssertionError, match="`statistics`: sent"):
        patch_echoes_request(evidence(_raw(sent, lost.encode())))


def test_unsent_numbers_kept_in_another_spelling_are_unchanged() -> None:
    """The ledger's state (a read, or a HAR's earlier answer) and the answer spell one number
    differently: the same value, so nothing changed."""
    before = loads(json.dumps({**RUN, "statistics": {"offset": -5.130094826541337e16}}))
    answer = json.dumps({**RUN, "displayName": "y", "statistics": {"offset": 0}})
    answer = answer.replace('"offset": 0', '"offset": -51300948265413370')
    patch_keeps_unsent(evidence(_raw(b'{"displayName": "y"}', answer.encode()), before=before))
    moved = answer.replace("-51300948265413370", "-51300948265413376")
    with pytest.raises(AssertionError, match="`statistics` was not sent, yet changed"):
        patch_keeps_unsent(evidence(_raw(b'{"displayName": "y"}', moved.encode()), before=before))


def _raw(sent: bytes, answer: bytes) -> Exchange:
    """An Update run with bodies as written on the wire."""
    return Exchange.build(
        method="PATCH",
        url=BASE + RUN_PATH,
        request_headers={"Content-Type": "application/json"},
        request_body=sent,
        status=200,
        response_headers={"content-type": "application/json"},
        response_body=answer,
    )


def test_echo_fails_on_a_lost_seventh_digit() -> None:
    sent = {"startDateTime": "2026-11-24T02:00:00.1234567Z"}
    answer = {**RUN, "startDateTime": "2026-11-24T02:00:00.123456Z"}
    with pytest.raises(AssertionError, match="not the same instant to 100 ns"):
        patch_echoes_request(evidence(exchange(sent=sent, answer=answer)))


def test_echo_fails_on_dropped_or_altered_properties() -> None:
    answer = {name: value for name, value in RUN.items() if name != "statistics"}
    with pytest.raises(AssertionError, match="`statistics` was sent but is missing"):
        patch_echoes_request(evidence(exchange(sent={"statistics": {}}, answer=answer)))
    with pytest.raises(AssertionError, match="`statistics`: sent"):
        patch_echoes_request(
            evidence(
                exchange(sent={"statistics": {"ok": True}}, answer={**RUN, "statistics": {"ok": 1}})
            )
        )
    with pytest.raises(AssertionError, match="`id` is 'other'"):
        patch_echoes_request(
            evidence(exchange(sent={"status": "running"}, answer={**RUN, "id": "other"}))
        )


def test_echo_ignores_refused_updates_and_other_operations() -> None:
    patch_echoes_request(evidence(exchange(sent={"status": "nope"}, status=400, answer=ERROR)))
    patch_echoes_request(
        evidence(exchange(method="POST", path=ADD_PATH, sent={"status": "x"}, status=204))
    )


# PATCH leaves unsent properties alone.


def test_unsent_properties_keep_their_values() -> None:
    answer = {**RUN, "displayName": "new"}
    patch_keeps_unsent(evidence(exchange(sent={"displayName": "new"}, answer=answer), before=RUN))


def test_unsent_properties_that_change_or_vanish_fail() -> None:
    reset = {**RUN, "displayName": "new", "statistics": {}}
    with pytest.raises(AssertionError, match="`statistics` was not sent, yet changed"):
        patch_keeps_unsent(
            evidence(exchange(sent={"displayName": "new"}, answer=reset), before=RUN)
        )
    gone = {name: value for name, value in RUN.items() if name != "blockingError"}
    with pytest.raises(AssertionError, match="`blockingError` was not sent, and is now missing"):
        patch_keeps_unsent(evidence(exchange(sent={"status": "running"}, answer=gone), before=RUN))


def test_annotations_may_come_go_and_change_between_updates() -> None:
    # OData control information is not a property: an ETag changes with every update, a context
    # may be left out, a minimal-metadata answer drops @odata.type.
    before = {**RUN, "@odata.etag": '"1"', "@odata.context": "c", "@microsoft.graph.tips": "t"}
    answer = {k: v for k, v in RUN.items() if k != "@odata.type"}
    answer = {**answer, "displayName": "new", "@odata.etag": '"2"', "status@odata.type": "#x"}
    patch_keeps_unsent(
        evidence(exchange(sent={"displayName": "new"}, answer=answer), before=before)
    )
    refused = exchange(sent={"status": "bad"}, status=400, answer=ERROR)
    after = Reading(status=200, run={**RUN, "@odata.etag": '"9"', "@odata.context": "c2"})
    rejected_request_changed_nothing(evidence(refused, before=before, after=after))


def test_unsent_times_compare_as_instants() -> None:
    before = {**RUN, "startDateTime": "2026-11-24T02:00:00.5Z"}
    answer = {**RUN, "startDateTime": "2026-11-24T02:00:00.5000000Z"}
    patch_keeps_unsent(evidence(exchange(sent={"status": "running"}, answer=answer), before=before))


# A refused update changes nothing.


def test_refused_update_that_changed_nothing_passes() -> None:
    refused = exchange(sent={"displayName": "x", "status": "bad"}, status=400, answer=ERROR)
    rejected_request_changed_nothing(
        evidence(refused, before=RUN, after=Reading(status=200, run=dict(RUN)))
    )


def test_refused_update_that_was_partly_applied_fails() -> None:
    refused = exchange(sent={"displayName": "x", "status": "bad"}, status=400, answer=ERROR)
    with pytest.raises(AssertionError, match="`displayName` changed"):
        rejected_request_changed_nothing(
            evidence(
                refused, before=RUN, after=Reading(status=200, run={**RUN, "displayName": "x"})
            )
        )
    with pytest.raises(AssertionError, match="unreadable"):
        rejected_request_changed_nothing(
            evidence(refused, before=RUN, after=Reading(status=404, run=None))
        )


# Add run creates what was sent, where Location says.


def _added(location: str | None) -> Exchange:
    sent = {
        "displayName": "new",
        "startDateTime": "2026-11-24T03:00:00.1234567+01:00",
        "status": "running",
        "statistics": {},
    }
    headers = {"location": location} if location is not None else {}
    return exchange(method="POST", path=ADD_PATH, sent=sent, status=204, response_headers=headers)


NEW_RUN = {
    **RUN,
    "id": "new-id",
    "displayName": "new",
    "startDateTime": "2026-11-24T02:00:00.1234567Z",
    "statistics": {},
}


def test_created_run_holding_what_was_sent_passes() -> None:
    location = f"{BASE}/industryData/incomingFlows/demo-flow/runs/new-id"
    created_run_holds_request(evidence(_added(location), after=Reading(status=200, run=NEW_RUN)))
    # A relative Location is resolved against the request URL.
    created_run_holds_request(
        evidence(
            _added("/beta/industryData/incomingFlows/demo-flow/runs/new-id"),
            after=Reading(200, NEW_RUN),
        )
    )


def test_created_run_problems_fail() -> None:
    with pytest.raises(AssertionError, match="did not name a run"):
        created_run_holds_request(evidence(_added(None)))
    location = f"{BASE}/industryData/incomingFlows/demo-flow/runs/new-id"
    with pytest.raises(AssertionError, match="cannot be found"):
        created_run_holds_request(evidence(_added(location), after=Reading(status=404, run=None)))
    with pytest.raises(AssertionError, match="`displayName`"):
        created_run_holds_request(
            evidence(
                _added(location), after=Reading(status=200, run={**NEW_RUN, "displayName": "other"})
            )
        )


# Ids never created are 404.


def test_upserts_fail_and_known_ids_pass() -> None:
    with pytest.raises(AssertionError, match="never created"):
        unknown_id_not_upserted(
            evidence(exchange(sent={"displayName": "x"}, answer=RUN), known=False)
        )
    unknown_id_not_upserted(evidence(exchange(sent={"displayName": "x"}, answer=RUN), known=True))
    unknown_id_not_upserted(
        evidence(exchange(sent={"displayName": "x"}, status=404, answer=ERROR), known=False)
    )


# Annotations are not properties; Location may take any of the forms the contract allows.

ANNOTATED = {**RUN, "@odata.context": "$metadata#runs/$entity", "@odata.etag": 'W/"1"'}


def test_annotations_may_change_with_any_answer() -> None:
    answer = {**ANNOTATED, "displayName": "new", "@odata.etag": 'W/"2"', "status@ns.note": "x"}
    patch_keeps_unsent(
        evidence(exchange(sent={"displayName": "new"}, answer=answer), before=ANNOTATED)
    )
    refused = exchange(sent={"status": "bad"}, status=400, answer=ERROR)
    read = {**ANNOTATED, "@odata.etag": 'W/"3"', "@odata.context": "$metadata#other"}
    rejected_request_changed_nothing(evidence(refused, before=ANNOTATED, after=Reading(200, read)))
    with pytest.raises(AssertionError, match="`status` changed"):
        rejected_request_changed_nothing(
            evidence(refused, before=ANNOTATED, after=Reading(200, {**read, "status": "failed"}))
        )


@pytest.mark.parametrize(
    "location",
    [
        f"{BASE}/industryData/incomingFlows/demo-flow/runs/demo-run/process/runs/new-id",
        "https://graph.microsoft.com/beta/industryData/incomingFlows/demo-flow/runs/new-id",
        "HTTP://127.0.0.1:8000/beta/industryData/incomingFlows/demo-flow/runs/new%2Did",
    ],
)
def test_created_run_may_be_named_by_either_url_under_any_host(location: str) -> None:
    read: list[str] = []

    def reader(route: Route) -> Reading:
        read.append(f"{route.base_url} {route.operation} {route.target}")
        return Reading(200, NEW_RUN)

    created_run_holds_request(Evidence(_added(location), reader=reader))
    # Read where the request went, through the path Location gave.
    assert read[0].startswith(f"{BASE} ")
    assert read[0].endswith("('demo-flow', 'new-id')")


@pytest.mark.parametrize(
    ("location", "why"),
    [
        (f"{BASE}/industryData/incomingFlows/other-flow/runs/new-id", "a run of flow 'other-flow'"),
        (
            f"{BASE}/industryData/incomingFlows/demo-flow/runs/other/process/runs/new-id",
            "through the process of run 'other'",
        ),
        (f"{BASE}/industryData/incomingFlows/demo-flow/runs/new-id/process/runs/$ref", "no run"),
        ("http://127.0.0.1:8000/v1.0/industryData/incomingFlows/demo-flow/runs/x", "base path"),
    ],
)
def test_a_location_that_names_no_run_added_here_fails(location: str, why: str) -> None:
    with pytest.raises(AssertionError, match="did not name a run") as failed:
        created_run_holds_request(evidence(_added(location), after=Reading(200, NEW_RUN)))
    assert why in str(failed.value)


# Add run names the run it added, never the one it was sent to.


def test_location_naming_the_parent_run_fails() -> None:
    parent = exchange(
        method="POST",
        path=ADD_PATH,
        sent={"displayName": "x"},
        status=204,
        response_headers={"location": BASE + "/industryData/incomingFlows/demo-flow/runs/demo-run"},
    )
    with pytest.raises(AssertionError, match="named the run it was sent to"):
        location_names_new_run(evidence(parent))
    for location in ("runs/new-run", "runs/demo-run/process/runs/new-run"):
        added = exchange(
            method="POST",
            path=ADD_PATH,
            sent={"displayName": "x"},
            status=204,
            response_headers={
                "location": f"{BASE}/industryData/incomingFlows/demo-flow/{location}"
            },
        )
        location_names_new_run(evidence(added))


# Add run's 204 gives the run's OData id, the URL `Location` gives.

ADDED_URL = f"{BASE}/industryData/incomingFlows/demo-flow/runs/new-run"


def _add_answered(**headers: str) -> Exchange:
    return exchange(
        method="POST",
        path=ADD_PATH,
        sent={"displayName": "x"},
        status=204,
        response_headers=headers,
    )


def test_entity_id_naming_the_run_location_names_passes() -> None:
    entity_id_is_location(
        evidence(_add_answered(location=ADDED_URL, **{"odata-entityid": ADDED_URL}))
    )
    relative = (
        "/beta/industryData/incomingFlows/demo-flow/runs/new-run"  # resolved as a client does
    )
    entity_id_is_location(
        evidence(_add_answered(location=relative, **{"odata-entityid": ADDED_URL}))
    )
    # Not Add run's 204: nothing to judge.
    entity_id_is_location(evidence(exchange(sent={"displayName": "x"}, answer=RUN)))


@pytest.mark.parametrize(
    ("headers", "problem"),
    [
        ({"location": ADDED_URL}, "no `OData-EntityId`"),
        (
            {
                "location": ADDED_URL,
                "odata-entityid": f"{BASE}/industryData/incomingFlows/demo-flow",
            },
            "`OData-EntityId` is",
        ),
        (
            {"location": ADDED_URL, "odata-entityid": ADDED_URL.replace("new-run", "demo-run")},
            "`OData-EntityId` is",
        ),
    ],
)
def test_entity_id_missing_or_naming_another_url_fails(
    headers: dict[str, str], problem: str
) -> None:
    with pytest.raises(AssertionError, match=problem):
        entity_id_is_location(evidence(_add_answered(**headers)))


# Add run with a reference links the run it names, which the parent's process then reaches.

OTHER = f"{BASE}/industryData/incomingFlows/demo-flow/runs/other-run"
LINKED = {**RUN, "id": "other-run"}


def _linked(url: str, location: str | None = OTHER) -> Exchange:
    headers = {"location": location} if location is not None else {}
    return exchange(
        method="POST", path=ADD_PATH, sent={"@odata.id": url}, status=204, response_headers=headers
    )


def test_a_link_to_a_run_of_the_flow_that_the_process_reaches_passes() -> None:
    reads: list[Route] = []

    def reader(route: Route) -> Reading:
        reads.append(route)
        return Reading(200, LINKED)

    linked_run_reachable(Evidence(_linked(OTHER), reader=reader))
    graph = "https://graph.microsoft.com/beta/industryData/incomingFlows/demo-flow/runs/other-run"
    linked_run_reachable(Evidence(_linked(graph), reader=reader))
    [route, _] = reads
    assert (route.operation, route.run, route.process_run) == (
        "updateProcessRun",
        "demo-run",
        "other-run",
    )
    # A create body is `created_run_holds_request`'s to judge.
    linked_run_reachable(evidence(_added(OTHER)))
    created_run_holds_request(evidence(_linked(OTHER)))


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("https://example.com/beta/industryData/incomingFlows/demo-flow/runs/other-run", "another"),
        (
            f"{BASE}/industryData/incomingFlows/another-flow/runs/other-run",
            "of flow 'another-flow'",
        ),
        (f"{BASE}/industryData/incomingFlows/demo-flow/runs/demo-run", "itself"),
        (f"{OTHER}?x=1", "query or fragment"),
        (f"{BASE}/industryData/incomingFlows/demo-flow/runs/%2E%2E", "refuses"),
        (f"{BASE}/industryData/incomingFlows/demo-flow", "names no run"),
    ],
)
def test_a_link_the_contract_refuses_fails_without_a_read(url: str, why: str) -> None:
    with pytest.raises(AssertionError, match=why):
        linked_run_reachable(evidence(_linked(url)))


def test_a_link_that_location_or_the_process_misses_fails() -> None:
    with pytest.raises(AssertionError, match="does not name the linked run"):
        linked_run_reachable(evidence(_linked(OTHER, location=f"{BASE}{RUN_PATH}")))
    with pytest.raises(AssertionError, match="not in the parent's process"):
        linked_run_reachable(evidence(_linked(OTHER), after=Reading(404, None)))


def test_a_link_at_the_unpublished_dev_server_passes_only_when_sent_there() -> None:
    """The dev server (`BASE`, `x-internal`) is no production server of the contract (D17):
    a 204 to a URL there, for a request sent to another origin, breaks the contract."""
    elsewhere = "http://127.0.0.1:9999/beta"
    sent = Exchange.build(
        method="POST",
        url=elsewhere + ADD_PATH,
        request_headers={"Content-Type": "application/json"},
        request_body=json.dumps({"@odata.id": OTHER}).encode(),
        status=204,
        response_headers={"location": OTHER.replace(BASE, elsewhere)},
        response_body=b"",
    )
    with pytest.raises(AssertionError, match="names a run at another service"):
        linked_run_reachable(evidence(sent))
    linked_run_reachable(evidence(_linked(OTHER), after=Reading(200, LINKED)))
