"""What every response keeps: no body on 204, OData errors, request ids, no internals."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fuzzing.checks.responses import (
    errors_are_odata,
    no_body_on_204,
    no_internal_leaks,
    request_ids,
    run_odata_type_valid,
)
from fuzzing.exchange import Exchange
from tests.fuzzing.checks.exchanges import ADD_PATH, ERROR, RUN, evidence, exchange

# 204 has no body.


def test_204_without_a_body_passes() -> None:
    no_body_on_204(evidence(exchange(method="POST", path=ADD_PATH, status=204)))


@pytest.mark.parametrize(
    ("headers", "problem"),
    [
        ({"content-length": "42"}, "Content-Length: 42"),
        ({"content-type": "application/json"}, "Content-Type"),
    ],
)
def test_204_announcing_a_body_fails(headers: dict[str, str], problem: str) -> None:
    with pytest.raises(AssertionError, match=problem):
        no_body_on_204(
            evidence(exchange(method="POST", path=ADD_PATH, status=204, response_headers=headers))
        )


# A run's @odata.type, when present, is the run type.


def test_a_run_without_or_with_the_run_type_passes() -> None:
    run_odata_type_valid(evidence(exchange(answer=RUN)))
    minimal = {name: value for name, value in RUN.items() if name != "@odata.type"}
    run_odata_type_valid(evidence(exchange(answer={**minimal, "@odata.context": "c"})))
    run_odata_type_valid(evidence(exchange(status=400, answer={"@odata.type": "#x"})))


@pytest.mark.parametrize(
    "odata_type", ["#microsoft.graph.run", "microsoft.graph.industryData.run", None]
)
def test_a_run_with_another_type_fails(odata_type: object) -> None:
    with pytest.raises(AssertionError, match="is not the run type"):
        run_odata_type_valid(evidence(exchange(answer={**RUN, "@odata.type": odata_type})))


# Errors are OData errors.


def test_odata_errors_pass() -> None:
    errors_are_odata(
        evidence(exchange(status=404, answer={"error": {"code": "NotFound", "message": "No."}}))
    )
    # Open as Graph's: members they do not name, a null target, service-specific innerError.
    graph_style = {
        "error": {
            "code": "NotFound",
            "message": "No.",
            "target": None,
            "@odata.context": "x",
            "innerError": {"date": "2026-11-24T02:00:01", "request-id": "abc", "innerError": {}},
            "details": [{"code": "c", "message": "m", "target": None, "severity": "e"}],
        },
        "traceId": "t",
    }
    errors_are_odata(evidence(exchange(status=404, answer=graph_style)))
    errors_are_odata(evidence(exchange(status=200, raw_answer=b"not checked")))


def test_json_with_odata_media_type_parameters_passes() -> None:
    # What an OData stack such as Graph's sends: application/json with its parameters.
    media_type = (
        "application/json;odata.metadata=minimal;odata.streaming=true;"
        "IEEE754Compatible=false;charset=utf-8"
    )
    errors_are_odata(
        evidence(exchange(status=404, answer=ERROR, response_headers={"content-type": media_type}))
    )


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
        errors_are_odata(
            evidence(exchange(status=405, answer=answer, raw_answer=raw, response_headers=headers))
        )


# request-id and client-request-id.


def test_request_ids_pass_when_present_and_echoed() -> None:
    request_ids(
        evidence(
            exchange(
                answer=RUN,
                request_headers={"client-request-id": "abc-1"},
                response_headers={"client-request-id": "abc-1"},
            )
        )
    )


def test_missing_or_malformed_request_id_fails() -> None:
    with pytest.raises(AssertionError, match="is not a UUID"):
        request_ids(evidence(exchange(answer=RUN, response_headers={"request-id": "42"})))
    missing = exchange(answer=RUN)
    headers = {
        name: value for name, value in missing.response_headers.items() if name != "request-id"
    }
    with pytest.raises(AssertionError, match="no `request-id` header"):
        request_ids(evidence(Exchange.build(**{**_fields(missing), "response_headers": headers})))


def test_client_request_id_must_be_echoed_when_valid() -> None:
    with pytest.raises(AssertionError, match="'abc-1' was sent, None came back"):
        request_ids(evidence(exchange(answer=RUN, request_headers={"client-request-id": "abc-1"})))
    # A value the spec does not allow in a response header need not come back.
    request_ids(evidence(exchange(answer=RUN, request_headers={"client-request-id": "with space"})))


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
        no_internal_leaks(
            evidence(exchange(status=500, answer={"error": {"code": "X", "message": message}}))
        )


def test_quoting_the_caller_is_not_a_leak() -> None:
    sent = {"displayName": "/home/me/notes.py"}
    answer = {"error": {"code": "BadRequest", "message": "Bad value '/home/me/notes.py'."}}
    no_internal_leaks(evidence(exchange(sent=sent, status=400, answer=answer)))
    no_internal_leaks(
        evidence(exchange(status=200, raw_answer=b"Traceback (most recent call last)"))
    )


def test_quotes_of_escaped_text_are_not_leaks() -> None:
    sent = {"displayName": "é/home/x.py"}
    message = "Bad value 'é/home/x.py'."
    raw = json.dumps({"error": {"code": "BadRequest", "message": message}}, ensure_ascii=True)
    no_internal_leaks(
        evidence(
            exchange(
                sent=sent,
                status=400,
                raw_answer=raw.encode(),
                response_headers={"content-type": "application/json"},
            )
        )
    )
