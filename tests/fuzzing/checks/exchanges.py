"""Exchanges and evidence as the checks' tests build them: a demo run, and the answers to it."""

from __future__ import annotations

import json
import uuid
from typing import Any

from fuzzing.checks import Evidence, Reader
from fuzzing.exchange import Exchange
from fuzzing.run_ledger import Reading, Snapshot

BASE = "http://127.0.0.1:8000/beta"
RUN_PATH = "/industryData/incomingFlows/demo-flow/runs/demo-run"
ADD_PATH = f"{RUN_PATH}/process/runs/$ref"
RUN: dict[str, Any] = {
    "@odata.type": "#microsoft.graph.industryData.run",
    "id": "demo-run",
    "displayName": "Nightly roster import",
    "startDateTime": "2026-11-24T02:00:00.1234567Z",
    "endDateTime": None,
    "status": "running",
    "blockingError": None,
    "statistics": {"recordsRead": 1250},
}
ERROR = {"error": {"code": "BadRequest", "message": "Property 'status' is invalid."}}


def exchange(
    *,
    method: str = "PATCH",
    path: str = RUN_PATH,
    sent: Any = None,
    status: int = 200,
    answer: Any = None,
    request_headers: dict[str, str] | None = None,
    response_headers: dict[str, str] | None = None,
    raw_answer: bytes | None = None,
) -> Exchange:
    body = raw_answer if raw_answer is not None else b""
    headers = {"request-id": str(uuid.uuid4())}
    if answer is not None:
        body = json.dumps(answer).encode()
        headers["content-type"] = "application/json"
    headers.update(response_headers or {})
    return Exchange.build(
        method=method,
        url=BASE + path,
        request_headers={"Content-Type": "application/json", **(request_headers or {})},
        request_body=json.dumps(sent).encode() if sent is not None else None,
        status=status,
        response_headers=headers,
        response_body=body,
    )


def evidence(
    value: Exchange,
    *,
    before: dict[str, Any] | None = None,
    known: bool = True,
    after: Reading | None = None,
    etag: str | None = None,
) -> Evidence:
    """`value` with what a ledger knew of its run (`known`, `before` and its `etag`) and what a
    read shows."""
    reader = _reading(after) if after is not None else None
    return Evidence(value, before=Snapshot(known=known, state=before, etag=etag), reader=reader)


def _reading(answer: Reading) -> Reader:
    return lambda route: answer
