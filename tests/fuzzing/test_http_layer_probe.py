"""The transport probe judges what a server's HTTP layer answers to a request line no client
library sends: a plain-text 400 without `request-id` (what uvicorn, hyper and most servers send
by default) is a finding; the OData error is not."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from fuzzing.probes import transport
from fuzzing.probes.prober import ProbeOutcome, Prober
from fuzzing.target import Target

PLAIN = (
    b"HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"content-length: 30\r\nconnection: close\r\n\r\nInvalid HTTP request received."
)
ODATA_BODY = b'{"error":{"code":"BadRequest","message":"The request is not valid HTTP/1.1."}}'
ODATA = (
    b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\n"
    b"request-id: 7d0c7a2e-54b5-4a50-9f4a-1f0c2b1f9c11\r\n"
    + f"content-length: {len(ODATA_BODY)}\r\nconnection: close\r\n\r\n".encode()
    + ODATA_BODY
)


@pytest.fixture
def answering() -> Iterator[tuple[list[bytes], list[bytes], int]]:
    """A socket server that answers each connection with the next of the answers in the first
    list, and records what it was sent in the second."""
    answers: list[bytes] = []
    received: list[bytes] = []
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection:
                received.append(connection.recv(65536))
                connection.sendall(answers.pop(0))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield answers, received, listener.getsockname()[1]
    # Closing alone leaves `accept()` waiting in the thread; a shutdown wakes it at once.
    listener.shutdown(socket.SHUT_RDWR)
    listener.close()
    thread.join(5)
    assert not thread.is_alive()


def _malformed_request(port: int, tmp_path: Path) -> ProbeOutcome:
    target = Target(base_url=f"http://127.0.0.1:{port}/beta", token="token")
    with httpx.Client() as client:
        prober = Prober(target, client, tmp_path)

        def malformed_request_line(prober: Prober) -> None:
            """The transport probe's malformed request line, alone."""
            exchange = transport._malformed(prober, prober.runs[0][0])
            transport._judge_error(prober, exchange, "http_layer_answer", "a malformed line")

        return prober.run(malformed_request_line)


def test_a_plain_text_answer_of_the_http_layer_is_a_finding(
    answering: tuple[list[bytes], list[bytes], int], tmp_path: Path
) -> None:
    answers, received, port = answering
    answers.append(PLAIN)
    outcome = _malformed_request(port, tmp_path)
    [finding] = outcome.findings
    assert finding.check == "http_layer_answer"
    assert "no `request-id`" in finding.message
    assert "'text/plain', not application/json" in finding.message
    assert "not an OData error" in finding.message
    [sent] = received
    assert sent.startswith(b"PATCH /beta/industryData/")
    assert b" HTTX/1.1\r\n" in sent


def test_an_odata_answer_of_the_http_layer_passes(
    answering: tuple[list[bytes], list[bytes], int], tmp_path: Path
) -> None:
    answers, _, port = answering
    answers.append(ODATA)
    assert _malformed_request(port, tmp_path).findings == []
