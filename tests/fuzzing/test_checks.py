"""Each custom check passes what the contract allows and fails, saying why, on what it forbids."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from fuzzing.checks import (
    check_created_run,
    check_errors_are_odata,
    check_no_body_on_204,
    check_no_internal_leaks,
    check_not_upserted,
    check_patch_echoes_request,
    check_patch_keeps_unsent,
    check_rejected_changed_nothing,
    check_request_ids,
    check_sentinel_rejected,
    check_unknown_properties_rejected,
)
from fuzzing.exchange import Exchange
from fuzzing.ledger import Reading

BASE = "http://127.0.0.1:8000/beta"
RUN_PATH = "/industryData/incomingFlows/demo-flow/runs/demo-run"
ADD_PATH = f"{RUN_PATH}/process/runs/$ref"
RUN: dict[str, Any] = {
    "@odata.type": "#microsoft.graph.industryData.run",
    "id": "demo-run",
    "displayName": "Nightly roster import",
    "startDateTime": "2026-11-24T02:00:00.1234567Z",
    "endDateTime": None,
    "status": "running",
    "blockingError": None,
    "statistics": {"recordsRead": 1250},
}
ERROR = {"error": {"code": "BadRequest", "message": "Property 'status' is invalid."}}


def exchange(
    *,
    method: str = "PATCH",
    path: str = RUN_PATH,
    sent: Any = None,
    status: int = 200,
    answer: Any = None,
    request_headers: dict[str, str] | None = None,
    response_headers: dict[str, str] | None = None,
    raw_answer: bytes | None = None,
) -> Exchange:
    body = raw_answer if raw_answer is not None else b""
    headers = {"request-id": str(uuid.uuid4())}
    if answer is not None:
        body = json.dumps(answer).encode()
        headers["content-type"] = "application/json"
    headers.update(response_headers or {})
    return Exchange.build(
        method=method,
        url=BASE + path,
        request_headers={"Content-Type": "application/json", **(request_headers or {})},
        request_body=json.dumps(sent).encode() if sent is not None else None,
        status=status,
        response_headers=headers,
        response_body=body,
    )


# The PATCH response holds what was sent.


def test_echo_passes_a_faithful_update() -> None:
    sent = {"@odata.type": "#microsoft.graph.run", "displayName": "x", "statistics": {"a": [1]}}
    check_patch_echoes_request(
        exchange(sent=sent, answer={**RUN, **sent, "@odata.type": RUN["@odata.type"]})
    )


def test_echo_compares_times_as_instants_in_utc() -> None:
    sent = {"startDateTime": "2026-11-24T03:00:00.1234567+01:00"}
    check_patch_echoes_request(exchange(sent=sent, answer=RUN))
    with pytest.raises(AssertionError, match="not in UTC"):
        check_patch_echoes_request(
            exchange(sent=sent, answer={**RUN, "startDateTime": sent["startDateTime"]})
        )


def test_echo_fails_on_a_lost_seventh_digit() -> None:
    sent = {"startDateTime": "2026-11-24T02:00:00.1234567Z"}
    answer = {**RUN, "startDateTime": "2026-11-24T02:00:00.123456Z"}
    with pytest.raises(AssertionError, match="not the same instant to 100 ns"):
        check_patch_echoes_request(exchange(sent=sent, answer=answer))


def test_echo_fails_on_dropped_or_altered_properties() -> None:
    answer = {name: value for name, value in RUN.items() if name != "statistics"}
    with pytest.raises(AssertionError, match="`statistics` was sent but is missing"):
        check_patch_echoes_request(exchange(sent={"statistics": {}}, answer=answer))
    with pytest.raises(AssertionError, match="`statistics`: sent"):
        check_patch_echoes_request(
            exchange(sent={"statistics": {"ok": True}}, answer={**RUN, "statistics": {"ok": 1}})
        )
    with pytest.raises(AssertionError, match="`id` is 'other'"):
        check_patch_echoes_request(
            exchange(sent={"status": "running"}, answer={**RUN, "id": "other"})
        )


def test_echo_ignores_refused_updates_and_other_operations() -> None:
    check_patch_echoes_request(exchange(sent={"status": "nope"}, status=400, answer=ERROR))
    check_patch_echoes_request(
        exchange(method="POST", path=ADD_PATH, sent={"status": "x"}, status=204)
    )


# PATCH leaves unsent properties alone.


def test_unsent_properties_keep_their_values() -> None:
    answer = {**RUN, "displayName": "new"}
    check_patch_keeps_unsent(exchange(sent={"displayName": "new"}, answer=answer), RUN)


def test_unsent_properties_that_change_or_vanish_fail() -> None:
    reset = {**RUN, "displayName": "new", "statistics": {}}
    with pytest.raises(AssertionError, match="`statistics` was not sent, yet changed"):
        check_patch_keeps_unsent(exchange(sent={"displayName": "new"}, answer=reset), RUN)
    gone = {name: value for name, value in RUN.items() if name != "blockingError"}
    with pytest.raises(AssertionError, match="`blockingError` was not sent, and is now missing"):
        check_patch_keeps_unsent(exchange(sent={"status": "running"}, answer=gone), RUN)


def test_unsent_times_compare_as_instants() -> None:
    before = {**RUN, "startDateTime": "2026-11-24T02:00:00.5Z"}
    answer = {**RUN, "startDateTime": "2026-11-24T02:00:00.5000000Z"}
    check_patch_keeps_unsent(exchange(sent={"status": "running"}, answer=answer), before)


# 204 has no body.


def test_204_without_a_body_passes() -> None:
    check_no_body_on_204(exchange(method="POST", path=ADD_PATH, status=204))


@pytest.mark.parametrize(
    ("headers", "problem"),
    [
        ({"content-length": "42"}, "Content-Length: 42"),
        ({"content-type": "application/json"}, "Content-Type"),
    ],
)
def test_204_announcing_a_body_fails(headers: dict[str, str], problem: str) -> None:
    with pytest.raises(AssertionError, match=problem):
        check_no_body_on_204(
            exchange(method="POST", path=ADD_PATH, status=204, response_headers=headers)
        )


# Unknown properties and the sentinel are refused.


def test_accepted_unknown_properties_fail() -> None:
    with pytest.raises(AssertionError, match="unknown property `extra`"):
        check_unknown_properties_rejected(
            exchange(sent={"displayName": "x", "extra": 1}, answer=RUN)
        )
    with pytest.raises(AssertionError, match="`id` was accepted"):
        check_unknown_properties_rejected(exchange(sent={"id": "x"}, answer=RUN))
    with pytest.raises(AssertionError, match=r"blockingError\.trace"):
        check_unknown_properties_rejected(
            exchange(sent={"blockingError": {"trace": "x"}}, answer=RUN)
        )


def test_refused_unknown_properties_pass() -> None:
    check_unknown_properties_rejected(exchange(sent={"extra": 1}, status=400, answer=ERROR))
    check_unknown_properties_rejected(exchange(sent={"displayName": "x"}, answer=RUN))


def test_the_sentinel_must_be_refused() -> None:
    with pytest.raises(AssertionError, match="unknownFutureValue"):
        check_sentinel_rejected(exchange(sent={"status": "unknownFutureValue"}, answer=RUN))
    check_sentinel_rejected(
        exchange(sent={"status": "unknownFutureValue"}, status=400, answer=ERROR)
    )
    check_sentinel_rejected(exchange(sent={"status": "completed"}, answer=RUN))


# Errors are OData errors.


def test_odata_errors_pass() -> None:
    check_errors_are_odata(
        exchange(status=404, answer={"error": {"code": "NotFound", "message": "No."}})
    )
    check_errors_are_odata(exchange(status=200, raw_answer=b"not checked"))


@pytest.mark.parametrize(
    ("answer", "raw", "headers", "problem"),
    [
        (None, b"Method Not Allowed", {"content-type": "text/plain"}, "not application/json"),
        ({"error": {"code": "X"}}, None, {}, "'message' is a required property"),
        ({"detail": "Not Found"}, None, {}, "'error' is a required property"),
    ],
)
def test_other_error_bodies_fail(
    answer: Any, raw: bytes | None, headers: dict[str, str], problem: str
) -> None:
    with pytest.raises(AssertionError, match=problem):
        check_errors_are_odata(
            exchange(status=405, answer=answer, raw_answer=raw, response_headers=headers)
        )


# request-id and client-request-id.


def test_request_ids_pass_when_present_and_echoed() -> None:
    check_request_ids(
        exchange(
            answer=RUN,
            request_headers={"client-request-id": "abc-1"},
            response_headers={"client-request-id": "abc-1"},
        )
    )


def test_missing_or_malformed_request_id_fails() -> None:
    with pytest.raises(AssertionError, match="is not a UUID"):
        check_request_ids(exchange(answer=RUN, response_headers={"request-id": "42"}))
    missing = exchange(answer=RUN)
    headers = {
        name: value for name, value in missing.response_headers.items() if name != "request-id"
    }
    with pytest.raises(AssertionError, match="no `request-id` header"):
        check_request_ids(Exchange.build(**{**_fields(missing), "response_headers": headers}))


def test_client_request_id_must_be_echoed_when_valid() -> None:
    with pytest.raises(AssertionError, match="'abc-1' was sent, None came back"):
        check_request_ids(exchange(answer=RUN, request_headers={"client-request-id": "abc-1"}))
    # A value the spec does not allow in a response header need not come back.
    check_request_ids(exchange(answer=RUN, request_headers={"client-request-id": "with space"}))


def _fields(value: Exchange) -> dict[str, Any]:
    return {
        "method": value.method,
        "url": value.url,
        "request_headers": value.request_headers,
        "request_body": value.request_body,
        "status": value.status,
        "response_headers": value.response_headers,
        "response_body": value.response_body,
    }


# No internals leak.


@pytest.mark.parametrize(
    "message",
    [
        'Traceback (most recent call last):\n  File "x", line 1',
        "failed in /srv/app/reference_server/payload.py",
        "KeyError: 'status'",
        "sqlite3.OperationalError: database is locked",
    ],
)
def test_leaks_in_errors_fail(message: str) -> None:
    with pytest.raises(AssertionError, match="leaks server internals"):
        check_no_internal_leaks(
            exchange(status=500, answer={"error": {"code": "X", "message": message}})
        )


def test_quoting_the_caller_is_not_a_leak() -> None:
    sent = {"displayName": "/home/me/notes.py"}
    answer = {"error": {"code": "BadRequest", "message": "Bad value '/home/me/notes.py'."}}
    check_no_internal_leaks(exchange(sent=sent, status=400, answer=answer))
    check_no_internal_leaks(exchange(status=200, raw_answer=b"Traceback (most recent call last)"))


# A refused update changes nothing.


def test_refused_update_that_changed_nothing_passes() -> None:
    refused = exchange(sent={"displayName": "x", "status": "bad"}, status=400, answer=ERROR)
    check_rejected_changed_nothing(refused, RUN, Reading(status=200, run=dict(RUN)))


def test_refused_update_that_was_partly_applied_fails() -> None:
    refused = exchange(sent={"displayName": "x", "status": "bad"}, status=400, answer=ERROR)
    with pytest.raises(AssertionError, match="`displayName` changed"):
        check_rejected_changed_nothing(
            refused, RUN, Reading(status=200, run={**RUN, "displayName": "x"})
        )
    with pytest.raises(AssertionError, match="unreadable"):
        check_rejected_changed_nothing(refused, RUN, Reading(status=404, run=None))


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
    check_created_run(_added(location), Reading(status=200, run=NEW_RUN))
    # A relative Location is resolved against the request URL.
    check_created_run(
        _added("/beta/industryData/incomingFlows/demo-flow/runs/new-id"), Reading(200, NEW_RUN)
    )


def test_created_run_problems_fail() -> None:
    with pytest.raises(AssertionError, match="did not name a run"):
        check_created_run(_added(None), None)
    location = f"{BASE}/industryData/incomingFlows/demo-flow/runs/new-id"
    with pytest.raises(AssertionError, match="cannot be found"):
        check_created_run(_added(location), Reading(status=404, run=None))
    with pytest.raises(AssertionError, match="`displayName`"):
        check_created_run(
            _added(location), Reading(status=200, run={**NEW_RUN, "displayName": "other"})
        )


# Ids never created are 404.


def test_upserts_fail_and_known_ids_pass() -> None:
    with pytest.raises(AssertionError, match="never created"):
        check_not_upserted(exchange(sent={"displayName": "x"}, answer=RUN), known_before=False)
    check_not_upserted(exchange(sent={"displayName": "x"}, answer=RUN), known_before=True)
    check_not_upserted(
        exchange(sent={"displayName": "x"}, status=404, answer=ERROR), known_before=False
    )


def test_quotes_of_escaped_text_are_not_leaks() -> None:
    sent = {"displayName": "é/home/x.py"}
    message = "Bad value 'é/home/x.py'."
    raw = json.dumps({"error": {"code": "BadRequest", "message": message}}, ensure_ascii=True)
    check_no_internal_leaks(
        exchange(
            sent=sent,
            status=400,
            raw_answer=raw.encode(),
            response_headers={"content-type": "application/json"},
        )
    )
