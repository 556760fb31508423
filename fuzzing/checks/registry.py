"""`@contract_check`: one rule, registered once, under one name, with every mode that runs it.

The decorated function's name is the check's name everywhere: in schemathesis's failures, the
probes' findings and (later) the proxy's and traffic checker's reports. The decorator registers
the rule in `CHECKS` (which the prober and passive observers read) and with schemathesis, through
an adapter that builds the rule's `Evidence` from the run ledger of this process.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from fuzzing.checks.evidence import Evidence, Need, NeedUnmetError
from fuzzing.checks.schemathesis_adapter import register_with_schemathesis

CheckFunction = Callable[[Evidence], None]
"""What a check runs, one contract rule: returns when the exchange keeps it, raises
`AssertionError` saying why not."""


@dataclass(frozen=True)
class Verdict:
    """What one check made of one exchange: passed, failed (with why) or skipped (with what for)."""

    check: str
    failure: str | None = None
    skipped: Need | None = None

    @property
    def passed(self) -> bool:
        return self.failure is None and self.skipped is None

    def __str__(self) -> str:
        if self.failure is not None:
            return f"{self.check}: {self.failure}"
        if self.skipped is not None:
            return f"{self.check}: skipped: needs {self.skipped.value}"
        return f"{self.check}: passed"


@dataclass(frozen=True)
class ContractCheck:
    """A registered rule, its name, what it needs besides the exchange, and the contract rules
    (ids of the rule table, `fnmatch` patterns allowed) it would fail on if a server broke them."""

    name: str
    rule: CheckFunction
    needs: frozenset[Need]
    covers: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        """The first line of the rule's docstring."""
        return (self.rule.__doc__ or "").strip().splitlines()[0]

    def __call__(self, evidence: Evidence) -> None:
        """Apply the rule: `AssertionError` if broken, `NeedUnmetError` if it cannot be judged."""
        self.rule(replace(evidence, declared=self.needs))

    def judge(self, evidence: Evidence) -> Verdict:
        """Apply the rule and say what came of it."""
        try:
            self(evidence)
        except AssertionError as error:
            return Verdict(self.name, failure=str(error))
        except NeedUnmetError as unmet:
            return Verdict(self.name, skipped=unmet.need)
        return Verdict(self.name)


CHECKS: dict[str, ContractCheck] = {}
"""Every registered check by name, in the order they were registered (and so run)."""


def contract_check(
    *needs: Need, covers: Iterable[str] = ()
) -> Callable[[CheckFunction], ContractCheck]:
    """Register the decorated rule under its function's name; `needs`: what it uses beyond the
    exchange (none, `Need.LEDGER`, `Need.ACTIVE_READ`), so each mode knows whether it can run it;
    `covers`: the ids of the rule table it judges (`make rules`).
    """

    def register(rule: CheckFunction) -> ContractCheck:
        name = rule.__name__
        if name in CHECKS and CHECKS[name].rule.__module__ != rule.__module__:
            raise ValueError(f"a check named {name!r} is already registered")
        check = ContractCheck(name=name, rule=rule, needs=frozenset(needs), covers=tuple(covers))
        register_with_schemathesis(check)
        CHECKS[name] = check
        return check

    return register


def runnable(available: Iterable[Need] = ()) -> list[ContractCheck]:
    """The checks that need nothing beyond the exchange and `available`, in registration order."""
    supplied = frozenset(available)
    return [check for check in CHECKS.values() if check.needs <= supplied]
