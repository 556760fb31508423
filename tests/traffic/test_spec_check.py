"""The spec's own rules on one exchange: the operation found at any base path, the response's
status, headers and schema, and a broken request held against the server only if accepted."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fuzzing.checks.exchanges import ADD_PATH, ERROR, RUN, exchange
from traffic import spec_check
from traffic.spec_check import ACCEPTED_INVALID_REQUEST, REQUEST_BREAKS_SPEC

TOKEN = {"Authorization": "Bearer t"}
ETAG = {"etag": '"3"'}


def rules(**kwargs: Any) -> list[str]:
    value = exchange(request_headers={**TOKEN, **kwargs.pop("request_headers", {})}, **kwargs)
    operation, _, values = spec_check.match(value.method, value.url)
    assert operation is not None
    return [breach.rule for breach in spec_check.judge(operation, value, values)]


def test_operations_are_found_at_any_base_path() -> None:
    for base in ("http://127.0.0.1:8000/beta", "https://staging.example/api/v9"):
        operation, template, values = spec_check.match(
            "PATCH", f"{base}/industryData/incomingFlows/f%2F1/runs/r?x=1"
        )
        assert operation is not None
        assert (operation.operation_id, values) == (
            "updateRun",
            {"incomingFlowId": "f/1", "runId": "r"},
        )
        assert template == "/industryData/incomingFlows/{incomingFlowId}/runs/{runId}"
    assert spec_check.match("GET", "http://h/beta/industryData/incomingFlows/f/runs/r")[0] is None
    assert spec_check.match("GET", "http://h/beta/other")[1] is None


def test_a_faithful_exchange_keeps_the_spec() -> None:
    assert (
        rules(sent={"displayName": "x"}, answer={**RUN, "displayName": "x"}, response_headers=ETAG)
        == []
    )
    assert rules(**_added(ADDED_HEADERS)) == []
    # A 403 may leave out the challenge (D8).
    assert rules(sent={"status": "completed"}, status=403, answer=ERROR) == []


ADDED_URL = "http://127.0.0.1:8000/beta/industryData/incomingFlows/demo-flow/runs/n"
ADDED_HEADERS = {"location": ADDED_URL, "odata-entityid": ADDED_URL}


def _added(response_headers: dict[str, str]) -> dict[str, Any]:
    """An Add run that created a run, answered 204 with `response_headers`."""
    sent = {
        "displayName": "x",
        "status": "running",
        "startDateTime": "2026-11-24T02:00:00Z",
        "statistics": {},
    }
    return {
        "method": "POST",
        "path": ADD_PATH,
        "sent": sent,
        "status": 204,
        "response_headers": response_headers,
    }


@pytest.mark.parametrize(
    ("kwargs", "rule"),
    [
        (
            {"sent": {"status": "completed"}, "answer": {**RUN, "displayName": 5}},
            "response_schema",
        ),
        (
            {
                "sent": {"status": "completed"},
                "answer": {k: v for k, v in RUN.items() if k != "endDateTime"},
            },
            "response_schema",
        ),
        ({"sent": {"status": "completed"}, "status": 201, "answer": RUN}, "response_status"),
        ({"sent": {"status": "completed"}, "status": 302}, "response_status"),
        (
            {
                "sent": {"status": "completed"},
                "answer": RUN,
                "response_headers": {"content-type": "text/plain"},
            },
            "response_content_type",
        ),
    ],
)
def test_response_breaches_are_failures(kwargs: dict[str, Any], rule: str) -> None:
    kwargs.setdefault("response_headers", {})
    kwargs["response_headers"] = {**ETAG, **kwargs["response_headers"]}
    assert rule in rules(**kwargs)


def test_a_missing_required_header_is_a_breach() -> None:
    assert rules(sent={"status": "completed"}, answer=RUN) == ["response_headers"]
    assert rules(**_added({"location": ADDED_URL})) == ["response_headers"]  # no OData-EntityId
    assert rules(sent={"status": "completed"}, status=401, answer=ERROR) == ["response_headers"]


def test_a_broken_request_counts_against_the_server_only_when_accepted() -> None:
    sent = {"status": "paused"}
    assert rules(sent=sent, status=400, answer=ERROR) == [REQUEST_BREAKS_SPEC]
    assert rules(sent=sent, answer=RUN, response_headers=ETAG) == [ACCEPTED_INVALID_REQUEST]
    no_token = exchange(sent={"status": "completed"}, status=401, answer=ERROR)
    operation, _, values = spec_check.match(no_token.method, no_token.url)
    assert operation is not None
    breaches = spec_check.request_breaches(operation, no_token, values)
    assert [b.message for b in breaches] == [
        "no `Authorization` header, and the operation requires a bearer token"
    ]


ADD_BODY = {
    "displayName": "x",
    "status": "running",
    "startDateTime": "2026-11-24T02:00:00Z",
    "statistics": {},
}


@pytest.mark.parametrize("status", [405, 409, 418, 422, 502, 504, 599])
def test_any_error_status_with_an_odata_body_keeps_the_spec(status: int) -> None:
    """`4XX` and `5XX` document every error status (issue 20), found through `response_for`."""
    assert rules(sent={"status": "completed"}, status=status, answer=ERROR) == []
    assert rules(method="POST", path=ADD_PATH, sent=ADD_BODY, status=status, answer=ERROR) == []


def test_an_error_status_without_the_odata_error_breaks_the_spec() -> None:
    found = rules(
        sent={"status": "completed"},
        status=502,
        raw_answer=b"<html>Bad Gateway</html>",
        response_headers={"content-type": "text/html"},
    )
    assert found == ["response_content_type"]


@pytest.mark.parametrize("status", [200, 201, 202])
def test_add_run_answering_another_success_than_204_is_a_breach(status: int) -> None:
    found = rules(method="POST", path=ADD_PATH, sent=ADD_BODY, status=status, answer=RUN)
    assert "response_status" in found


def test_a_broken_request_refused_with_a_status_listed_by_no_code_is_a_breach() -> None:
    sent = {"status": "paused"}
    assert rules(sent=sent, status=422, answer=ERROR) == [REQUEST_BREAKS_SPEC, "response_status"]
    assert rules(sent=sent, status=400, answer=ERROR) == [REQUEST_BREAKS_SPEC]
    assert rules(sent=sent, status=503, answer=ERROR, response_headers={"retry-after": "2"}) == [
        REQUEST_BREAKS_SPEC
    ]


@pytest.mark.parametrize("status", [409, 422])
def test_add_runs_key_statuses_are_no_refusal_of_a_broken_request(status: int) -> None:
    """Add run lists 409 and 422 for a well-formed request whose `Idempotency-Key` conflicts
    (D28); a body that breaks the schema is still refused 400 (D15)."""
    sent = {"displayName": 5}
    found = rules(method="POST", path=ADD_PATH, sent=sent, status=status, answer=ERROR)
    assert found == [REQUEST_BREAKS_SPEC, "response_status"]
    assert rules(method="POST", path=ADD_PATH, sent=sent, status=400, answer=ERROR) == [
        REQUEST_BREAKS_SPEC
    ]
