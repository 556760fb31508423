"""`reference_not_refused`: a reference the contract links, at its production server, is never
refused with 400; every reference the contract refuses, and every request the spec refuses, may
be."""

from __future__ import annotations

import pytest

from fuzzing.checks import Evidence
from fuzzing.checks.linking import reference_not_refused
from fuzzing.exchange import Exchange
from tests.fuzzing.checks.exchanges import ADD_PATH, BASE, ERROR, exchange

GRAPH = "https://graph.microsoft.com/beta/industryData/incomingFlows"
TOKEN = {"Authorization": "Bearer t"}


def _refused(sent: object, status: int = 400, headers: dict[str, str] | None = None) -> Evidence:
    answer: Exchange = exchange(
        method="POST",
        path=ADD_PATH,
        sent=sent,
        status=status,
        answer=ERROR,
        request_headers={**TOKEN, **(headers or {})},
    )
    return Evidence(answer)


def test_a_same_flow_reference_at_the_production_server_refused_with_400_fails() -> None:
    with pytest.raises(AssertionError, match="refused a reference the contract links"):
        reference_not_refused(_refused({"@odata.id": f"{GRAPH}/demo-flow/runs/other-run"}))


@pytest.mark.parametrize("status", [404, 429, 503])
def test_other_answers_are_not_this_rules(status: int) -> None:
    reference_not_refused(_refused({"@odata.id": f"{GRAPH}/demo-flow/runs/other-run"}, status))


@pytest.mark.parametrize(
    "sent",
    [
        {"@odata.id": f"{GRAPH}/another-flow/runs/other-run"},
        {"@odata.id": f"{GRAPH}/demo-flow/runs/demo-run"},
        {"@odata.id": f"{GRAPH}/demo-flow/runs/other-run/"},
        {"@odata.id": f"{GRAPH}/demo-flow/runs/other-run?x=1"},
        {"@odata.id": f"{GRAPH}/demo-flow/runs/%2E%2E"},
        {"@odata.id": f"{GRAPH}/demo-flow/runs/a%ZZb"},
        {"@odata.id": f"{GRAPH}/demo-flow/runs/%FF"},
        {"@odata.id": f"{GRAPH}/demo-flow/runs/%24other"},
        {"@odata.id": f"{GRAPH}/demo-flow/runs/other\ud800"},
        {"@odata.id": f"{GRAPH}/demo-flow/runs/other-run", "displayName": "x"},
        {"@odata.id": "https://example.com/beta/industryData/incomingFlows/demo-flow/runs/x"},
        {"displayName": "a create"},
    ],
)
def test_a_reference_or_body_the_contract_refuses_may_be_400(sent: object) -> None:
    reference_not_refused(_refused(sent))


def test_a_request_the_spec_refuses_otherwise_may_be_400() -> None:
    sent = {"@odata.id": f"{GRAPH}/demo-flow/runs/other-run"}
    reference_not_refused(_refused(sent, headers={"Idempotency-Key": ""}))
    without_token = exchange(method="POST", path=ADD_PATH, sent=sent, status=400, answer=ERROR)
    reference_not_refused(Evidence(without_token))


def test_a_reference_at_the_requests_own_origin_is_left_to_the_probes() -> None:
    # What origin the service calls its own, a proxy or gateway between may have changed.
    reference_not_refused(
        _refused({"@odata.id": f"{BASE}/industryData/incomingFlows/demo-flow/runs/x"})
    )
