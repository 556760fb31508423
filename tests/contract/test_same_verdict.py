"""Every reader of the contract gives the same verdict on the same value.

The server, the fuzzer, the traffic checker, the example validator and the bug zoo all read
`openapi.yaml` through the contract core (`contract.api`). Before it, each built its validators
its own way, and `"2026-11-24T02:00:00Z\\n"` passed the traffic checker while the server and the
fuzzer refused it. Each tricky value here goes through every reader, as that reader meets it (a
request body, a path id, an example in the spec, a response header), and the verdicts must agree,
and be the right one. (The bug zoo reads the contract for the freedoms a spec grants: times.)
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from bug_zoo.freedoms import members_accepted
from contract.examples import check_examples
from contract.loading import load_document
from fuzzing.checks.refusals import retry_after_given
from fuzzing.exchange import Exchange
from fuzzing.facts import contract
from reference_server.conformance import ServedContract
from reference_server.payload import PayloadError, parse_json
from tests.fuzzing.checks.exchanges import ERROR, evidence, exchange
from traffic import spec_check

SPEC = Path(__file__).resolve().parents[2] / "openapi.yaml"
BASE = "http://127.0.0.1:8000/beta"

# A date-time property of Update run's body, with the verdict the contract gives.
TIMES: dict[str, bool] = {
    "2026-11-24T02:00:00Z": True,
    "2026-11-24T02:00:00.1234567Z": True,
    "2026-11-24T03:00:00+01:00": True,
    "2026-11-24T02:00:00Z\n": False,  # ECMA-262's `$` is the end of the string
    "2026-11-24T02:00:00Z\r\n": False,
    "\n2026-11-24T02:00:00Z": False,
    "2026-11-24T02:00:00.12345678Z": False,  # eight fractional digits
    "2026-11-24T02:00:00": False,  # no offset
    "2026-02-30T02:00:00Z": False,  # the pattern lets it by; RFC 3339 does not
    "1000-01-01T00:00:00Z": True,  # years at the edges
    "0999-12-31T23:59:59Z": False,
    "9999-12-31T23:59:59Z": True,
    "9999-12-31T23:59:59-01:00": False,  # past 9999 in UTC
    "9999-01-01T00:30:00+01:00": True,  # 9998 in UTC
    "9999-12-31T23:59:59-00:00": False,  # in 9999 only `Z` and positive offsets, as written
    "1000-01-01T00:30:00+01:00": False,  # 0999 in UTC, which could not be sent back
    "1000-01-01T00:00:00+00:00": False,  # in 1000 only `Z` and negative offsets, as written
    "1000-12-31T23:59:59+01:00": False,
    "1000-01-01T00:00:00-00:00": True,
    "1000-01-01T00:30:00-01:00": True,  # later in UTC
    "1001-01-01T00:30:00+23:59": True,  # 1000 in UTC, which can be sent back
    "10000-01-01T00:00:00Z": False,
    "2026-11-24T02:00:00\ud800Z": False,  # a lone surrogate
    "\ud800": False,
}
# An Update run body as sent (JSON text), with the verdict the contract gives (D38).
BODIES: dict[bytes, bool] = {
    b'{"displayName": "\\ud800"}': False,  # a lone surrogate
    b'{"statistics": {"\\udfff": 1}}': False,  # in a member name
    b'{"displayName": "\\ud83d\\ude00 \\u0000 \\uffff"}': True,  # a pair, NUL, a noncharacter
    b'{"statistics": {"n": 1e400}}': False,  # infinity as a double
    b'{"statistics": {"n": -1e400}}': False,
    b'{"statistics": {"n": 1' + b"0" * 309 + b"}}": False,  # an integer past the largest double
    b'{"statistics": {"n": 1' + b"0" * 300 + b"}}": True,
    b'{"statistics": {"n": 1.7976931348623158e308}}': True,  # rounds down to the largest double
    b'{"statistics": {"n": 1e-400}}': True,  # rounds to 0
    b'{"statistics": {"n": {"n": [[[[]]]]}}}': True,  # 6 levels
    b'{"statistics": ' + b'{"n": [' * 16 + b"1" + b"]}" * 16 + b"}": True,  # 32 levels
    b'{"statistics": ' + b'{"n": [' * 16 + b"[1]" + b"]}" * 16 + b"}": False,  # 33 levels
}
# A path id (the inbound flow's), with the verdict the contract gives.
IDS: dict[str, bool] = {
    "demo-flow": True,
    "$ref": False,  # `$`-led ids are OData's own segments
    "$metadata": False,
    "$count": False,
    "a$b": True,
    "..": False,
    ".": False,
    "flow\n": False,
    "x" * 128: True,
    "x" * 129: False,
}
# A `Retry-After` header of a 429 answer, as received, with the verdict the contract gives.
WAITS: dict[str, bool] = {
    "5": True,
    "0": True,
    "86400": True,
    "86401": False,
    "-1": False,
    "5.0": False,
    "1_0": False,  # Python's int() reads these; HTTP's delay-seconds is digits only
    "+5": False,
    "\u0665": False,  # an Arabic-Indic five
    "Wed, 21 Oct 2026 07:28:00 GMT": False,  # the contract allows seconds only
}


@cache
def _served() -> ServedContract:
    return ServedContract.load(SPEC)


@cache
def _document() -> dict[str, Any]:
    return load_document(SPEC)


def server_accepts_time(value: str) -> bool:
    spec = _served()
    return not spec.check_body(spec.operations["updateRun"], {"startDateTime": value})


def server_accepts_id(value: str) -> bool:
    spec = _served()
    ids = {"incomingFlowId": value, "runId": "demo-run"}
    return not spec.check_parameters(spec.operations["addRun"], ids, {})


def fuzzer_accepts_time(value: str) -> bool:
    return contract().schema_validator("runUpdate").is_valid({"startDateTime": value})


def server_accepts_body(body: bytes) -> bool:
    try:
        parsed = parse_json(body)
    except PayloadError:
        return False
    return not _served().check_body(_served().operations["updateRun"], parsed)


def traffic_accepts_body(body: bytes) -> bool:
    update = _update("demo-flow", {})
    return _traffic_accepts(replace(update, request_body=body))


def fuzzer_accepts_id(value: str) -> bool:
    return contract().is_entity_id(value)


def _update(flow: str, body: object) -> Exchange:
    return Exchange.build(
        method="PATCH",
        url=f"{BASE}/industryData/incomingFlows/{quote(flow, safe='')}/runs/demo-run",
        request_headers={"Authorization": "Bearer t", "Content-Type": "application/json"},
        request_body=json.dumps(body).encode(),
        status=400,
        response_headers={},
        response_body=b"",
    )


def _traffic_accepts(exchange: Exchange) -> bool:
    operation, _, values = spec_check.match(exchange.method, exchange.url)
    assert operation is not None
    return not spec_check.request_breaches(operation, exchange, values)


def traffic_accepts_time(value: str) -> bool:
    return _traffic_accepts(_update("demo-flow", {"startDateTime": value}))


def traffic_accepts_id(value: str) -> bool:
    return _traffic_accepts(_update(value, {"displayName": "x"}))


def _examples_accept(change: Callable[[dict[str, Any]], None]) -> bool:
    document = copy.deepcopy(_document())
    change(document)
    return not check_examples(document).problems


def examples_accept_time(value: str) -> bool:
    def change(document: dict[str, Any]) -> None:
        content = document["components"]["requestBodies"]["runUpdate"]["content"]
        content["application/json"]["examples"] = {"tricky": {"value": {"startDateTime": value}}}

    return _examples_accept(change)


def examples_accept_id(value: str) -> bool:
    def change(document: dict[str, Any]) -> None:
        document["components"]["parameters"]["incomingFlowId"]["example"] = value

    return _examples_accept(change)


def zoo_accepts_time(value: str) -> bool:
    return members_accepted(_document(), "runUpdate", {"startDateTime": value})


def _too_many(wait: str) -> Exchange:
    return exchange(
        sent={"displayName": "x"},
        status=429,
        answer=ERROR,
        response_headers={"retry-after": wait},
    )


def server_accepts_wait(value: str) -> bool:
    answer = _too_many(value)
    problems = _served().check_response(
        _served().operations["updateRun"],
        429,
        answer.response_headers,
        answer.response_body,
    )
    return not [problem for problem in problems if "retry-after" in problem.lower()]


def fuzzer_accepts_wait(value: str) -> bool:
    try:
        retry_after_given(evidence(_too_many(value)))
    except AssertionError:
        return False
    return True


def traffic_accepts_wait(value: str) -> bool:
    answer = _too_many(value)
    operation, _, _ = spec_check.match(answer.method, answer.url)
    assert operation is not None
    return not spec_check.response_breaches(operation, answer)


TIME_READERS = {
    "server": server_accepts_time,
    "fuzzer": fuzzer_accepts_time,
    "traffic": traffic_accepts_time,
    "examples": examples_accept_time,
    "bug zoo": zoo_accepts_time,
}
ID_READERS = {
    "server": server_accepts_id,
    "fuzzer": fuzzer_accepts_id,
    "traffic": traffic_accepts_id,
    "examples": examples_accept_id,
}


BODY_READERS = {
    "server": server_accepts_body,
    "traffic": traffic_accepts_body,
}


WAIT_READERS = {
    "server": server_accepts_wait,
    "fuzzer": fuzzer_accepts_wait,
    "traffic": traffic_accepts_wait,
}


@pytest.mark.parametrize("value", list(TIMES), ids=repr)
def test_every_reader_judges_a_time_alike(value: str) -> None:
    verdicts = {name: reader(value) for name, reader in TIME_READERS.items()}
    assert verdicts == dict.fromkeys(TIME_READERS, TIMES[value])


@pytest.mark.parametrize("value", list(IDS), ids=repr)
def test_every_reader_judges_an_id_alike(value: str) -> None:
    verdicts = {name: reader(value) for name, reader in ID_READERS.items()}
    assert verdicts == dict.fromkeys(ID_READERS, IDS[value])


@pytest.mark.parametrize("value", list(WAITS), ids=repr)
def test_every_reader_judges_a_response_header_alike(value: str) -> None:
    verdicts = {name: reader(value) for name, reader in WAIT_READERS.items()}
    assert verdicts == dict.fromkeys(WAIT_READERS, WAITS[value])


@pytest.mark.parametrize("body", list(BODIES), ids=lambda body: body[:60].decode())
def test_every_reader_judges_a_body_alike(body: bytes) -> None:
    verdicts = {name: reader(body) for name, reader in BODY_READERS.items()}
    assert verdicts == dict.fromkeys(BODY_READERS, BODIES[body])
