"""Probes of values the schema forbids: the sentinel status, unknown properties, invalid values.

schemathesis sends such bodies too, in its own mix; these are the cases the contract names (the
sentinel, `id`, a valid property next to an invalid one), sent to both pinned runs and to Add
run, and each refused update is followed by a read of the run.
"""

from __future__ import annotations

import json
from typing import Any

from fuzzing.exchange import UPDATE_RUN
from fuzzing.facts import contract
from fuzzing.probes.prober import NEVER_APPLIED, Prober, as_json, new_run, probe


def _described(bodies: list[dict[str, Any]]) -> list[tuple[bytes, str]]:
    """Each body as sent, with its start as what a finding says was sent."""
    return [(as_json(body), json.dumps(body)[:80]) for body in bodies]


def _unknown_name(body: dict[str, Any]) -> str:
    """The first property of an update `body` the schema does not name (else the nested one)."""
    names = sorted(set(body) - contract().body_properties(UPDATE_RUN))
    return names[0] if names else "blockingError.stackTrace"


@probe(order=30, covers=("D5", "request:runStatusInput:enum"))
def sentinel_status(prober: Prober) -> None:
    """The sentinel status may come back from the service, but never be set by a client."""
    check = "sentinel_status_rejected"
    for sentinel in sorted(contract().sentinel_statuses):
        prober.refused_updates([(as_json({"status": sentinel}), sentinel)], 400, check)
        prober.refused_adds([(as_json(new_run(status=sentinel)), sentinel)], 400, check)


@probe(order=80, covers=("D7", "request:*:closed"))
def unknown_properties(prober: Prober) -> None:
    """Properties the schema does not name, the read-only `id` included, are 400."""
    bodies: list[dict[str, Any]] = [
        {"displayName": NEVER_APPLIED, "unexpectedProperty": True},
        {"id": "another-id"},
        {"displayName": NEVER_APPLIED, "process": {"runs": []}},
        {"blockingError": {"code": "x", "stackTrace": "at somewhere"}},
    ]
    extras: list[dict[str, Any]] = [{"unexpectedProperty": 1}, {"id": "chosen-by-client"}]
    check = "unknown_properties_rejected"
    prober.refused_updates([(as_json(body), _unknown_name(body)) for body in bodies], 400, check)
    adds = [(as_json(new_run(**extra)), next(iter(extra))) for extra in extras]
    prober.refused_adds(adds, 400, check)


@probe(
    order=100,
    covers=(
        "D3",
        "D9",
        "D10",
        "status:*:400",
        "request:runCreate:required",
        "request:runUpdate:length",
        "request:runUpdate.*:nullability",
        "request:runStatusInput:enum",
        "request:odataTypeRun:enum",
        "request:dateTimeOffset:*",
        "request:runUpdate.displayName:length",
    ),
)
def invalid_values(prober: Prober) -> None:
    """Values the schema forbids are 400, and a body half valid is not half applied."""
    bodies: list[dict[str, Any]] = [
        {},
        {"displayName": None},
        {"status": None},
        {"statistics": None},
        {"startDateTime": None},
        {"status": "notAStatus"},
        {"displayName": NEVER_APPLIED, "status": "notAStatus"},
        {"displayName": NEVER_APPLIED, "endDateTime": "yesterday"},
        {"startDateTime": "2026-13-01T00:00:00Z"},
        {"startDateTime": "2026-02-30T00:00:00Z"},
        {"startDateTime": "2026-11-24T02:00:00.12345678Z"},
        {"startDateTime": "2026-11-24 02:00:00Z"},
        {"startDateTime": "2026-11-24T02:00:00"},
        {"statistics": []},
        {"displayName": "x" * 257},
        {"@odata.type": "#microsoft.graph.user"},
        {"blockingError": {"code": 42}},
    ]
    created = [{"displayName": "missing required properties"}, new_run(status="notAStatus")]
    check = "invalid_values_rejected"
    prober.refused_updates(_described(bodies), 400, check)
    prober.refused_adds(_described(created), 400, check)
