"""Rules across requests: a run's `ETag` is the version of what it holds.

`If-Match` protects an update only if a run that changed has a new `ETag` (RFC 9110 §8.8.1, a
strong validator changes with the representation; D12). A run that did not change may keep its
`ETag` or get a new one: the contract leaves that free.
"""

from __future__ import annotations

from fuzzing.checks.base import fail, update_route
from fuzzing.checks.evidence import Evidence, Need
from fuzzing.checks.registry import contract_check
from fuzzing.comparison import properties, short, unchanged


@contract_check(Need.LEDGER, covers=("D12", "header:ETag"))
def etag_tracks_changes(evidence: Evidence) -> None:
    """A 200 to Update run that changed the run carries an `ETag` other than the run's last."""
    exchange = evidence.exchange
    run = exchange.response_json
    if update_route(exchange) is None or exchange.status != 200 or not isinstance(run, dict):
        return
    before = evidence.ledger()
    etag = exchange.response_header("etag")
    if before.state is None or before.etag is None or etag != before.etag:
        return
    was, now = properties(before.state), properties(run)
    changed = [
        f"`{name}`: {short(was.get(name))} -> {short(now.get(name))}"
        for name in sorted(set(was) | set(now))
        if name not in was or name not in now or not unchanged(name, was[name], now[name])
    ]
    if changed:
        fail(
            f"The run changed, but its `ETag` stayed {etag}",
            exchange,
            [*changed, "a stale `If-Match` could then overwrite this update"],
        )
