"""The server judges its own error answers by the spec's `4XX`/`5XX` (issue 20): a 405 on a
documented path is held to what the path's operations document for it, not to a copy in code."""

from __future__ import annotations

import json

import pytest

from reference_server.conformance import ServedContract
from tooling.paths import SPEC

SERVED = ServedContract.load(SPEC)
ADD_RUN = SERVED.operation("addRun").template
REQUEST_ID = "8d0f4b2c-9e3a-4c5b-b1d2-7e6f5a4b3c21"
ERROR = json.dumps({"error": {"code": "MethodNotAllowed", "message": "GET is not supported."}})


def test_every_operation_documents_any_error_status() -> None:
    for operation in SERVED.operations.values():
        for status in (405, 409, 422, 502, 504, 599):
            documented = operation.response_for(status)
            assert documented is not None, (operation.operation_id, status)
            # By its own code where the operation lists it (Add run's 409 and 422), else the range.
            listed = str(status) in operation.responses
            assert documented.key == (str(status) if listed else f"{str(status)[0]}XX")
            assert "request-id" in documented.headers
        assert operation.response_for(201) is None  # a success stays the documented one


def test_a_405_that_keeps_the_4xx_response_passes() -> None:
    headers = {"content-type": "application/json", "request-id": REQUEST_ID}
    assert SERVED.check_unrouted_response(ADD_RUN, 405, headers, ERROR.encode()) == []


@pytest.mark.parametrize(
    ("headers", "body", "problem"),
    [
        ({"content-type": "application/json"}, ERROR, "required header `request-id` is missing"),
        (
            {"content-type": "text/plain", "request-id": REQUEST_ID},
            "Method Not Allowed",
            "body is `text/plain`",
        ),
        (
            {"content-type": "application/json", "request-id": REQUEST_ID},
            json.dumps({"error": {"code": "MethodNotAllowed"}}),
            "'message' is a required property",
        ),
        (
            {"content-type": "application/json", "request-id": "not-a-uuid"},
            ERROR,
            "header `request-id`",
        ),
    ],
)
def test_a_405_that_breaks_the_4xx_response_is_caught(
    headers: dict[str, str], body: str, problem: str
) -> None:
    problems = SERVED.check_unrouted_response(ADD_RUN, 405, headers, body.encode())
    assert any(problem in found for found in problems), problems
