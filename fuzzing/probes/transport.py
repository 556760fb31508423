"""Probes of the HTTP layer under the API: a request head over the contract's cap, and a request
that is not HTTP at all.

Such answers often come from the HTTP server or a proxy in front of the service rather than from
the service itself, in plain text and without a `request-id`; the contract wants them to be
OData errors like every other answer. A head over the cap goes out through the probes' client;
the malformed request line over a socket of its own, as no HTTP client can send one.
Slow connections are deliberately not tried (fuzzing/README.md says why).
"""

from __future__ import annotations

import json
import socket
import ssl
import uuid
from urllib.parse import urlsplit

import h11

from fuzzing.exchange import Exchange
from fuzzing.facts import contract
from fuzzing.probes.prober import NEVER_APPLIED_BODY, Prober, SkipError, probe

SOCKET_SECONDS = 10.0
MOST_READ = 1 << 20
# The request line's protocol is no HTTP version: every HTTP/1.1 parser refuses it.
BAD_PROTOCOL = b"HTTX/1.1"


@probe(order=15, covers=("D37", "head:size", "status:*:4XX", "header:request-id"))
def transport(prober: Prober) -> None:
    """A head over the documented cap and a malformed request line are 4xx OData errors."""
    limit = contract().max_head_bytes
    url, key = prober.runs[0]
    padding = {"X-Probe-Padding": "a" * (limit + 1)}
    what = f"a request head over the {limit}-byte cap"
    check = "http_layer_answer"
    over = prober.refused(
        "PATCH", url, NEVER_APPLIED_BODY, set(range(400, 500)), check, what, key, headers=padding
    )
    _judge_error(prober, over, check, what)
    _judge_error(prober, _malformed(prober, url), check, "a malformed request line")


def _judge_error(prober: Prober, exchange: Exchange, check: str, what: str) -> None:
    """A finding unless `exchange` is a 4xx OData error with a `request-id`."""
    problems = []
    if not 400 <= exchange.status < 500:
        problems.append(f"status {exchange.status}, not a 4xx")
    if not exchange.response_header("request-id"):
        problems.append("no `request-id`")
    media = (exchange.response_header("content-type") or "").partition(";")[0].strip().lower()
    if media != "application/json":
        problems.append(f"Content-Type {media or 'none'!r}, not application/json")
    try:
        error = json.loads(exchange.response_body)["error"]
        if not (isinstance(error["code"], str) and isinstance(error["message"], str)):
            raise TypeError
    except (ValueError, TypeError, KeyError):
        problems.append("the body is not an OData error")
    if problems:
        body = exchange.response_body[:300].decode("utf-8", errors="replace")
        prober.report(check, exchange, f"{what}: {'; '.join(problems)}\n{body}")


def _malformed(prober: Prober, url: str) -> Exchange:
    """Send `PATCH <path> HTTX/1.1` to the target over a socket; the answer as an exchange."""
    parts = urlsplit(url)
    secure = parts.scheme == "https"
    port = parts.port or (443 if secure else 80)
    host = parts.hostname or "localhost"
    client_request_id = f"probe-malformed-{uuid.uuid4().hex[:8]}"
    request = b"\r\n".join(
        [
            b"PATCH " + (parts.path or "/").encode() + b" " + BAD_PROTOCOL,
            b"Host: " + parts.netloc.encode(),
            b"client-request-id: " + client_request_id.encode(),
            b"Content-Length: 0",
            b"",
            b"",
        ]
    )
    prober.outcome.requests += 1
    received = b""
    try:
        with socket.create_connection((host, port), timeout=SOCKET_SECONDS) as raw:
            sock = (
                ssl.create_default_context().wrap_socket(raw, server_hostname=host)
                if secure
                else raw
            )
            sock.sendall(request)
            try:
                while len(received) < MOST_READ and (chunk := sock.recv(65536)):
                    received += chunk
            except (TimeoutError, ConnectionResetError):
                pass
    except OSError as error:  # no direct connection (a proxy in between, TLS refused): not judged
        raise SkipError(
            f"cannot open a connection of its own to {parts.netloc}: {error}"
        ) from error
    status, headers, body = _parsed(received)
    return Exchange.build(
        method="PATCH",
        url=url,
        request_headers={"client-request-id": client_request_id, "x-raw-request-line": "HTTX/1.1"},
        request_body=None,
        status=status,
        response_headers=headers,
        response_body=body,
    )


def _parsed(received: bytes) -> tuple[int, dict[str, str], bytes]:
    """The status, headers and body of the HTTP/1.1 answer in `received` (0 when none came)."""
    reader = h11.Connection(h11.CLIENT)
    reader.send(h11.Request(method="PATCH", target="/", headers=[("Host", "probe")]))
    reader.send(h11.EndOfMessage())
    reader.receive_data(received)
    reader.receive_data(b"")
    status, headers, body = 0, {}, b""
    try:
        while True:
            event = reader.next_event()
            if isinstance(event, h11.Response):
                status = event.status_code
                headers = {n.decode("latin-1"): v.decode("latin-1") for n, v in event.headers}
            elif isinstance(event, h11.Data):
                body += bytes(event.data)
            elif event is h11.NEED_DATA or isinstance(
                event, (h11.EndOfMessage, h11.ConnectionClosed)
            ):
                break
    except h11.RemoteProtocolError:
        pass
    return status, headers, body
