"""The forwarding half of `make proxy`: an ASGI app on uvicorn that streams each request to the
target with aiohttp's client and streams the answer back, keeping a copy for the checker.

What goes through is what came in: method, path and query as sent (percent-encoding untouched),
headers in their order and repeats (`Host` too, so that a target that names itself by it keeps
the client behind the proxy), body bytes, status and response headers. Only what RFC 9110
§7.6.1 makes hop-by-hop is dropped, and each side frames its own message: a body with a
`Content-Length` keeps it, one without goes chunked. Nothing waits for a check: the copy goes to
the checker's queue after the exchange, which the checks never hold up or change.

Stack: chosen by measurement (BENCHMARKS.md, proxy section; the prototypes compared in the
issue-14 notes): uvicorn serves as the reference server does, and aiohttp's client forwards
about four times faster than httpx's here.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import aiohttp
from starlette.types import Message, Receive, Scope, Send
from yarl import URL

from traffic.capture import Body, Captured, Headers
from traffic.seen import NOT_HTTP

# RFC 9110 §7.6.1: the connection's own fields, plus those `Connection` names.
HOP_BY_HOP = frozenset(
    {"connection", "proxy-connection", "keep-alive", "te", "transfer-encoding", "upgrade"}
)
DEFAULT_CAPTURE_BYTES = 1 << 20


def hop_by_hop(headers: Headers) -> frozenset[str]:
    """The header names this hop consumes: the fixed set and those listed in `Connection`."""
    named = {
        token.strip().lower()
        for name, value in headers
        if name.lower() == "connection"
        for token in value.split(",")
    }
    return HOP_BY_HOP | named


def end_to_end(headers: Headers) -> Headers:
    """`headers` without the hop-by-hop ones, order and repeats kept."""
    dropped = hop_by_hop(headers)
    return [(name, value) for name, value in headers if name.lower() not in dropped]


def _text_headers(raw: Any) -> Headers:
    return [(name.decode("latin-1"), value.decode("latin-1")) for name, value in raw]


class Forwarder:
    """The ASGI app: forwards to `origin` (scheme://host:port) and hands each exchange to `sink`."""

    def __init__(
        self,
        origin: str,
        sink: Callable[[Captured], None],
        *,
        rewrite_host: bool = False,
        capture_bytes: int = DEFAULT_CAPTURE_BYTES,
    ) -> None:
        self.origin = origin.rstrip("/")
        self.sink = sink
        self._open: dict[int, float] = {}
        self.rewrite_host = rewrite_host
        self.capture_bytes = capture_bytes
        self.session: aiohttp.ClientSession | None = None
        self.count = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            await self._forward(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.session = aiohttp.ClientSession(
                    connector=aiohttp.TCPConnector(limit=0, force_close=False),
                    timeout=aiohttp.ClientTimeout(total=None, sock_connect=10),
                    auto_decompress=False,
                    skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding", "Content-Type"),
                    cookie_jar=aiohttp.DummyCookieJar(),
                )
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.session is not None:
                    await self.session.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _forward(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert self.session is not None
        index = self.count
        self.count += 1
        started, started_at = time.monotonic(), datetime.now(UTC).isoformat()
        self._open[index] = started
        raw_headers = _text_headers(scope["headers"])
        headers = end_to_end(raw_headers)
        host = next((value for name, value in raw_headers if name.lower() == "host"), "")
        if self.rewrite_host:
            headers = [(n, v) for n, v in headers if n.lower() != "host"]
        query = scope.get("query_string", b"").decode("latin-1")
        target = scope["raw_path"].decode("latin-1") + (f"?{query}" if query else "")
        url = f"{scope['scheme']}://{host or 'unknown-host'}{target}"
        sent = Body(self.capture_bytes)
        has_body = any(
            name.lower() in ("content-length", "transfer-encoding") for name, _ in raw_headers
        )

        async def request_body() -> AsyncIterator[bytes]:
            more = True
            while more:
                message: Message = await receive()
                if message["type"] == "http.disconnect":
                    return
                chunk = message.get("body", b"")
                if chunk:
                    sent.add(chunk)
                    yield chunk
                more = message.get("more_body", False)

        received = Body(self.capture_bytes)
        status, response_headers, problem = 502, [], None
        try:
            async with self.session.request(
                scope["method"],
                URL(self.origin + target, encoded=True),
                headers=headers,
                data=request_body() if has_body else None,
                allow_redirects=False,
                compress=None,
            ) as upstream:
                status = upstream.status
                response_headers = _text_headers(upstream.raw_headers)
                await send(
                    {
                        "type": "http.response.start",
                        "status": status,
                        "headers": [
                            (name.encode("latin-1"), value.encode("latin-1"))
                            for name, value in end_to_end(response_headers)
                        ],
                    }
                )
                async for chunk in upstream.content.iter_any():
                    received.add(chunk)
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
                await send({"type": "http.response.body", "body": b""})
        except (aiohttp.ClientResponseError, aiohttp.ClientPayloadError) as error:
            problem = f"{NOT_HTTP}: {type(error).__name__}: {error}"
            if not response_headers:
                await _bad_gateway(send, problem)
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            problem = f"the proxy could not complete the exchange: {type(error).__name__}: {error}"
            if not response_headers:
                await _bad_gateway(send, problem)
        ended = time.monotonic()
        del self._open[index]
        oldest_open = min(self._open.values(), default=None)
        if problem is None and not sent.complete:
            problem = f"the request body is over {self.capture_bytes} bytes, kept in part"
        if problem is None and not received.complete:
            problem = f"the response body is over {self.capture_bytes} bytes, kept in part"
        self.sink(
            Captured(
                index=index,
                method=scope["method"],
                url=url,
                request_headers=raw_headers,
                request_body=sent.data if has_body else None,
                status=status,
                response_headers=response_headers,
                response_body=received.data,
                started=started,
                ended=ended,
                started_at=started_at,
                unchecked=problem,
                oldest_open=oldest_open,
            )
        )


async def _bad_gateway(send: Send, problem: str) -> None:
    """The proxy's own answer when the target gave none: 502, said to come from the proxy."""
    body = f"make proxy: {problem}\n".encode()
    await send(
        {
            "type": "http.response.start",
            "status": 502,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"via", b"1.1 contract-kit-proxy"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
