"""Probes of JSON that parsers read but services cannot keep: refused, or kept exactly as sent.

JSON libraries read a lone surrogate escape, a number past the double range, nesting hundreds
deep and a member named twice without complaint, and then cannot write the value back or
silently change it: a service that stores a lone surrogate answers 500 for that run ever after,
one that reads `1e400` as infinity returns `null`. schemathesis never sends such text (it writes
its bodies with a JSON library). These send each, in values and member names, in every member a
request may carry, to both update paths and to Add run (and Add run's reference body), then read
the run back. The contract (D38, `info.description`) says which must be 400 (that
changes nothing); everything else must be accepted and read back as sent, numbers as the values
they denote (D35), a member named twice as its last (or refused).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from contract.validators import MAX_DEPTH
from fuzzing.comparison import mismatches
from fuzzing.exchange import ADD_RUN, Exchange, RunKey
from fuzzing.facts import REFERENCE, contract
from fuzzing.probes.prober import NEVER_APPLIED, Prober, as_json, new_run, probe
from fuzzing.target import run_url

REFUSED = "hostile_input_refused"
KEPT = "hostile_input_kept"


class Outcome(Enum):
    """What the contract lets a service answer to a body."""

    REFUSE = "a 400 that changes nothing"
    KEEP = "a 2xx, after which the run reads back as sent"
    EITHER = "a 400 that changes nothing, or a 2xx after which the run reads back as sent"


@dataclass(frozen=True)
class Hostile:
    """Members of a body as JSON text (`members`, what follows `{`), what the contract wants,
    and what it is, for a finding."""

    members: str
    outcome: Outcome
    what: str
    names: tuple[str, ...] = ()
    """The members' names, for a body too deep to parse here (else read from `members`)."""

    def update(self) -> bytes:
        return f"{{{self.members}}}".encode()

    def sent(self) -> dict[str, Any]:
        """The members as JSON reads them: a name sent twice holds its last value."""
        value: dict[str, Any] = json.loads(self.update())
        return value

    def create(self) -> bytes:
        """An Add run body with these members, and the rest of a valid run around them."""
        names = set(self.names or self.sent())
        rest = as_json({k: v for k, v in new_run().items() if k not in names}).decode()
        return f"{rest[:-1]}, {self.members}}}".encode()


def _nested(depth: int) -> str:
    """A `statistics` object of exactly `depth` levels: an object around arrays."""
    inner = depth - 1
    return '{"n": ' + "[" * inner + "7" + "]" * inner + "}"


_REFUSE, _KEEP, _EITHER = Outcome.REFUSE, Outcome.KEEP, Outcome.EITHER

TEXT = (
    # Strings must be Unicode text, in values and in member names, anywhere in the body.
    Hostile('"displayName": "probe \\ud800"', _REFUSE, "a lone high surrogate"),
    # Any other text is kept: NUL, noncharacters, characters past the BMP, as escapes.
    Hostile(
        '"displayName": "probe \\u0000 \\uffff\\ufffe\\ufdd0 \\udbff\\udfff\\ud83d\\ude00"',
        _KEEP,
        "NUL, noncharacters and surrogate pairs",
    ),
    # More lone surrogates: in member names, nested, reversed, in blockingError.
    Hostile('"statistics": {"\\ud800": 1}', _REFUSE, "a lone surrogate in a member name"),
    Hostile('"statistics": {"log": [{"m": "\\udc00"}]}', _REFUSE, "a nested lone surrogate"),
    Hostile('"displayName": "probe \\ude00\\ud83d"', _REFUSE, "a surrogate pair reversed"),
    Hostile(
        '"blockingError": {"code": "E", "details": [{"code": "x", "message": "\\ud800"}]}',
        _REFUSE,
        "a lone surrogate in blockingError",
    ),
    Hostile(
        '"statistics": {"\\u0000": "\\u0000", "\\uffff": 1, "\\ud83d\\ude00": true, "": null},'
        ' "blockingError": {"code": "E\\u0000", "message": "\\ufdd0", "target": null}',
        _KEEP,
        "NUL, a noncharacter, an emoji and nothing as member names, and in blockingError",
    ),
)
"""Strings: lone surrogates are 400 (D38); any other text comes back as sent."""

NUMBERS = (
    # Numbers must be within the range of a double; in range they keep their values (D35).
    Hostile('"statistics": {"n": 1e400}', _REFUSE, "1e400"),
    Hostile(f'"statistics": {{"n": 1{"0" * 400}}}', _REFUSE, "a 401-digit integer"),
    Hostile('"statistics": {"n": [-1e400]}', _REFUSE, "-1e400"),
    Hostile('"statistics": {"n": 1.8e308}', _REFUSE, "1.8e308, just past the largest double"),
    Hostile(f'"statistics": {{"n": -{"9" * 309}}}', _REFUSE, "a 309-digit negative integer"),
    Hostile(
        '"statistics": {"a": -0, "b": -0.0, "c": 1E+2, "d": 1e2, "e": 100.000, "f": 1.0e0,'
        ' "g": 1e-400, "h": -1e-400, "i": 5e-324, "j": 2.2250738585072014e-308}',
        _KEEP,
        "-0, other spellings, numbers that underflow, the smallest doubles",
    ),
    Hostile(
        f'"statistics": {{"a": 1.7976931348623157e308, "b": 9007199254740993, "c": {"9" * 300},'
        f' "d": 0.{"1" * 400}, "e": {"1" * 300}e-290}}',
        _KEEP,
        "the largest double, integers doubles cannot hold, long literals in range",
    ),
)
"""Numbers: past the double range they are 400 (D38); in range they keep their value."""

REPEATED = (
    # A member named twice: refused, or the last one counts, for checking and for keeping.
    Hostile(
        '"status": "running", "status": "unknownFutureValue"',
        _EITHER,
        "a valid status, then the sentinel, under one name",
    ),
    Hostile(
        '"status": "unknownFutureValue", "status": "completed"',
        _EITHER,
        "the sentinel, then a valid status, under one name",
    ),
    Hostile(
        '"displayName": "probe: first", "displayName": "probe: last",'
        ' "statistics": {"a": 1, "a": [2]}',
        _EITHER,
        "a property and a statistics member named twice",
    ),
)
"""Member names used twice: 400, or the last counts (D38)."""


def nesting_cases() -> list[Hostile]:
    """`statistics` at and past its documented depth, and a body past any parser's stack."""
    cases = [
        Hostile(
            f'"displayName": "{NEVER_APPLIED}", "x": {"[" * 30000}{"]" * 30000}',
            _REFUSE,
            "30000 levels of arrays",
            names=("displayName", "x"),
        )
    ]
    limit = contract().schema("runStatistics").get(MAX_DEPTH)
    if isinstance(limit, int):
        cases = [
            Hostile(
                f'"statistics": {_nested(limit + 1)}',
                _REFUSE,
                f"statistics {limit + 1} levels deep",
            ),
            Hostile(
                f'"statistics": {_nested(2000)}',
                _REFUSE,
                "statistics 2000 levels deep",
                names=("statistics",),
            ),
            *cases,
            Hostile(f'"statistics": {_nested(limit)}', _KEEP, f"statistics {limit} levels deep"),
        ]
    return cases


def expected_outcome(case: Hostile, body: bytes, operation: str) -> Outcome:
    """What the contract wants for `body`: a member named twice is read as its last, and a body
    whose last reading the schema refuses must be refused."""
    if case.outcome is not Outcome.EITHER:
        return case.outcome
    return (
        Outcome.REFUSE
        if contract().operation(operation).body_errors(json.loads(body))
        else Outcome.EITHER
    )


def _kept(prober: Prober, exchange: Exchange, case: Hostile, sent: dict[str, Any]) -> None:
    """`exchange` was a 2xx: its run and the run read afterwards hold `sent` exactly."""
    route = exchange.location_route if exchange.status == 204 else exchange.route
    if route is None:
        return
    answered = exchange.response_json
    problems = []
    if isinstance(answered, dict):
        problems += mismatches(sent, answered, "`{name}` is missing from the answer")
    reading = prober.read(route.target)
    if reading.run is None:
        problems.append(f"the run, read afterwards, answered {reading.status}")
    else:
        problems += [
            f"read afterwards: {problem}"
            for problem in mismatches(sent, reading.run, "`{name}` is missing")
        ]
    if problems:
        details = "\n".join(f"- {problem}" for problem in problems)
        message = f"{case.what}: accepted ({exchange.status}), but not kept as sent\n{details}"
        prober.report(KEPT, exchange, f"{message}\n{exchange.describe()}")


def _send(prober: Prober, case: Hostile, url: str, key: RunKey | None) -> None:
    """`case` to one update path (`key` its run) or, with no key, to Add run."""
    body = case.update() if key is not None else case.create()
    operation = "updateRun" if key is not None else ADD_RUN
    outcome = expected_outcome(case, body, operation)
    method = "PATCH" if key is not None else "POST"
    what = f"{case.what}, which must be {outcome.value}"
    if outcome is Outcome.REFUSE:
        prober.refused(method, url, body, {400}, REFUSED, what, key)
        return
    ok = {200} if key is not None else {204}
    allowed = ok | ({400} if outcome is Outcome.EITHER else set())
    if outcome is Outcome.EITHER and key is not None:
        exchange = prober.refused(method, url, body, allowed, KEPT, what, key)
    else:
        exchange = prober.send(method, url, body)
        prober.expect(exchange, allowed, KEPT, what)
    if exchange.status in ok:
        _kept(prober, exchange, case, case.sent())


def _all(prober: Prober, cases: Iterable[Hostile]) -> None:
    """Each case to an update path (the two in turn) and to Add run."""
    runs = prober.runs
    for index, case in enumerate(cases):
        url, key = runs[index % len(runs)]
        _send(prober, case, url, key)
        _send(prober, case, prober.add_url, None)


_COVERS = ("D7", "D15", "D38", "status:*:400", "status:update*:200", "status:addRun:204")


@probe(order=61, covers=_COVERS)
def hostile_text(prober: Prober) -> None:
    """A lone surrogate, in a value or a member name, is a 400 that changes nothing; NUL,
    noncharacters and pairs are kept exactly."""
    _all(prober, TEXT)
    target = prober.target
    lone = run_url(target.base_url, (target.flow_id, target.process_run_id))[:-1] + "\\ud800"
    body = f'{{"{REFERENCE}": "{lone}"}}'.encode()
    what = "a reference whose URL holds a lone surrogate, which must be a 400"
    prober.refused("POST", prober.add_url, body, {400}, REFUSED, what)


@probe(order=62, covers=_COVERS)
def hostile_numbers(prober: Prober) -> None:
    """A number past the double range is a 400 that changes nothing; one in range keeps its value
    (as sent, or as the double it rounds to)."""
    _all(prober, NUMBERS)


@probe(order=63, covers=(*_COVERS, "request:runStatistics:length"))
def hostile_nesting(prober: Prober) -> None:
    """`statistics` nested past its documented depth, or a body nested past any parser's stack,
    is a 400 that changes nothing; `statistics` at the depth is kept."""
    _all(prober, nesting_cases())


@probe(order=64, covers=_COVERS)
def repeated_members(prober: Prober) -> None:
    """A member named twice is a 400 that changes nothing, or its last value counts, for checking
    and for keeping alike."""
    _all(prober, REPEATED)
