"""Connections held to their limits, on every stack, over a raw socket: a head or a body that
does not arrive in time, an idle connection, a head too large or with too many lines, one
connection too many, a request that is not HTTP, and a client that leaves mid-body."""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from fuzzing.facts import contract
from reference_server.connection_limits import ConnectionLimits
from reference_server.stacks import STACKS
from tests.support.api import assert_odata_error, run_path
from tests.support.server_process import ServerProcess
from tooling.server_env import (
    BODY_READ_TIMEOUT_SECONDS,
    HEAD_TIMEOUT_SECONDS,
    MAX_CONNECTIONS,
    MAX_HEADER_BYTES,
    MAX_HEADERS,
)

HEAD_BYTES = 4096
HEADERS = 20
LIMITS = {
    HEAD_TIMEOUT_SECONDS.name: "1",
    BODY_READ_TIMEOUT_SECONDS.name: "1",
    MAX_HEADER_BYTES.name: str(HEAD_BYTES),
    MAX_HEADERS.name: str(HEADERS),
}
# A connection the server should have closed after about a second is given this long before
# the test gives up on it: a bound for the test, not a measurement of the server.
GIVE_UP_SECONDS = 20.0
# Stacks that write the HTTP layer's own answers (a request that is not HTTP) as OData errors;
# granian's hyper answers those itself, with no body (docs/decisions.md, D37).
ODATA_HTTP_LAYER = [stack for stack in STACKS if stack.startswith("uvicorn")]
pytestmark = pytest.mark.slow
BODY = b'{"status": "completed"}'


@pytest.fixture(scope="module", params=STACKS)
def limited(request: pytest.FixtureRequest) -> Iterator[ServerProcess]:
    with ServerProcess(env={"SERVER_STACK": request.param, **LIMITS}) as process:
        yield process


def _connect(server: ServerProcess) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=GIVE_UP_SECONDS)


def _read_all(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except ConnectionResetError:
        pass
    return received


def _response(raw: bytes) -> httpx.Response:
    """The first HTTP/1.1 answer in `raw`, as httpx's response (for the shared assertions)."""
    head, _, rest = raw.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = [
        (name.strip(), value.strip()) for name, _, value in (line.partition(":") for line in lines)
    ]
    length = int(dict((n.lower(), v) for n, v in headers).get("content-length", len(rest)))
    return httpx.Response(int(status_line.split()[1]), headers=headers, content=rest[:length])


def _ask(server: ServerProcess, data: bytes) -> httpx.Response:
    with _connect(server) as sock:
        sock.sendall(data)
        return _response(_read_all(sock))


def _head(server: ServerProcess, *extra: bytes, length: int | None = None) -> bytes:
    lines = [
        f"PATCH /beta{run_path()} HTTP/1.1".encode(),
        f"Host: 127.0.0.1:{server.port}".encode(),
        f"Authorization: Bearer {server.token()}".encode(),
        b"Content-Type: application/json",
        *([f"Content-Length: {length}".encode()] if length is not None else []),
        *extra,
    ]
    return b"\r\n".join(lines) + b"\r\n\r\n"


def _request(server: ServerProcess) -> bytes:
    """A whole valid Update run."""
    return _head(server, length=len(BODY)) + BODY


def _closed_while_trickling(sock: socket.socket, pieces: Iterator[bytes]) -> bytes:
    """Send `pieces` a fifth of a second apart until the server closes the connection; what it
    answered. Fails if it is still open after GIVE_UP_SECONDS."""
    deadline = time.monotonic() + GIVE_UP_SECONDS
    sock.settimeout(0.2)
    received = b""
    for piece in pieces:
        assert time.monotonic() < deadline, "the server kept the connection open"
        try:
            sock.sendall(piece)
            chunk = sock.recv(65536)
        except TimeoutError:
            continue
        except (ConnectionResetError, BrokenPipeError):
            return received
        if not chunk:
            return received
        received += chunk
    raise AssertionError("ran out of bytes to send")


def test_a_head_sent_a_byte_at_a_time_is_cut_off(limited: ServerProcess) -> None:
    with _connect(limited) as sock:
        head = _head(limited, length=len(BODY))
        slow = (head[i : i + 1] for i in range(len(head)))
        _closed_while_trickling(sock, slow)


def test_a_body_that_stops_arriving_is_answered_408(limited: ServerProcess) -> None:
    with _connect(limited) as sock:
        sock.sendall(_head(limited, length=48) + b'{"displayName": ')
        answer = _response(_read_all(sock))
    assert_odata_error(answer, 408, "RequestTimeout")


def test_an_idle_connection_is_closed(limited: ServerProcess) -> None:
    with _connect(limited) as sock:
        assert _read_all(sock) == b""  # nothing sent, nothing answered: closed


def test_a_connection_idle_after_its_answer_is_closed(limited: ServerProcess) -> None:
    with _connect(limited) as sock:
        sock.sendall(_request(limited))
        first = _read_all(sock)
    assert first.startswith(b"HTTP/1.1 200")


def test_a_head_over_the_cap_is_answered_431(limited: ServerProcess) -> None:
    big = b"X-Padding: " + b"a" * HEAD_BYTES
    assert_odata_error(_ask(limited, _head(limited, big, length=len(BODY)) + BODY), 431)
    huge = b"X-Padding: " + b"a" * (1 << 20)
    assert _ask(limited, _head(limited, huge, length=len(BODY)) + BODY).status_code == 431
    fits = b"X-Padding: " + b"a" * (HEAD_BYTES // 2)
    assert _ask(limited, _head(limited, fits, length=len(BODY)) + BODY).status_code == 200


def test_a_head_with_too_many_lines_is_answered_431(limited: ServerProcess) -> None:
    many = [f"X-Header-{n}: a".encode() for n in range(HEADERS)]
    answer = _ask(limited, _head(limited, *many, length=len(BODY)) + BODY)
    assert_odata_error(answer, 431, "RequestHeaderFieldsTooLarge")
    few = many[: HEADERS - 5]
    assert _ask(limited, _head(limited, *few, length=len(BODY)) + BODY).status_code == 200


def test_a_request_that_is_not_http_is_answered_400(limited: ServerProcess) -> None:
    answer = _ask(limited, b"GET /beta HTTP/9\x00\r\n\r\n")
    assert answer.status_code == 400
    if _stack(limited) in ODATA_HTTP_LAYER:
        assert_odata_error(answer, 400, "BadRequest")
        assert answer.headers["date"]


def test_a_client_that_leaves_mid_body_is_one_info_line(limited: ServerProcess) -> None:
    with _connect(limited) as sock:
        sock.sendall(_head(limited, length=48) + b'{"displayName": ')
        time.sleep(0.2)  # the server has the head and waits for the body
    _until(lambda: "client disconnected" in limited.log())
    log = limited.log()
    assert re.search(r"INFO reference_server client disconnected before the request", log)
    assert "Traceback" not in log
    assert "unhandled error" not in log
    assert not re.search(r'"PATCH [^"]*" 500 ', log)


@pytest.mark.parametrize("stack", STACKS)
def test_a_connection_over_the_cap_is_not_served_until_one_closes(stack: str) -> None:
    env = {"SERVER_STACK": stack, MAX_CONNECTIONS.name: "3", HEAD_TIMEOUT_SECONDS.name: "60"}
    with ServerProcess(env=env) as server:
        held = [_connect(server) for _ in range(3)]
        try:
            time.sleep(0.5)  # the three are accepted
            with _connect(server) as extra:
                extra.settimeout(2)
                extra.sendall(_request(server))
                try:
                    answer = extra.recv(65536)
                except TimeoutError:
                    answer = b""  # granian: it waits in the listening queue
                if answer:
                    assert_odata_error(_response(answer + _read_all(extra)), 503)
                else:
                    assert stack == "granian", "neither served nor refused"
                    for sock in held:
                        sock.close()
                    extra.settimeout(GIVE_UP_SECONDS)
                    assert extra.recv(65536).startswith(b"HTTP/1.1 200")
        finally:
            for sock in held:
                sock.close()
        last = _head(server, b"Connection: close", length=len(BODY)) + BODY
        assert _ask(server, last).status_code == 200


def test_the_limits_have_the_contracts_values_by_default() -> None:
    limits = ConnectionLimits()
    assert limits.max_header_bytes == contract().max_head_bytes
    assert limits.max_headers == contract().max_header_fields


def _stack(server: ServerProcess) -> str:
    return server.extra_env["SERVER_STACK"]


def _until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + GIVE_UP_SECONDS
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
