"""One registration per check: one name and one verdict in every mode that runs it.

schemathesis and the probes report a broken rule under the same name; a mode that lacks what a
check needs (a passive one cannot read a run) skips it there, rather than guess.
"""

from __future__ import annotations

import json
import re
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import httpx
import pytest
import requests
import schemathesis.checks
from schemathesis.core.transport import Response

from fuzzing.checks import CHECKS, ContractCheck, Evidence, Need, contract_check, runnable
from fuzzing.checks.runs import (
    created_run_holds_request,
    patch_echoes_request,
    patch_keeps_unsent,
    rejected_request_changed_nothing,
)
from fuzzing.exchange import Exchange, route_of
from fuzzing.probes.prober import Prober
from fuzzing.run_ledger import LEDGER, Snapshot
from fuzzing.target import Target
from tests.support.dropped import dropped_module
from tooling.discovery import import_all, module_names
from tooling.paths import ROOT

# A base URL no server of the tests answers on: nothing here may send a request.
BASE = "http://127.0.0.1:9/beta"
RUN_URL = f"{BASE}/industryData/incomingFlows/demo-flow/runs/demo-run"
ADD_URL = f"{RUN_URL}/process/runs/$ref"
RUN: dict[str, Any] = {
    "@odata.type": "#microsoft.graph.industryData.run",
    "id": "demo-run",
    "displayName": "Nightly roster import",
    "status": "running",
    "statistics": {"recordsRead": 1250},
}
README = ROOT / "fuzzing" / "README.md"


def _exchange(
    method: str, url: str, sent: Any, status: int, answer: Any = None, location: str | None = None
) -> Exchange:
    headers = {"request-id": str(uuid.uuid4())}
    if location is not None:
        headers["location"] = location
    if answer is not None:
        headers["content-type"] = "application/json"
    return Exchange.build(
        method=method,
        url=url,
        request_headers={"content-type": "application/json"},
        request_body=json.dumps(sent).encode(),
        status=status,
        response_headers=headers,
        response_body=json.dumps(answer).encode() if answer is not None else b"",
    )


def _response(exchange: Exchange) -> Response:
    """`exchange` as schemathesis hands a response to a check."""
    request = requests.Request(
        exchange.method,
        exchange.url,
        headers=dict(exchange.request_headers),
        data=exchange.request_body,
    ).prepare()
    return Response(
        status_code=exchange.status,
        headers={name: [value] for name, value in exchange.response_headers.items()},
        content=exchange.response_body,
        request=request,
        elapsed=0.0,
        verify=True,
    )


def _schemathesis_check(name: str, exchange: Exchange, case_id: str) -> bool | None:
    """Run the check schemathesis knows as `name` on `exchange`, sent as case `case_id`."""
    check = cast(Callable[..., bool | None], schemathesis.checks.CHECKS.get_one(name))
    return check(None, _response(exchange), SimpleNamespace(id=case_id))


def test_schemathesis_and_the_probes_report_a_check_by_one_name(tmp_path: Path) -> None:
    reset = _exchange("PATCH", RUN_URL, {"displayName": "new"}, 200, {**RUN, "statistics": {}})
    route = route_of(RUN_URL)
    assert route is not None
    LEDGER.record(BASE, route.target, RUN)
    case_id = f"registry-{uuid.uuid4()}"
    LEDGER.take_snapshot(case_id, route)
    with pytest.raises(AssertionError) as failed:
        _schemathesis_check("patch_keeps_unsent", reset, case_id)

    with httpx.Client() as client:
        prober = Prober(Target(base_url=BASE, token="unused"), client, tmp_path)

        def judge_the_reset(prober: Prober) -> None:
            """Judge an update that reset what it was not sent."""
            prober.judge(patch_keeps_unsent, reset, RUN)

        outcome = prober.run(judge_the_reset)
    [finding] = outcome.findings
    assert finding.check == "patch_keeps_unsent"
    assert finding.message == str(failed.value)
    assert "`statistics` was not sent, yet changed" in finding.message


def test_every_check_is_known_to_schemathesis_by_its_name() -> None:
    registered = set(schemathesis.checks.CHECKS.get_all_names())
    assert set(CHECKS) <= registered
    for name in CHECKS:
        assert schemathesis.checks.CHECKS.get_one(name).__name__ == name


def test_schemathesis_skips_a_ledger_check_the_ledger_cannot_judge() -> None:
    upsert = _exchange("PATCH", RUN_URL, {"displayName": "x"}, 200, {**RUN, "displayName": "x"})
    assert _schemathesis_check("unknown_id_not_upserted", upsert, "never-snapshotted") is True
    assert _schemathesis_check("patch_echoes_request", upsert, "never-snapshotted") is None


def test_a_passive_mode_skips_what_needs_a_read_and_judges_the_rest() -> None:
    before = Snapshot(known=True, state=RUN)
    refused = Evidence(_exchange("PATCH", RUN_URL, {"status": "bad"}, 400), before=before)
    verdict = rejected_request_changed_nothing.judge(refused)
    assert verdict.skipped is Need.ACTIVE_READ
    assert str(verdict) == "rejected_request_changed_nothing: skipped: needs an active read"
    applied = Evidence(_exchange("PATCH", RUN_URL, {"status": "failed"}, 200, RUN), before=before)
    assert rejected_request_changed_nothing.judge(applied).passed

    new_run = f"{BASE}/industryData/incomingFlows/demo-flow/runs/new-id"
    named = Evidence(_exchange("POST", ADD_URL, RUN, 204, location=new_run))
    assert created_run_holds_request.judge(named).skipped is Need.ACTIVE_READ
    unnamed = created_run_holds_request.judge(Evidence(_exchange("POST", ADD_URL, RUN, 204)))
    assert unnamed.failure is not None
    assert "Add run did not name a run" in unnamed.failure


def test_a_check_cannot_use_what_it_did_not_declare() -> None:
    def peeks_at_the_ledger(evidence: Evidence) -> None:
        evidence.ledger()

    undeclared = ContractCheck(name="peeks", rule=peeks_at_the_ledger, needs=frozenset())
    evidence = Evidence(_exchange("PATCH", RUN_URL, {}, 200, RUN), before=Snapshot(True, RUN))
    with pytest.raises(RuntimeError, match=r"without declaring Need\.LEDGER"):
        undeclared(evidence)


def test_a_second_check_of_the_same_name_is_refused() -> None:
    def patch_echoes_request(evidence: Evidence) -> None:
        """A rule that would shadow the registered one."""

    with pytest.raises(ValueError, match="'patch_echoes_request' is already registered"):
        contract_check()(patch_echoes_request)
    assert CHECKS["patch_echoes_request"].rule.__module__ == "fuzzing.checks.runs"


def test_the_prober_runs_on_each_request_only_what_needs_nothing_more() -> None:
    on_every_request = runnable()
    assert patch_echoes_request in on_every_request
    assert all(not check.needs for check in on_every_request)
    assert created_run_holds_request not in on_every_request
    assert runnable(Need) == list(CHECKS.values())


def test_the_readme_lists_every_check_with_what_it_needs() -> None:
    rows = re.findall(r"^\| `(\w+)` \| ([^|]+) \|", README.read_text(encoding="utf-8"), re.M)
    words = {Need.LEDGER: "ledger", Need.ACTIVE_READ: "read"}
    listed = {name: needs.strip() for name, needs in rows if name in CHECKS}
    expected = {
        name: ", ".join(words[need] for need in Need if need in check.needs) or "-"
        for name, check in CHECKS.items()
    }
    assert listed == expected


def test_a_family_module_dropped_into_the_package_is_registered(tmp_path: Path) -> None:
    source = '''
        from fuzzing.checks.evidence import Evidence
        from fuzzing.checks.registry import contract_check


        @contract_check()
        def dropped_family_rule(evidence: Evidence) -> None:
            """A rule of a family that no list names."""
    '''
    with dropped_module("fuzzing.checks", "dropped_family", source, tmp_path):
        try:
            import_all("fuzzing.checks")
            assert list(CHECKS)[-1] == "dropped_family_rule"
            assert schemathesis.checks.CHECKS.get_one("dropped_family_rule")
        finally:
            if CHECKS.pop("dropped_family_rule", None) is not None:
                schemathesis.checks.CHECKS.unregister("dropped_family_rule")


def test_every_module_of_the_package_that_declares_a_check_registered_it() -> None:
    declaring = {
        f"fuzzing.checks.{name}"
        for name in module_names("fuzzing.checks")
        if any(
            isinstance(value, ContractCheck)
            for value in vars(sys.modules[f"fuzzing.checks.{name}"]).values()
        )
    }
    assert {check.rule.__module__ for check in CHECKS.values()} == declaring
