"""Probes of the host Add run's answer names: never one the request chose.

`Location` and `OData-EntityId` name the run at the service (D1): its own scheme and host, which
a client cannot choose. A service that builds them from the request's `Host` or
`X-Forwarded-Host` hands an attacker's host to every client that follows them (a cache poisoned
by one request, a link in a log). The probe sends a name under `.invalid` (RFC 6761: it is never
any service's) in `X-Forwarded-Host`, then in `Host` itself. A front that routes by `Host` may
refuse the second as it likes: only a `204` is judged, and nothing else of that answer.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import httpx

from fuzzing.exchange import Exchange, exchange_answered
from fuzzing.probes.prober import Prober, StoppedError, as_json, new_run, probe
from fuzzing.retry import patiently

FOREIGN = "foreign-host.invalid"
"""A host no service is reached by (RFC 6761 §6.4), so naming it is always a reflection."""

_CHECK = "location_names_own_host"
_NAMING = {"location": "Location", "odata-entityid": "OData-EntityId"}


def _named_foreign(prober: Prober, exchange: Exchange, sent: str) -> None:
    """A finding for each header of a 204 to Add run that names the foreign host."""
    if exchange.status != 204:
        return
    for name, spelled in _NAMING.items():
        value = exchange.response_header(name)
        if value and (urlsplit(urljoin(exchange.url, value)).hostname or "") == FOREIGN:
            prober.report(
                _CHECK,
                exchange,
                f"`{spelled}` is {value!r}: it names the host the "
                f"request sent in {sent}, not the service's own",
            )


def _with_foreign_host(prober: Prober, url: str, body: bytes) -> Exchange | None:
    """Add run with `Host` itself foreign: sent past the checks, as only a 204 is judged; None
    when the front closed the connection without an answer (nginx's `return 444`, a load
    balancer that routes by `Host`), which is its right."""
    if prober.stop.is_set():
        raise StoppedError
    headers = {
        "Authorization": f"Bearer {prober.target.token}",
        "Content-Type": "application/json",
        "Host": FOREIGN,
        "X-Forwarded-Host": FOREIGN,
    }
    prober.outcome.requests += 1
    try:
        response = patiently(
            lambda: prober.client.request("POST", url, content=body, headers=headers)
        )
    except httpx.TransportError:
        return None
    return exchange_answered(response, url, body)


@probe(order=75, covers=("D1", "header:Location", "header:OData-EntityId"))
def foreign_host(prober: Prober) -> None:
    """Add run's `Location` and `OData-EntityId` never name a host the request sent."""
    url = prober.add_url
    body = as_json(new_run(displayName="probe: a foreign Host"))
    refused_or_answered = _with_foreign_host(prober, url, body)
    if refused_or_answered is not None:
        _named_foreign(prober, refused_or_answered, "`Host`")
    forwarded = {"X-Forwarded-Host": FOREIGN, "X-Forwarded-Proto": "https"}
    body = as_json(new_run(displayName="probe: a foreign X-Forwarded-Host"))
    exchange = prober.send("POST", url, body, headers=forwarded)
    if prober.expect(exchange, {204}, "add_run_created", "a valid new run"):
        _named_foreign(prober, exchange, "`X-Forwarded-Host`")
