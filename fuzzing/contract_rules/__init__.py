"""The contract's rules and what judges each: the rule table of `fuzzing/README.md`.

`reading` reads the rules from `openapi.yaml` and `docs/decisions.md`; `coverage` says which
check, probe or schemathesis built-in would fail if a server broke each one, and which rules
nothing judges (the gaps). `make rules` (`bug_zoo.rule_table`) adds the zoo variant that
proves each rule and writes the table (the zoo may import the harness, not the other way round).
"""

from __future__ import annotations

from fuzzing.contract_rules.coverage import (
    BUILTINS,
    Judge,
    gaps,
    judges,
    judges_of,
    rules,
    unmatched,
)
from fuzzing.contract_rules.reading import Rule, all_rules, decision_rules, spec_rules

__all__ = [
    "BUILTINS",
    "Judge",
    "Rule",
    "all_rules",
    "decision_rules",
    "gaps",
    "judges",
    "judges_of",
    "rules",
    "spec_rules",
    "unmatched",
]
