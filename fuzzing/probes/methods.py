"""Probes of the methods each path lacks: 405 with `Allow`, as an OData error.

schemathesis's coverage phase tries other methods too; these try each one on each path in every
run, and see that `Allow` names the method the path has.
"""

from __future__ import annotations

from fuzzing.probes.prober import NEVER_APPLIED_BODY, Prober, probe

_METHODS = ("GET", "PUT", "DELETE", "POST", "PATCH")


@probe(order=10, covers=("D15",))
def methods(prober: Prober) -> None:
    """Methods a path does not have are 405 with `Allow`, an OData error like any other."""
    paths = [(prober.add_url, "POST"), *((url, "PATCH") for url, _ in prober.runs)]
    for url, allowed in paths:
        for method in _METHODS:
            if method == allowed:
                continue
            body = None if method in ("GET", "DELETE") else NEVER_APPLIED_BODY
            exchange = prober.send(method, url, body)
            what = f"{method} on a {allowed} path"
            if prober.expect(exchange, {405}, "method_not_allowed", what):
                allow = exchange.response_header("allow") or ""
                if allowed not in {part.strip().upper() for part in allow.split(",")}:
                    prober.report("method_not_allowed", exchange, f"`Allow` is {allow!r}")
