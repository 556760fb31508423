"""The registry of the project's lint rules: a rule is a plain function `check_x(spec)` that
returns `Problem`s, registered with `@register` and run in the order of registration."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from contract.refs import Pointer, render_pointer

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

REQUIRED_ERROR_STATUSES = (
    *("400", "401", "403", "404", "413", "415", "429", "500", "503"),
    *("4XX", "5XX"),
)
"""Every operation can meet each of these, so each must document it (issue 2); `4XX` and `5XX`
give every other error status its model, the OData error (issue 20)."""

BODILESS_STATUSES = ("204", "304")
"""RFC 9110 15.3.5 and 15.4.5: these responses never carry content."""

ERROR_SCHEMA_REF = "#/components/schemas/ODataError"
WEAKLY_TYPED = "x-weakly-typed"
"""`true` on an object schema that is open on purpose (runStatistics: "any JSON object")."""

SENTINEL = "unknownFutureValue"


@dataclass(frozen=True)
class Problem:
    """One problem, at `pointer` in the spec."""

    pointer: Pointer
    message: str

    @property
    def where(self) -> str:
        return render_pointer(self.pointer)


Check = Callable[[Mapping[str, Any]], list[Problem]]
CHECKS: list[Check] = []


def register(check: Check) -> Check:
    """Add `check` to the checks `run_checks` runs, in the order of definition."""
    CHECKS.append(check)
    return check


def run_checks(spec: Mapping[str, Any], checks: list[Check] | None = None) -> list[Problem]:
    """Every problem every check finds, in check order."""
    problems: list[Problem] = []
    for check in CHECKS if checks is None else checks:
        problems.extend(check(spec))
    return problems
