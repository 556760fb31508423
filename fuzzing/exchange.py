"""One request and its response, as the checks see them, whoever sent the request.

schemathesis responses and the probes' httpx responses both become an `Exchange`, so every
check judges a fuzzed case and a hand-written probe the same way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from fuzzing.exact_json import loads
from fuzzing.facts import contract

if TYPE_CHECKING:
    import httpx
    from schemathesis import Response

_JSON_MEDIA_TYPE = re.compile(r"^application/json\s*(;.*)?$", re.IGNORECASE)
ADD_RUN = "addRun"
UPDATE_RUN = "updateRun"
UPDATE_PROCESS_RUN = "updateProcessRun"

RunKey = tuple[str, str]
"""A run, as (incoming flow id, run id)."""


class NotJson:
    """Marks a body that is absent or not JSON (a sentinel distinct from JSON `null`)."""

    def __repr__(self) -> str:
        return "NOT_JSON"


NOT_JSON = NotJson()


@dataclass(frozen=True)
class Route:
    """The operation a URL addresses and the ids in its path."""

    operation: str
    flow: str
    run: str
    process_run: str | None
    base_url: str

    @property
    def target(self) -> RunKey:
        """The run the request reads or changes (for Add run: the run whose process grows)."""
        if self.process_run is not None:
            return (self.flow, self.process_run)
        return (self.flow, self.run)

    @property
    def own(self) -> Route:
        """Update run of the target, at the run's own URL (not through a process)."""
        flow, run = self.target
        return Route(UPDATE_RUN, flow, run, None, self.base_url)

    @property
    def process_of(self) -> str | None:
        """The run whose process this route goes through (Update process run), or None."""
        return self.run if self.operation == UPDATE_PROCESS_RUN else None


def route_of(url: str) -> Route | None:
    """Which of the API's paths `url` names (at any base path), or None for any other URL.

    The path is found by the contract core, as the server and the traffic checker find it; the
    ids are the path's parameters by the names the spec gives them.
    """
    found = contract().locate(None, url)
    if found is None or found.operation is None:
        return None
    parts = urlsplit(url)
    flow, run = found.values.get("incomingFlowId"), found.values.get("runId")
    if flow is None or run is None:
        return None  # a path of the spec that names no run: none of the run operations
    return Route(
        operation=found.operation.operation_id,
        flow=flow,
        run=run,
        process_run=found.values.get("processRunId"),
        base_url=f"{parts.scheme}://{parts.netloc}{found.base}",
    )


def _parse(content: bytes | None) -> Any:
    if not content:
        return NOT_JSON
    try:
        return loads(content)
    except (ValueError, RecursionError):  # nested deeper than the parser's stack: not judged
        return NOT_JSON


@dataclass(frozen=True)
class Exchange:
    """A request as it went over the wire and the response that came back."""

    method: str
    url: str
    request_headers: Mapping[str, str]
    request_body: bytes | None
    status: int
    response_headers: Mapping[str, str]
    response_body: bytes
    _cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(
        cls,
        *,
        method: str,
        url: str,
        request_headers: Mapping[str, str],
        request_body: bytes | str | None,
        status: int,
        response_headers: Mapping[str, str],
        response_body: bytes,
    ) -> Exchange:
        """An exchange with header names lower-cased, so lookups ignore case as HTTP does."""
        body = request_body.encode() if isinstance(request_body, str) else request_body
        return cls(
            method=method.upper(),
            url=url,
            request_headers={name.lower(): value for name, value in request_headers.items()},
            request_body=body,
            status=status,
            response_headers={name.lower(): value for name, value in response_headers.items()},
            response_body=response_body,
        )

    @property
    def route(self) -> Route | None:
        if "route" not in self._cache:
            self._cache["route"] = route_of(self.url)
        route: Route | None = self._cache["route"]
        return route

    @property
    def request_json(self) -> Any:
        """The request body parsed as JSON, or `NOT_JSON`."""
        if "request_json" not in self._cache:
            self._cache["request_json"] = _parse(self.request_body)
        return self._cache["request_json"]

    @property
    def response_json(self) -> Any:
        """The response body parsed as JSON, or `NOT_JSON`."""
        if "response_json" not in self._cache:
            self._cache["response_json"] = _parse(self.response_body)
        return self._cache["response_json"]

    def request_header(self, name: str) -> str | None:
        return self.request_headers.get(name.lower())

    def response_header(self, name: str) -> str | None:
        return self.response_headers.get(name.lower())

    @property
    def answered_json(self) -> bool:
        """Whether the response's media type is `application/json`, with any parameters (OData
        adds `odata.metadata=minimal` and others)."""
        media_type = self.response_header("content-type")
        return media_type is not None and _JSON_MEDIA_TYPE.match(media_type) is not None

    @property
    def location(self) -> str | None:
        """The absolute URL the response's `Location` names (for a 204 to Add run: the new run)."""
        location = self.response_header("location")
        return urljoin(self.url, location) if location else None

    @property
    def location_route(self) -> Route | None:
        """Which of the API's paths `Location` names, or None."""
        location = self.location
        return route_of(location) if location else None

    def describe(self) -> str:
        """A one-line summary for failure messages."""
        return f"{self.method} {self.url} -> {self.status}"


def exchange_of(response: Response) -> Exchange:
    """The exchange a schemathesis response records."""
    request = response.request
    return Exchange.build(
        method=request.method or "GET",
        url=request.url or "",
        request_headers={
            name: value.decode("latin-1") if isinstance(value, bytes) else value
            for name, value in request.headers.items()
        },
        request_body=request.body if isinstance(request.body, bytes | str) else None,
        status=response.status_code,
        response_headers={name: ", ".join(values) for name, values in response.headers.items()},
        response_body=response.content,
    )


def exchange_answered(response: httpx.Response, url: str, request_body: bytes | None) -> Exchange:
    """The exchange an httpx answer to a request for `url` records. `url` is kept as the caller
    wrote it (httpx normalizes host case, default ports and non-ASCII); `request_body` is what
    was sent, since a streamed body cannot be read back from the request."""
    return Exchange.build(
        method=response.request.method,
        url=url,
        request_headers=dict(response.request.headers),
        request_body=request_body,
        status=response.status_code,
        response_headers=dict(response.headers),
        response_body=response.content,
    )
