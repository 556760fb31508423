"""A fault-injecting HTTP server on 127.0.0.1 for the client's retry and auth tests.

Each request takes the next step of a script: answer with a status and headers, reset the
connection before any byte of the answer, or forward the request to an upstream server (the
reference server) and, optionally, drop the upstream's answer. Every request is recorded with
its headers, so a test can read what the client sent on each try.
"""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

ODATA_ERROR = b'{"error": {"code": "serviceUnavailable", "message": "Try again later."}}'


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = ODATA_ERROR


@dataclass(frozen=True)
class Reset:
    """Close the connection with a TCP reset before answering."""


@dataclass(frozen=True)
class Forward:
    """Send the request to `upstream`; with `lose_answer`, reset instead of relaying the answer."""

    upstream: str
    lose_answer: bool = False


Step = Answer | Reset | Forward


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class FaultServer:
    """The script's steps in order; the last one repeats when the script runs out."""

    def __init__(self, script: Sequence[Step] | Callable[[Received], Step]) -> None:
        self.script = script
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/beta"

    def _next(self, received: Received) -> Step:
        with self._lock:
            self.received.append(received)
            if callable(self.script):
                return self.script(received)
            return self.script[min(len(self.received), len(self.script)) - 1]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                """Quiet: the test reads `received` instead."""

            def _reset(self) -> None:
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.connection.close()
                self.close_connection = True

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length) if length else b""
                received = Received(self.command, self.path, dict(self.headers.items()), body)
                step = server._next(received)
                if isinstance(step, Reset):
                    self._reset()
                    return
                if isinstance(step, Forward):
                    headers = {k: v for k, v in received.headers.items() if k.lower() != "host"}
                    url = step.upstream.rstrip("/") + self.path.removeprefix("/beta")
                    answer = httpx.request(
                        self.command, url, headers=headers, content=body, timeout=30.0
                    )
                    if step.lose_answer:
                        self._reset()
                        return
                    step = Answer(answer.status_code, dict(answer.headers.items()), answer.content)
                self.send_response(step.status)
                for name, value in step.headers.items():
                    if name.lower() not in {"content-length", "transfer-encoding", "connection"}:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(step.body)))
                self.end_headers()
                self.wfile.write(step.body)

            def do_POST(self) -> None:
                self._any()

            def do_PATCH(self) -> None:
                self._any()

        return Handler

    def start(self) -> FaultServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


@contextmanager
def fault_server(script: Sequence[Step] | Callable[[Received], Step]) -> Iterator[FaultServer]:
    """A started fault server, stopped on exit."""
    server = FaultServer(script).start()
    try:
        yield server
    finally:
        server.stop()
