"""What "a status the operation does not document" means once `4XX` and `5XX` document every error
status (issue 20): any error with an OData body is documented, and a success other than the one
the operation names is still caught, by schemathesis's `status_code_conformance` and the rule
table alike. Judged on made-up responses, with no server."""

from __future__ import annotations

import datetime
import json

import httpx
import pytest
import schemathesis
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import status_code_conformance

from contract.loading import load_document
from fuzzing.contract_rules import judges, judges_of, rules
from fuzzing.facts import contract, spec_path

SCHEMA = schemathesis.openapi.from_dict(load_document(spec_path()))
PATHS = {"incomingFlowId": "demo-flow", "runId": "demo-run", "processRunId": "demo-process-run"}
ERROR = json.dumps({"error": {"code": "Conflict", "message": "No."}}).encode()
SUCCESS = {"addRun": 204, "updateRun": 200, "updateProcessRun": 200}


def _judged(operation_id: str, status: int) -> bool:
    """Whether `status_code_conformance` passes an answer of `status` to `operation_id`."""
    operation = SCHEMA.find_operation_by_id(operation_id)
    values = {name: PATHS[name] for name in PATHS if "{" + name + "}" in operation.path}
    case = operation.Case(path_parameters=values, media_type="application/json", body={})
    url = "http://127.0.0.1/beta" + operation.path.format(**values)
    response = httpx.Response(
        status,
        request=httpx.Request(operation.method.upper(), url),
        headers={"content-type": "application/json"},
        content=ERROR,
    )
    response.elapsed = datetime.timedelta(milliseconds=1)
    try:
        case.validate_response(response, checks=[status_code_conformance])
    except FailureGroup:
        return False
    return True


@pytest.mark.parametrize("operation_id", sorted(SUCCESS))
def test_any_error_status_is_documented(operation_id: str) -> None:
    for status in (405, 409, 422, 502, 504):
        assert _judged(operation_id, status), status
        # The harness's own checks read the same model for it: the OData error.
        validator = contract().response_validator(operation_id, status)
        assert validator is not None
        assert validator.is_valid(json.loads(ERROR))
        assert not validator.is_valid({"error": {"code": "Conflict"}})


@pytest.mark.parametrize("operation_id", sorted(SUCCESS))
def test_a_success_the_operation_does_not_name_is_still_caught(operation_id: str) -> None:
    assert _judged(operation_id, SUCCESS[operation_id])
    for status in (200, 201, 202, 204, 302):
        if status != SUCCESS[operation_id]:
            assert not _judged(operation_id, status), status
            assert contract().operation(operation_id).response_for(status) is None


def test_the_ranges_are_rules_judged_in_every_mode() -> None:
    everyone = judges()
    for operation_id in SUCCESS:
        for key in ("4XX", "5XX"):
            [rule] = [rule for rule in rules() if rule.id == f"status:{operation_id}:{key}"]
            names = {judge.name for judge in judges_of(rule, everyone)}
            assert {"errors_are_odata", "status_code_conformance"} <= names, names
