"""The `@odata.id` of Add run's reference body: which run of which flow the URL names.

An OData entity reference is the absolute URL of the entity, as Graph's SDKs send it to every
`$ref` endpoint. Here it names a run when its scheme and authority are this service's (as the
request reached it) or those of one of the contract's production servers (the spec's `servers` not
marked `x-internal`: never the loopback dev server, unless the request reached it there), and its
path is that base path followed by `/industryData/incomingFlows/{flow}/runs/{id}`. Anything else
is malformed (decision D17): a relative URL, another host or base path, a query or fragment, any
other path, an empty or dot segment. Whether each id is one the service accepts is the caller's to
check, with the same path parameter schemas as every other request.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from contract.api import origin

COLLECTION = ("industryData", "incomingFlows")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


@dataclass(frozen=True)
class RunReference:
    """The run a reference names: its flow's id and its own id, percent-decoded."""

    flow_id: str
    run_id: str


class MalformedReferenceError(ValueError):
    """The URL names no run at this service; `message` says why, for the caller."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def production_bases(document: Mapping[str, Any]) -> list[str]:
    """The absolute URLs of the published contract's servers: the spec's `servers` that are not
    marked `x-internal` (those stay out of the published bundle), and not relative ones (which
    name no other host)."""
    bases = []
    for server in document.get("servers") or []:
        if not isinstance(server, Mapping) or server.get("x-internal") is True:
            continue
        url = server.get("url")
        if isinstance(url, str) and urlsplit(url).netloc:
            bases.append(url)
    return bases


def parse_reference(url: str, bases: Iterable[str]) -> RunReference:
    """The run `url` names under one of `bases` (absolute base URLs, such as `.../beta`).

    Raises `MalformedReferenceError` for a URL that names no run at any of the bases.
    """
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        raise MalformedReferenceError("'@odata.id' must be the absolute URL of a run.")
    if parts.query or parts.fragment or "?" in url or "#" in url:
        raise MalformedReferenceError("'@odata.id' names a run: it has no query or fragment.")
    named = origin(url)
    for base in bases:
        base_parts = urlsplit(base)
        if named is None or named != origin(base):
            continue
        prefix = base_parts.path.rstrip("/") + "/"
        if parts.path.startswith(prefix):
            return _run_path(parts.path[len(prefix) :].split("/"))
    raise MalformedReferenceError(
        "'@odata.id' must name a run at this service (its scheme, host and base path, such as "
        "https://graph.microsoft.com/beta)."
    )


def _run_path(segments: list[str]) -> RunReference:
    """`industryData/incomingFlows/{flow}/runs/{id}`, each segment percent-decoded."""
    shape = len(segments) == 5 and tuple(segments[:2]) == COLLECTION and segments[3] == "runs"
    if not shape or any(segment in ("", ".", "..") for segment in segments):
        raise MalformedReferenceError(
            "'@odata.id' must be the URL of a run: "
            ".../industryData/incomingFlows/{incomingFlowId}/runs/{id}."
        )
    if any(_BAD_ESCAPE.search(segment) for segment in segments):
        # `unquote` would keep `%zz` as it is, and the id would name a run that cannot exist.
        raise MalformedReferenceError(
            "'@odata.id' has a '%' that is not a percent-escape (RFC 3986: '%' and two hex digits)."
        )
    try:
        flow_id, run_id = (unquote(segments[i], errors="strict") for i in (2, 4))
    except UnicodeDecodeError:
        raise MalformedReferenceError("'@odata.id' has an id that is not UTF-8.") from None
    if {flow_id, run_id} & {".", ".."}:
        # `%2e%2e` is a dot segment too (RFC 3986 §2.3): never resolved, never an id (D11).
        raise MalformedReferenceError("'@odata.id' has a dot segment ('.' or '..') for an id.")
    return RunReference(flow_id=flow_id, run_id=run_id)
