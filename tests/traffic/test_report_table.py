"""The traffic reports' table: each operation by its id and full path (the two PATCH paths share
their first 58 characters), and only the rules that can fail on it counted."""

from __future__ import annotations

from pathlib import Path

from tests.fuzzing.checks.exchanges import ADD_PATH, RUN, RUN_PATH, exchange
from tests.traffic.test_observer import TOKEN, seen
from traffic.observer import Observer
from traffic.redocly_drift import DriftRun
from traffic.reports import TrafficOutcome, table

ADD = "POST /industryData/incomingFlows/{incomingFlowId}/runs/{runId}/process/runs/$ref"
UPDATE = "PATCH /industryData/incomingFlows/{incomingFlowId}/runs/{runId}"
UPDATE_PROCESS = f"{UPDATE}/process/runs/{{processRunId}}"


def outcome(tmp_path: Path) -> TrafficOutcome:
    linked = f"http://127.0.0.1:8000/beta{RUN_PATH}"
    traffic = [
        exchange(sent={"displayName": "A"}, status=200, answer={**RUN, "displayName": "A"},
                 request_headers=TOKEN, response_headers={"etag": '"2"'}),
        exchange(sent={"displayName": "B"}, status=200, answer={**RUN, "displayName": "B"},
                 path=f"{RUN_PATH}/process/runs/demo-process-run", request_headers=TOKEN,
                 response_headers={"etag": '"3"'}),
        exchange(method="POST", sent={"@odata.id": linked}, status=400, path=ADD_PATH,
                 request_headers=TOKEN,
                 answer={"error": {"code": "BadRequest", "message": "The run is this run."}}),
    ]  # fmt: skip
    observer = Observer(tmp_path)
    observer.observe([seen(index, value) for index, value in enumerate(traffic)])
    return TrafficOutcome(observer, DriftRun([]), "test")


def test_each_operation_is_named_by_its_id_and_whole_path(tmp_path: Path) -> None:
    text = table(outcome(tmp_path))
    lines = text.splitlines()
    assert f"updateRun: {UPDATE}" in lines
    assert f"updateProcessRun: {UPDATE_PROCESS}" in lines
    assert f"addRun: {ADD}" in lines


def test_only_the_rules_that_can_fail_on_an_operation_are_counted(tmp_path: Path) -> None:
    found = outcome(tmp_path)
    rules: dict[str, set[str]] = {}
    for row in found.rows():
        rules.setdefault(row["operation"], set()).add(row["rule"])
    assert "if_match_honoured" in rules[UPDATE]
    assert "if_match_honoured" not in rules[ADD]
    assert "patch_keeps_unsent" in rules[UPDATE_PROCESS]
    assert "patch_keeps_unsent" not in rules[ADD]
    assert "no_body_on_204" in rules[ADD]
    assert "no_body_on_204" not in rules[UPDATE]
    assert "location_names_new_run" not in rules[UPDATE_PROCESS]
    assert {"errors_are_odata", "spec validation"} <= rules[ADD] & rules[UPDATE]
    assert found.summary()["rules"] == found.rows()
    heading = f"  1 exchange(s); {len(rules[ADD])} rule(s) apply"
    assert heading in table(found)
