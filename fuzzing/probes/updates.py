"""Probes of updates that must be applied exactly: full-precision round trips, Add then Update.

schemathesis generates values that fit the schema but seldom the ones that show a lost digit or
a changed offset, and reaches a run it added only when its stateful phase follows the link.
"""

from __future__ import annotations

from typing import Any

from fuzzing.checks.runs import created_run_holds_request, patch_keeps_unsent
from fuzzing.checks.versions import etag_tracks_changes
from fuzzing.comparison import properties, short, unchanged
from fuzzing.exchange import Exchange
from fuzzing.facts import contract
from fuzzing.probes.prober import NEVER_APPLIED_BODY, Prober, as_json, new_run, probe

_UPDATES: list[dict[str, Any]] = [
    {
        "startDateTime": "2026-11-24T03:00:00.1234567+01:00",
        "endDateTime": "2026-11-24T04:00:00.0000001-05:30",
    },
    {"displayName": "probe: round trip"},
    {"endDateTime": "2026-11-24T02:41:37.5Z"},
    {
        "status": "failed",
        "blockingError": {
            "@odata.type": "microsoft.graph.publicError",
            "code": "SourceUnavailable",
            "message": "The SFTP source could not be reached.",
            "target": "sftp://sis.contoso.example/exports",
            "details": [{"code": "Timeout", "message": "No answer in 30 s.", "target": None}],
            "innerError": {"code": "E42", "message": None, "target": None, "details": None},
        },
    },
    {
        "statistics": {
            "recordsRead": 1250,
            "ratio": 0.25,
            # Numbers a service may write in another spelling, or as their double (D35).
            "offset": -5.130094826541337e16,
            "rate": 1e-7,
            "beyondExactIntegers": 2**53 + 1,
            "flags": [True, False, None],
            "nested": {"a": {}},
        }
    },
    {"displayName": "Ünïcödé ✓ 名前 \U0001f600", "status": "completedWithWarnings"},
    {"endDateTime": None, "blockingError": None, "status": "running"},
]
"""Valid updates whose values a careless server would alter: offsets, the 7th digit, nulls, and
numbers a correct one may respell (D35)."""


@probe(
    order=130,
    covers=(
        "D3",
        "D9",
        "D15",
        "status:update*:200",
        "request:runUpdate.endDateTime:nullability",
        "request:runUpdate.blockingError:nullability",
        "request:publicError*:nullability",
    ),
)
def round_trip(prober: Prober) -> None:
    """Updates come back exactly as sent, times to 100 ns in UTC, leave the rest alone, and stay:
    the next read shows what the update answered."""
    # Last, a body of only `@odata.type`: valid (`minProperties: 1`), and a no-op (D3).
    noop = {"@odata.type": contract().run_odata_type}
    updates = [*((update, "a valid update") for update in _UPDATES)]
    updates.append((noop, "a body of only `@odata.type`, which changes nothing (D3)"))
    for url, key in prober.runs:
        answered: Exchange | None = None
        for update, what in updates:
            before = prober.reading(key)
            if answered is not None and before.run is not None:
                _judge_stored(prober, answered, before.run)
            exchange = prober.send("PATCH", url, as_json(update))
            answered = None
            if prober.expect(exchange, {200}, "patch_applied", what):
                prober.judge(patch_keeps_unsent, exchange, before.run)
                prober.judge(etag_tracks_changes, exchange, before.run, before.etag)
                answered = exchange


def _judge_stored(prober: Prober, update: Exchange, read: dict[str, Any]) -> None:
    """The run as read holds every property that `update` answered with (a 200)."""
    run = update.response_json
    if not isinstance(run, dict):
        return
    changed = [
        f"`{name}` was answered as {short(value)}, then read as {short(read.get(name))}"
        for name, value in properties(run).items()
        if name not in read or not unchanged(name, value, read[name])
    ]
    if changed:
        details = "\n".join(f"- {problem}" for problem in changed)
        message = f"A read after this 200 does not show what it answered\n{details}"
        prober.report("update_persisted", update, message)


@probe(order=70, covers=("D1", "D2", "status:addRun:204", "status:updateProcessRun:404"))
def add_then_update(prober: Prober) -> None:
    """Add run answers 204 and `Location`; the new run is updated there and via the process."""
    target, space = prober.target, prober.workspace
    add = prober.send("POST", prober.add_url, as_json(new_run()))
    if not prober.expect(add, {204}, "add_run_created", "a valid new run"):
        return
    prober.judge(created_run_holds_request, add)
    created = add.location_route
    if created is None:
        return
    # The check read the run to judge it; this read is the state the next update must keep.
    before = prober.read(created.target).run
    if before is None:
        return
    new_id = created.target[1]
    update = prober.send("PATCH", target.run_url(new_id), as_json({"status": "completed"}))
    if prober.expect(update, {200}, "add_then_update", "updating the new run"):
        prober.judge(patch_keeps_unsent, update, before)
    through = prober.send(
        "PATCH",
        target.process_run_url(space.run_id, new_id),
        as_json({"displayName": "probe: via process"}),
    )
    what = "updating the new run through its parent's process"
    prober.expect(through, {200}, "add_then_update", what)
    elsewhere = target.process_run_url(space.process_run_id, new_id)
    what = "a run not linked into that process"
    key = (target.flow_id, new_id)
    prober.refused("PATCH", elsewhere, NEVER_APPLIED_BODY, {404}, "unknown_id_is_404", what, key)
