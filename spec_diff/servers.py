"""Servers: the base URLs the contract promises a service at.

A server marked `x-internal` (the loopback reference server of `make serve`) is no part of the
contract: `make publish` leaves it out of the bundle (D23), so it is not compared either. A client
configured with a removed server's URL no longer reaches the API through the contract: breaking.
"""

from __future__ import annotations

from collections.abc import Iterator

from spec_diff.changes import Change, Spec, fixed
from spec_diff.resolve import as_list, as_mapping


def server_changes(base: Spec, rev: Spec) -> Iterator[Change]:
    """Servers of the contract added or removed, by URL."""
    old, new = _urls(base), _urls(rev)
    for url in sorted(old - new):
        yield fixed("local-api-server-removed", "servers", "/servers", f"server {url!r} removed")
    for url in sorted(new - old):
        yield fixed("local-api-server-added", "servers", "/servers", f"server {url!r} added")


def _urls(spec: Spec) -> set[str]:
    return {
        str(server.get("url", "")).rstrip("/")
        for server in map(as_mapping, as_list(spec.get("servers")))
        if server.get("x-internal") is not True
    }
