"""Rules about a run's versions across requests: its `ETag` is the version of what it holds, and
a conditional update applies only to the version it names.

`If-Match` protects an update only if a run that changed has a new `ETag` (RFC 9110 §8.8.1, a
strong validator changes with the representation; D12). A run that did not change may keep its
`ETag` or get a new one, on any PATCH (D36): so "the run's `ETag`" is the one of the last
answer before the request, a read's included, and only a changed run with an unchanged `ETag`
fails.
"""

from __future__ import annotations

from fuzzing.checks.evidence import Evidence, Need
from fuzzing.checks.registry import contract_check
from fuzzing.checks.rule_helpers import fail, update_route
from fuzzing.comparison import properties, short, unchanged


def _opaque(tag: str) -> str:
    """An entity tag without its weakness mark: `W/"3"` and `"3"` compare alike here, so that
    no server is faulted for the comparison it chose (RFC 9110 §8.8.3.2)."""
    tag = tag.strip()
    return tag[2:] if tag.startswith("W/") else tag


@contract_check(Need.LEDGER, covers=("D12", "status:update*:412", "request:parameter.If-Match:*"))
def if_match_honoured(evidence: Evidence) -> None:
    """An update with `If-Match` succeeds only if it names the run's current `ETag` (or `*`).

    Judged where the mode knows the run's `ETag` as the last answer before the request gave it
    (the passive observer keeps the last one it saw; the ledger's reads record theirs); a stale
    one applied is a lost update, which the contract answers 412.
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
