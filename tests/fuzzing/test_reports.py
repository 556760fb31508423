"""The status table, the failures read back from schemathesis's events, and the probes' JUnit."""

from __future__ import annotations

import base64
import json
import xml.etree.ElementTree as ET
from pathlib import Path

from fuzzing.probes import ProbeFinding, ProbeOutcome
from fuzzing.reports import (
    FuzzReportPaths,
    StatusTable,
    schemathesis_failures,
    spec_operations,
    write_probes_junit,
)
from fuzzing.reports import test_case_count as count_test_cases  # not a test of pytest's

ADD = "POST /industryData/incomingFlows/{incomingFlowId}/runs/{runId}/process/runs/$ref"
UPDATE = "PATCH /industryData/incomingFlows/{incomingFlowId}/runs/{runId}"


def _log(path: Path, entries: list[tuple[str, int, bool]]) -> None:
    lines = [
        json.dumps({"operation": op, "status": status, "chained": chained})
        for op, status, chained in entries
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_the_table_names_operations_that_never_answered_2xx(tmp_path: Path) -> None:
    log = tmp_path / "statuses.jsonl"
    _log(log, [(ADD, 204, False), (ADD, 400, False), (UPDATE, 404, True), ("TRACE /x", 405, False)])
    table = StatusTable.read(log)
    missing = table.without_2xx()
    assert UPDATE in missing
    assert ADD not in missing
    assert len(missing) == len(spec_operations()) - 1
    assert table.chained == 1
    assert table.requests == 4
    rendered = table.render()
    assert "204x1 400x1" in rendered
    assert "TRACE /x" in rendered


def test_failures_come_back_with_check_name_status_and_curl(tmp_path: Path) -> None:
    paths = FuzzReportPaths(tmp_path)
    body = base64.b64encode(b'{"status": "x"}').decode()
    answer = base64.b64encode(b'{"error": {"code": "E", "message": "m"}}').decode()
    event = {
        "ScenarioFinished": {
            "timestamp": 105.0,
            "recorder": {
                "label": UPDATE,
                "checks": {
                    "c1": [
                        {"name": "not_a_server_error", "status": "success"},
                        {
                            "name": "patch_echoes_request",
                            "status": "failure",
                            "failure_info": {
                                "failure": {"operation": UPDATE, "title": "T", "message": "M"}
                            },
                        },
                    ]
                },
                "interactions": {
                    "c1": {
                        "request": {
                            "method": "PATCH",
                            "uri": "http://127.0.0.1:1/beta/x",
                            "headers": {"Authorization": ["[Filtered]"]},
                            "body": {"$base64": body},
                        },
                        "response": {"status_code": 500, "content": {"$base64": answer}},
                    }
                },
            },
        }
    }
    paths.events.write_text(json.dumps({"Initialize": {}}) + "\n" + json.dumps(event) + "\n")
    [failure] = schemathesis_failures(paths, started=100.0)
    assert failure.check == "patch_echoes_request"
    assert failure.seconds == 5.0
    assert "[500]" in failure.message
    assert '"Authorization: Bearer ${TARGET_TOKEN}"' in failure.curl
    assert "[Filtered]" not in failure.curl


def test_probes_junit_has_one_case_per_probe_and_a_failure_per_finding(tmp_path: Path) -> None:
    outcomes = [
        ProbeOutcome(name="ok", summary="fine"),
        ProbeOutcome(
            name="bad",
            summary="broken",
            findings=[
                ProbeFinding(probe="bad", check="c", message="first line\nmore", curl="curl x")
            ],
        ),
        ProbeOutcome(name="skipped", summary="n/a", skipped="no token"),
    ]
    path = tmp_path / "probes.xml"
    write_probes_junit(outcomes, path)
    suite = ET.parse(path).getroot()  # noqa: S314 (a file this test just wrote)
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("3", "1", "1")
    failure = suite.find("testcase[@name='bad']/failure")
    assert failure is not None
    assert failure.get("message") == "c: first line"
    assert "curl x" in (failure.text or "")


def test_reports_cut_off_by_a_stop_at_the_first_failure_are_read_as_far_as_they_are_whole(
    tmp_path: Path,
) -> None:
    # FUZZ_FAIL_FAST stops schemathesis as soon as a probe fails: its reports may be empty or end
    # in the middle of a line, and the summary must still be written.
    paths = FuzzReportPaths(tmp_path)
    paths.verdict.write_text("", encoding="utf-8")
    assert count_test_cases(paths) == 0
    log = tmp_path / "statuses.jsonl"
    _log(log, [(ADD, 204, False)])
    with log.open("a", encoding="utf-8") as cut:
        cut.write('{"operation": "PATCH /indus')
    table = StatusTable.read(log)
    assert table.requests == 1
    paths.events.write_text('{"Initialize": {}}\n{"ScenarioFinished": {"id"', encoding="utf-8")
    assert schemathesis_failures(paths, started=0.0) == []


def test_the_table_says_what_share_of_positive_cases_reached_a_2xx(tmp_path: Path) -> None:
    log = tmp_path / "statuses.jsonl"
    entries = [
        {"sent": "a", "method": "PATCH", "url": "http://x/", "time": 1.0},
        {"case": "a", "operation": UPDATE, "status": 200, "positive": True, "supplied": True},
        {"case": "b", "operation": UPDATE, "status": 412, "positive": True, "supplied": False},
        {"case": "c", "operation": ADD, "status": 204, "positive": True, "supplied": False},
        {"case": "d", "operation": ADD, "status": 400, "positive": False, "supplied": False},
    ]
    log.write_text("".join(json.dumps(entry) + "\n" for entry in entries), encoding="utf-8")
    table = StatusTable.read(log)
    assert table.requests == 4  # a request going out is not an answer
    assert table.positive_share() == (
        "2 of 3 positive cases answered 2xx (67%); 1 of the 1 given a reference or If-Match "
        "the target issued"
    )
    assert "success path: 2 of 3 positive cases answered 2xx" in table.render()
