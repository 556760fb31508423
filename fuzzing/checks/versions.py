"""Rules about a run's versions: a conditional update applies only to the version it names."""

from __future__ import annotations

from fuzzing.checks.base import fail, update_route
from fuzzing.checks.evidence import Evidence, Need
from fuzzing.checks.registry import contract_check


def _opaque(tag: str) -> str:
    """An entity tag without its weakness mark: `W/"3"` and `"3"` compare alike here, so that
    no server is faulted for the comparison it chose (RFC 9110 §8.8.3.2)."""
    tag = tag.strip()
    return tag[2:] if tag.startswith("W/") else tag


@contract_check(Need.LEDGER)
def if_match_honoured(evidence: Evidence) -> None:
    """An update with `If-Match` succeeds only if it names the run's current `ETag` (or `*`).

    Judged where the mode knows the run's `ETag` before the request (the passive observer keeps
    the last one it saw); a stale one applied is a lost update, which the contract answers 412.
    """
    exchange = evidence.exchange
    condition = exchange.request_header("if-match")
    if update_route(exchange) is None or condition is None or not 200 <= exchange.status < 300:
        return
    tags = {_opaque(tag) for tag in condition.split(",")}
    current = evidence.ledger().etag
    if "*" in tags or current is None or _opaque(current) in tags:
        return
    fail(
        "An update with a stale If-Match was applied",
        exchange,
        [
            f"`If-Match` was {condition!r}, while the run's `ETag` was {current!r}; "
            "the contract answers 412 and changes nothing"
        ],
    )
