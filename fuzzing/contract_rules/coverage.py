"""Which check, probe or schemathesis built-in would fail if a server broke each rule.

Checks declare the rules they judge with `@contract_check(covers=...)`, probes with
`@probe(covers=...)`; the built-in checks of schemathesis are listed here, since their rules are
the spec's schema as a whole. A cover is a rule id or an `fnmatch` pattern of ids. A server rule
that nothing covers is a gap; `make fuzz` prints how many there are.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import cache

from fuzzing.checks import CHECKS, Need
from fuzzing.contract_rules.reading import DECISIONS_PATH, Rule, all_rules
from fuzzing.facts import contract
from fuzzing.probes import PROBES, SETUP

FUZZ = "fuzz"
PASSIVE = ("fuzz", "proxy", "recorded")
"""Modes: `make fuzz`; and a passive observer of live (proxy) or recorded traffic, which has
every exchange and a ledger but cannot send a request of its own."""

_REQUEST_SCHEMAS = ("request:*",)
"""Every constraint the spec states on a request: parameters and bodies (not the body's size in
bytes, which JSON Schema cannot state: `body:size`)."""


@dataclass(frozen=True)
class Judge:
    """Something that fails when a server breaks a rule: its name, kind, rules and modes."""

    name: str
    kind: str  # "check", "probe" or "schemathesis"
    covers: tuple[str, ...]
    modes: tuple[str, ...] = (FUZZ,)

    def judges(self, rule: Rule) -> bool:
        return any(fnmatchcase(rule.id, pattern) for pattern in self.covers)


BUILTINS: tuple[Judge, ...] = (
    Judge("not_a_server_error", "schemathesis", ("status:*:500",)),
    Judge("status_code_conformance", "schemathesis", ("status:*",)),
    Judge("content_type_conformance", "schemathesis", ("status:*", "D8")),
    Judge("response_headers_conformance", "schemathesis", ("header:*",)),
    Judge("response_schema_conformance", "schemathesis", ("response:*", "D4", "D9")),
    Judge("negative_data_rejection", "schemathesis", (*_REQUEST_SCHEMAS, "status:*:400", "D7")),
    Judge("positive_data_acceptance", "schemathesis", (*_REQUEST_SCHEMAS, "D3", "D4")),
    Judge("unsupported_method", "schemathesis", ("D15",)),
    Judge("ignored_auth", "schemathesis", ("D6", "status:*:401")),
    Judge("ensure_resource_availability", "schemathesis", ("D1",)),
)
"""schemathesis's own checks (all enabled in `schemathesis.toml`), with the rules they judge."""


def judges() -> list[Judge]:
    """The custom checks, the probes and schemathesis's built-ins, in that order."""
    checks = [
        Judge(
            check.name,
            "check",
            check.covers,
            (FUZZ,) if Need.ACTIVE_READ in check.needs else PASSIVE,
        )
        for check in CHECKS.values()
    ]
    probes = [Judge(probe.name, "probe", probe.covers) for probe in (SETUP, *PROBES)]
    return [*checks, *probes, *BUILTINS]


@cache
def rules() -> tuple[Rule, ...]:
    """The contract's rules: the spec's, then the decisions'."""
    return tuple(all_rules(contract().document, DECISIONS_PATH.read_text(encoding="utf-8")))


def judges_of(rule: Rule, among: Iterable[Judge]) -> list[Judge]:
    return [judge for judge in among if judge.judges(rule)]


def gaps(among: Sequence[Rule] | None = None) -> list[Rule]:
    """The server rules that no check, probe or built-in judges."""
    everyone = judges()
    return [rule for rule in (among or rules()) if rule.server and not judges_of(rule, everyone)]


def unmatched(everyone: Iterable[Judge], among: Sequence[Rule]) -> list[tuple[str, str]]:
    """(judge, pattern) for each cover that names no rule: a typo, or a rule that went away."""
    return [
        (judge.name, pattern)
        for judge in everyone
        for pattern in judge.covers
        if not any(fnmatchcase(rule.id, pattern) for rule in among)
    ]
