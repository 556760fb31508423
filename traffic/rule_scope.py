"""Which checks apply to which operation, so that a traffic report counts a rule only where it
could fail: `no_body_on_204` is no rule of Update run, `if_match_honoured` none of Add run.

A check says what it judges in its `covers` (the rule table's ids): a status of an operation
(`status:addRun:204`, `status:*:4*`), a header (`header:ETag`) or a header parameter
(`request:parameter.If-Match:*`). It applies to an operation that declares one of them; a check
whose covers name none of these (a body rule, a decision alone) applies to every operation, and so
does a rule that is no check (spec validation, drift's rules).
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from functools import cache

from contract.api import Operation
from fuzzing.checks import CHECKS
from fuzzing.facts import contract


@cache
def operation_of(label: str) -> Operation | None:
    """The documented operation a report's label (`PATCH /path`) names, if any."""
    return next((op for op in contract().operations.values() if op.label == label), None)


def _declares_status(operation: Operation, pattern: str) -> bool:
    return any(
        fnmatchcase(key, pattern) or key == f"{pattern[:1]}XX" for key in operation.responses
    )


def _headers(operation: Operation) -> set[str]:
    sent = {p.name.lower() for p in operation.parameters if p.location == "header"}
    answered = {name for response in operation.responses.values() for name in response.headers}
    return sent | answered


def _part(cover: str, operation: Operation) -> bool | None:
    """Whether `operation` has the part `cover` names; None when `cover` names no such part."""
    kind, _, rest = cover.partition(":")
    if kind == "status":
        operations, _, status = rest.partition(":")
        return fnmatchcase(operation.operation_id, operations) and _declares_status(
            operation, status
        )
    if kind == "header":
        return rest.lower() in _headers(operation)
    if kind == "request" and rest.startswith("parameter."):
        return rest.removeprefix("parameter.").partition(":")[0].lower() in _headers(operation)
    return None


def applies(rule: str, label: str) -> bool:
    """Whether the rule named `rule` can fail on the operation labelled `label`."""
    check = CHECKS.get(rule)
    operation = operation_of(label)
    if check is None or operation is None:
        return True
    parts = [found for cover in check.covers if (found := _part(cover, operation)) is not None]
    return not parts or any(parts)
