"""Rules about linking by reference that the request alone decides (D17, D23).

Whether an `@odata.id` may be linked depends only on the URL and the request: its host and base
path, the flow, whether it names the parent. A reference the contract links that is refused with
400 is a failure, judged from the one exchange (the other way round, a reference the contract
refuses that is answered 2xx, is `linked_run_reachable`'s). Only references at the contract's
production servers are judged here: those are the service's by the contract wherever it runs,
while its own origin is whatever the request reached, which a proxy or a gateway between client
and service may have changed.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote, urlsplit

from fuzzing.checks.evidence import Evidence
from fuzzing.checks.registry import contract_check
from fuzzing.checks.rule_helpers import fail, sent_object
from fuzzing.checks.runs import reference_refusal
from fuzzing.exchange import ADD_RUN, Exchange, route_of
from fuzzing.facts import REFERENCE, contract

_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
"""A `%` that does not start a percent-escape."""


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    names = [name for name, _ in pairs]
    if len(set(names)) != len(names):
        raise ValueError("a member name is repeated")
    return dict(pairs)


def _well_formed_json(body: bytes | None) -> bool:
    """Whether the body is JSON the contract reads as sent: no repeated member names (D15)."""
    try:
        json.loads(body or b"", object_pairs_hook=_unique_members)
    except ValueError:
        return False
    return True


def _plain_url(url: str) -> bool:
    """Whether nothing in `url` itself is malformed: text, escapes, segments (D11, D15, D17)."""
    try:
        url.encode("utf-8")
    except UnicodeEncodeError:
        return False  # a lone surrogate (D38)
    parts = urlsplit(url)
    if "?" in url or "#" in url or _ESCAPE.search(parts.path):
        return False
    segments = parts.path.split("/")[1:]
    try:
        decoded = [unquote(segment, errors="strict") for segment in segments]
    except UnicodeDecodeError:
        return False
    return all(segment not in ("", ".", "..") for segment in [*segments, *decoded])


def linkable_production_reference(exchange: Exchange) -> str | None:
    """The `@odata.id` of an Add run request the contract links (204) or answers 404 when the run
    does not exist, named at one of the production servers; None for any other request."""
    route = exchange.route
    sent = sent_object(exchange)
    if route is None or route.operation != ADD_RUN or sent is None or set(sent) != {REFERENCE}:
        return None
    url = sent[REFERENCE]
    if not isinstance(url, str) or not _plain_url(url):
        return None
    named = route_of(url)
    # At a server URL as the spec writes it: the same URL in other case or with its default port
    # may be linked or refused (D17), so only the spelling the spec gives is held to a link.
    if named is None or named.base_url not in contract().server_urls():
        return None
    if reference_refusal(route, url) is not None or not _well_formed_json(exchange.request_body):
        return None
    found = contract().locate(exchange.method, exchange.url)
    if found is None or found.operation is None:
        return None
    problems = found.operation.request_problems(
        found.values,
        exchange.request_header,
        exchange.request_body or b"",
        lambda: exchange.request_json,
    )
    return None if problems else url


@contract_check(covers=("D17", "D23", "status:addRun:204"))
def reference_not_refused(evidence: Evidence) -> None:
    """A reference at the contract's production server to a run of the same flow, not the
    parent, is linked (204) or, for a run that does not exist, 404: never refused with 400."""
    exchange = evidence.exchange
    route = exchange.route
    url = linkable_production_reference(exchange) if exchange.status == 400 else None
    if route is None or url is None:
        return
    fail(
        "Add run refused a reference the contract links",
        exchange,
        [
            f"`{REFERENCE}` {url!r} names a run of flow {route.flow!r} (not the parent) "
            "at the contract's production server: D17 and D23 link it (204), or 404 if no "
            "such run exists"
        ],
    )
