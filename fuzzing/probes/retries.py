"""Probe of a create sent again: Add run with an `Idempotency-Key` (the IETF HTTPAPI draft's
header). schemathesis sends a fresh key with every request (`fuzzing.hooks`), so a replay is sent
only here: the same create twice with one key, then another body with that key.
"""

from __future__ import annotations

import json
import uuid

from fuzzing.checks.retries import replayed_key_adds_no_run
from fuzzing.exchange import Exchange
from fuzzing.probes.prober import Prober, as_json, new_run, probe
from fuzzing.run_ledger import FirstAnswer

CHECK = replayed_key_adds_no_run.name


def _create(prober: Prober, parent: str, body: bytes, key: str) -> Exchange:
    url = prober.target.add_run_url(parent)
    return prober.send("POST", url, body, headers={"Idempotency-Key": key})


@probe(
    order=65,
    covers=(
        "D28",
        "D29",
        "D30",
        "status:addRun:204",
        "status:addRun:422",
        "header:Location",
        "request:parameter.Idempotency-Key:*",
    ),
)
def retried_creates(prober: Prober) -> None:
    """A create sent again with its `Idempotency-Key` and body answers as the first (204, the same
    `Location`) and adds no run; the key with another body is 422 and adds none."""
    parent = prober.workspace.run_id
    key = f'"probe-{uuid.uuid4()}"'
    body = as_json(new_run(displayName="probe: a create sent twice"))
    first = _create(prober, parent, body, key)
    if not prober.expect(first, {204}, CHECK, "a create with an Idempotency-Key"):
        return
    answered = FirstAnswer(body=first.request_json, status=first.status, location=first.location)
    again = _create(prober, parent, body, key)
    if prober.expect(again, {204}, CHECK, "the same create again, with the same key"):
        prober.judge(replayed_key_adds_no_run, again, keyed=answered)
    # The same JSON value written otherwise (members reversed, spaces) is the same body (D29).
    members = json.loads(body)
    rewritten = json.dumps(dict(reversed(list(members.items()))), indent=1).encode()
    written = _create(prober, parent, rewritten, key)
    if prober.expect(written, {204}, CHECK, "the same create written otherwise, same key"):
        prober.judge(replayed_key_adds_no_run, written, keyed=answered)
    # A key belongs to one target (D30): sent to another run's process it creates anew.
    elsewhere = _create(prober, prober.workspace.process_run_id, body, key)
    if (
        prober.expect(elsewhere, {204}, CHECK, "the same key and body to another run's process")
        and elsewhere.location == first.location
    ):
        prober.report(
            CHECK,
            elsewhere,
            "A key sent to another run's process was answered as the first request to run "
            f"{parent!r} was (`Location` {first.location}): a key belongs to one target (D30)\n"
            + elsewhere.describe(),
        )
    other = as_json(new_run(displayName="probe: another body with a used key"))
    reused = _create(prober, parent, other, key)
    if prober.expect(reused, {422}, CHECK, "another body with a key a create used"):
        prober.judge(replayed_key_adds_no_run, reused, keyed=answered)
