"""Probes of the values the service rewrites, at the edges of what it takes: times moved to UTC.

The service returns every time in UTC (D9), so a time near the first or last year the request
schema allows lands, once moved, at or past an edge of the response schema. schemathesis draws
times at random and almost never there. Each edge is sent as the contract judges it: a time the
request schema refuses is a 400 that changes nothing; one it allows is a 200 whose time the
response schema allows, names the same instant and is one a client may send back (the request
schema allows it, and an update that sends it back is a 200 that keeps it).
"""

from __future__ import annotations

from typing import Any

from fuzzing.comparison import mismatch
from fuzzing.exchange import Exchange
from fuzzing.facts import contract
from fuzzing.probes.prober import Prober, as_json, new_run, probe

CHECK = "times_returned_sendable"

EDGE_TIMES = (
    "1000-01-01T00:00:00Z",
    "1000-01-01T00:00:00-12:00",
    "1000-01-01T00:30:00+01:00",  # year 999 in UTC
    "1000-01-01T00:00:00+00:00",
    "1001-01-01T00:00:00.0000001+14:00",  # back into year 1000
    "9998-12-31T23:59:59.9999999-12:00",  # on into year 9999
    "9999-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59.9999999Z",
    "9999-12-31T23:59:59.9999999+00:00",
    "9999-12-31T23:30:00-01:00",  # year 10000 in UTC
    "0999-12-31T23:59:59Z",
)
"""Times at the first and last years, and those an offset moves across them. The contract's
request schema says which are valid (`dateTimeOffset`): the probe sends each with that verdict.
The offsets are those in use (-12:00 to +14:00), which every platform's date type holds: the
probe is about the years, and offsets up to ±23:59 stay schemathesis's to draw."""

_TIMES = ("startDateTime", "endDateTime")


def _sendable(value: object) -> bool:
    return contract().schema_validator("dateTimeOffset").is_valid(value)


def _returnable(value: object) -> bool:
    return contract().schema_validator("dateTimeOffsetUtc").is_valid(value)


def _judge_times(sent: str, run: dict[str, Any], names: tuple[str, ...] = _TIMES) -> list[str]:
    """Why the times `names` of `run` are not `sent` in a form the contract returns and takes
    back; empty when they are."""
    problems = []
    for name in names:
        if name not in run:
            continue
        got = run[name]
        wrong = mismatch(name, sent, got)
        if wrong is not None:
            problems.append(wrong)
        elif not _returnable(got):
            problems.append(f"`{name}` came back as {got!r}, which the response schema refuses")
        elif not _sendable(got):
            problems.append(
                f"`{name}` came back as {got!r}, which a client cannot send back: the request "
                "schema refuses it"
            )
    return problems


def _report(prober: Prober, exchange: Exchange, what: str, problems: list[str]) -> None:
    if problems:
        details = "\n".join(f"- {problem}" for problem in problems)
        prober.report(CHECK, exchange, f"{what}\n{details}\n{exchange.describe()}")


def _send_back(prober: Prober, url: str, sent: str, run: dict[str, Any]) -> None:
    """What a client does with the run it read: send its times back unchanged (when the service
    rewrote them; a time it returned as sent was just sent)."""
    times = {name: run[name] for name in _TIMES if isinstance(run.get(name), str)}
    if not times or not all(_sendable(value) and value != sent for value in times.values()):
        return
    exchange = prober.send("PATCH", url, as_json(times))
    what = f"the times the service returned, sent back unchanged ({times})"
    if prober.expect(exchange, {200}, CHECK, what) and isinstance(exchange.response_json, dict):
        answered = exchange.response_json
        problems = [
            problem
            for name, value in times.items()
            if (problem := mismatch(name, value, answered.get(name))) is not None
        ]
        _report(prober, exchange, "Sending the run's own times back changed them", problems)


@probe(
    order=45,
    covers=(
        "D9",
        "request:dateTimeOffset:pattern",
        "response:dateTimeOffsetUtc:pattern",
        "status:update*:200",
        "status:*:400",
    ),
)
def edge_times(prober: Prober) -> None:
    """Times at the edges of the years allowed are refused (400) or come back in UTC as a value
    the response schema allows and a client may send back."""
    url, key = prober.runs[0]
    refused = [value for value in EDGE_TIMES if not _sendable(value)]
    for value in refused:
        body = as_json(dict.fromkeys(_TIMES, value))
        prober.refused("PATCH", url, body, {400}, "invalid_values_rejected", value, key)
    prober.refused_adds(
        [(as_json(new_run(startDateTime=value)), value) for value in refused],
        400,
        "invalid_values_rejected",
    )
    for value in (value for value in EDGE_TIMES if _sendable(value)):
        exchange = prober.send("PATCH", url, as_json(dict.fromkeys(_TIMES, value)))
        if not prober.expect(exchange, {200}, CHECK, f"both times at an edge: {value}"):
            continue
        run = exchange.response_json
        if isinstance(run, dict):
            _report(prober, exchange, f"Sent {value!r}", _judge_times(value, run))
            _send_back(prober, url, value, run)
    for value in (EDGE_TIMES[1], EDGE_TIMES[-3]):
        _added_at(prober, value)


def _added_at(prober: Prober, value: str) -> None:
    """Add run with `startDateTime` at an edge: the new run, read back, holds it as above."""
    if not _sendable(value):
        return
    add = prober.send("POST", prober.add_url, as_json(new_run(startDateTime=value)))
    located = add.location_route
    if not prober.expect(add, {204}, "add_run_created", f"a new run starting at {value}"):
        return
    if located is None:
        return
    run = prober.read(located.target).run
    if run is not None:
        problems = _judge_times(value, run, ("startDateTime",))
        _report(prober, add, f"A run added with `startDateTime` {value!r} reads back", problems)
