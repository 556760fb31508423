"""Probes of values a character away from valid ones, and of valid ones a careless server alters.

schemathesis draws values from the schema, far from its edges more often than not; these sit on
them: an enum member in another case, with a space or an invisible character, in look-alike or
full-width letters (which Unicode normalization would turn into the member); times in the forms
RFC 3339 or ISO 8601 allow but the spec's pattern does not; a trailing newline, which a regular
expression's `$` lets through in several languages. Each must be refused and change nothing.
The other way round, names that Unicode normalization or trimming would change, and a name of
256 characters outside the Basic Multilingual Plane (512 UTF-16 code units: JSON Schema counts
characters), must be taken and kept exactly.
"""

from __future__ import annotations

from typing import Any

from fuzzing.facts import contract
from fuzzing.probes.prober import Prober, as_json, probe

_TIME = "2026-11-24T02:00:00Z"
_TIMES_REFUSED = (
    "2026-11-24t02:00:00Z",  # RFC 3339 allows a lower-case `t` and `z`; the spec's pattern does not
    "2026-11-24T02:00:00z",
    "2026-11-24T02:00:00+0100",  # ISO 8601's basic offset
    "2026-11-24T02:00:00+01",
    "20261124T020000Z",
    "2026-11-24T02:00Z",
    "2026-11-24T24:00:00Z",
    "2026-11-24T23:59:60Z",  # a leap second
    "2026-11-24T02:00:00.Z",
    "2026-11-24T02:00:00,5Z",
    f" {_TIME}",
    f"{_TIME} ",
    f"{_TIME}\n",
    "\uff12\uff10\uff12\uff16-11-24T02:00:00Z",  # full-width digits
)
_TIMES_KEPT = (
    "2026-11-24T02:00:00-00:00",
    "2026-11-24T02:00:00+23:59",
    "1000-01-01T00:00:00Z",
    "9999-12-31T23:59:59.9999999Z",
)
_NAMES_KEPT = (
    "e\u0301",  # decomposed: NFC would make it one character
    "\ufb01le",  # a ligature: NFKC would make it "file"
    "  spaces around  ",
    "tab\tand\nnewline",
    "\U0001f600" * 256,  # 256 characters, 512 UTF-16 code units
)


def _status_spellings(member: str) -> list[str]:
    """`member` in forms that a lenient comparison would take for it."""
    look_alike = member.replace("o", "\u043e", 1)  # Cyrillic o
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalpha() else c for c in member)
    return [
        member.capitalize() if member[0].islower() else member.lower(),
        member.upper(),
        f" {member}",
        f"{member} ",
        f"{member}\n",
        f"{member}\u200b",
        look_alike,
        full_width,
    ]


def _odata_type_spellings(value: str) -> list[str]:
    return [value.lower(), value.upper(), value.lstrip("#"), f"{value} ", f"{value}\n"]


@probe(
    order=150,
    covers=(
        "D4",
        "D9",
        "D10",
        "request:runStatusInput:enum",
        "request:odataTypeRun:enum",
        "request:dateTimeOffset:pattern",
        "request:dateTimeOffset:format",
        "request:runUpdate.displayName:length",
        "status:*:400",
    ),
)
def near_misses(prober: Prober) -> None:
    """Values a character away from valid ones are 400; valid ones are kept to the character."""
    url, key = prober.runs[0]
    member = sorted(contract().input_statuses)[0]
    refused: list[dict[str, Any]] = [{"status": spelling} for spelling in _status_spellings(member)]
    refused += [
        {"@odata.type": spelling} for spelling in _odata_type_spellings(contract().run_odata_type)
    ]
    refused += [{"startDateTime": value} for value in _TIMES_REFUSED]
    refused.append({"displayName": "\U0001f600" * 257})
    for body in refused:
        value = next(iter(body.values()))
        what = f"{next(iter(body))} {value[:40]!r}"
        prober.refused("PATCH", url, as_json(body), {400}, "near_miss_rejected", what, key)
    kept: list[dict[str, Any]] = [{"startDateTime": value} for value in _TIMES_KEPT]
    kept += [{"displayName": name} for name in _NAMES_KEPT]
    kept.append({"startDateTime": _TIME})
    for body in kept:
        exchange = prober.send("PATCH", url, as_json(body))
        name, value = next(iter(body.items()))
        prober.expect(exchange, {200}, "valid_value_kept", f"{name} {value[:40]!r}")
