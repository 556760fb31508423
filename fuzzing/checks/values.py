"""Rules about what a request may set: only the properties the schema names, never the sentinel."""

from __future__ import annotations

from fuzzing.checks.evidence import Evidence
from fuzzing.checks.registry import contract_check
from fuzzing.checks.rule_helpers import fail, sent_object
from fuzzing.facts import contract


@contract_check(covers=("D7", "request:*:closed"))
def unknown_properties_rejected(evidence: Evidence) -> None:
    """A body with properties the schema does not name (the read-only `id` too) is refused."""
    exchange = evidence.exchange
    route = exchange.route
    sent = sent_object(exchange)
    if route is None or sent is None or not 200 <= exchange.status < 300:
        return
    unknown = sorted(set(sent) - contract().body_properties(route.operation, sent))
    error = sent.get("blockingError")
    if isinstance(error, dict):
        nested = set(error) - contract().nested_error_properties
        unknown += sorted(f"blockingError.{name}" for name in nested)
    problems = [f"unknown property `{name}` was accepted" for name in unknown]
    fail("Unknown properties accepted", exchange, problems)


@contract_check(covers=("D5", "request:runStatusInput:enum"))
def sentinel_status_rejected(evidence: Evidence) -> None:
    """The evolvable-enum sentinel (`unknownFutureValue`) may be returned, never set."""
    exchange = evidence.exchange
    sent = sent_object(exchange)
    if exchange.route is None or sent is None or not 200 <= exchange.status < 300:
        return
    status = sent.get("status")
    if isinstance(status, str) and status in contract().sentinel_statuses:
        fail("The sentinel status was accepted", exchange, [f"`status` {status!r} was accepted"])
