"""drift's findings join the report classified as ours are: on a response or on an accepted
request, a failure of the server; on a refused request, a warning, or a path the spec does not
describe, a note."""

from __future__ import annotations

import pytest

from traffic.findings import FAILURE, NOTE
from traffic.redocly_drift import classify, parse

HEADER = (
    "run_id,finding_id,exchange_index,severity,category,rule_id,message,method,path,url,status,"
    "operation_id,spec_source,target,schema_path,data_path"
)


@pytest.mark.parametrize(
    ("rule", "severity", "target", "status", "expected"),
    [
        ("schema-consistency", "error", "response", "200", FAILURE),
        ("schema-consistency", "error", "request", "200", FAILURE),
        ("schema-consistency", "error", "request", "400", NOTE),
        ("security-baseline", "error", "request", "401", NOTE),
        ("schema-consistency", "warning", "request", "200", NOTE),
        ("undocumented-endpoint", "error", "request", "200", NOTE),
    ],
)
def test_classification(rule: str, severity: str, target: str, status: str, expected: str) -> None:
    assert classify(rule, severity, target, status) == expected


def test_rows_become_findings_under_our_index_and_operation() -> None:
    row = (
        'r,f,1,error,schema,schema-consistency,"Response is missing required field ""id"".",PATCH,'
        "/beta/x,http://h/beta/x,200,updateRun,openapi.yaml,response,#/required,/id"
    )
    (finding,) = parse(f"{HEADER}\n{row}\n", {7: "PATCH /runs/{runId}"}, indices=[3, 7])
    assert (finding.index, finding.operation, finding.rule) == (
        7,
        "PATCH /runs/{runId}",
        "drift:schema-consistency",
    )
    assert finding.severity == FAILURE
    assert finding.message.splitlines()[0] == 'Response is missing required field "id".'
