"""What goes through `make proxy` arrives unchanged: method, path, query, headers (order and
repeats, `Host` too), bodies of any size, chunked or with a length, 204s and HEAD; only the
hop-by-hop fields of RFC 9110 §7.6.1 stop at the proxy. The target is a server that says what it
received (`upstream.py`); every answer is read from a socket with `http.client`."""

from __future__ import annotations

import hashlib
import http.client
import json
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.traffic.conftest import Proxy, proxy_in_front
from tests.traffic.upstream import pattern
from tooling.paths import ROOT
from tooling.processes import Service, free_port
from traffic import har

pytestmark = pytest.mark.slow
MiB = 1 << 20


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    port = free_port()
    logs = tmp_path_factory.mktemp("upstream")
    command = [sys.executable, "-m", "tests.traffic.upstream", "--port", str(port)]
    with Service("upstream", command, port=port, log_path=logs / "log", cwd=ROOT) as service:
        yield service


@pytest.fixture(scope="module")
def proxy(upstream: Service, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    reports = tmp_path_factory.mktemp("proxy")
    with proxy_in_front(f"{upstream.root_url}/beta", reports, "--capture-bytes", str(MiB)) as p:
        yield p


def call(
    url: str,
    method: str,
    target: str,
    *,
    headers: list[tuple[str, str]] = (),  # type: ignore[assignment]
    body: bytes | list[bytes] | None = None,
) -> tuple[http.client.HTTPResponse, bytes]:
    """One request over a fresh connection; a list body goes chunked."""
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    connection.putrequest(method, target, skip_accept_encoding=True)
    for name, value in headers:
        connection.putheader(name, value)
    if isinstance(body, list):
        connection.putheader("Transfer-Encoding", "chunked")
        connection.endheaders()
        for chunk in body:
            connection.send(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        connection.send(b"0\r\n\r\n")
    elif body is not None:
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
    else:
        connection.endheaders()
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response, data


def echoed(data: bytes) -> dict[str, Any]:
    seen: dict[str, Any] = json.loads(data)
    return seen


def test_method_path_query_and_headers_arrive_as_sent(proxy: Proxy) -> None:
    target = "/beta/a%2Fb/%7Ething;x?a=1&a=2&b=%20&c"
    headers = [
        ("X-Repeat", "first"),
        ("X-Repeat", "second"),
        ("Authorization", "Bearer secret-token"),
        ("Connection", "keep-alive, X-Hop"),
        ("X-Hop", "for this hop only"),
        ("Keep-Alive", "timeout=5"),
        ("Accept-Encoding", "gzip"),
    ]
    response, data = call(proxy.root_url, "QUERY", target, headers=headers, body=b"{}")
    assert response.status == 207
    seen = echoed(data)
    assert (seen["method"], seen["raw_path"], seen["query"]) == (
        "QUERY",
        "/beta/a%2Fb/%7Ething;x",
        "a=1&a=2&b=%20&c",
    )
    names = [name for name, _ in seen["headers"]]
    assert ["x-repeat", "first"] in seen["headers"]
    assert names.index("x-repeat") < names.index("authorization")
    assert [v for n, v in seen["headers"] if n == "x-repeat"] == ["first", "second"]
    assert ["authorization", "Bearer secret-token"] in seen["headers"]
    assert ["accept-encoding", "gzip"] in seen["headers"]
    assert ["host", proxy.root_url.removeprefix("http://")] in seen["headers"]
    assert not {"connection", "x-hop", "keep-alive"} & set(names)
    assert [v for n, v in response.getheaders() if n.lower() == "x-repeat"] == ["one", "two"]


def test_a_body_with_a_length_keeps_it_and_a_chunked_one_stays_chunked(proxy: Proxy) -> None:
    body = b'{"displayName": "x"}'
    _, data = call(proxy.root_url, "PATCH", "/beta/x", body=body)
    seen = echoed(data)
    assert ["content-length", str(len(body))] in seen["headers"]
    assert not any(name == "transfer-encoding" for name, _ in seen["headers"])
    assert seen["body_sha256"] == hashlib.sha256(body).hexdigest()

    chunks = [b'{"a": ', b'"b"', b"}"]
    _, data = call(proxy.root_url, "POST", "/beta/x", body=chunks)
    seen = echoed(data)
    assert ["transfer-encoding", "chunked"] in seen["headers"]
    assert not any(name == "content-length" for name, _ in seen["headers"])
    assert seen["body_length"] == len(b"".join(chunks))


def test_answers_keep_their_framing(proxy: Proxy, upstream: Service) -> None:
    response, data = call(proxy.root_url, "GET", "/chunked?n=5")
    assert response.chunked
    assert response.getheader("content-length") is None
    assert data == b"x" * 5000
    direct, _ = call(upstream.root_url, "GET", "/large?bytes=1000")
    response, data = call(proxy.root_url, "GET", "/large?bytes=1000")
    assert not response.chunked
    assert response.getheader("content-length") == direct.getheader("content-length") == "1000"
    assert data == pattern(1000)


def test_large_bodies_stream_through_whole(proxy: Proxy) -> None:
    size = 5 * MiB
    response, data = call(proxy.root_url, "GET", f"/large?bytes={size}")
    assert response.status == 200
    assert len(data) == size
    assert data == pattern(size)
    body = pattern(3 * MiB)
    _, echoed_data = call(proxy.root_url, "PUT", "/beta/upload", body=body)
    assert echoed(echoed_data)["body_sha256"] == hashlib.sha256(body).hexdigest()


def test_204_and_head_pass_without_a_body(proxy: Proxy, upstream: Service) -> None:
    response, data = call(proxy.root_url, "DELETE", "/no-content")
    assert (response.status, data, response.getheader("request-id")) == (204, b"", "1")
    direct, _ = call(upstream.root_url, "HEAD", "/beta/x")
    response, data = call(proxy.root_url, "HEAD", "/beta/x")
    assert (response.status, data) == (207, b"")
    assert response.getheader("content-length") == direct.getheader("content-length")


def test_on_ctrl_c_the_har_holds_every_exchange_with_credentials_masked(proxy: Proxy) -> None:
    # Runs last in this module: it ends the proxy the others used.
    status = proxy.stop()
    assert status == 0, proxy.output()[-3000:]
    path = proxy.reports / "proxy.har"
    text = path.read_text(encoding="utf-8")
    assert "secret-token" not in text
    recorded = har.read(path)
    assert len(recorded) == 10  # the readiness check and the nine requests above
    query = next(s for s in recorded if s.exchange.method == "QUERY")
    assert query.exchange.url.endswith("/beta/a%2Fb/%7Ething;x?a=1&a=2&b=%20&c")
    assert query.exchange.request_body == b"{}"
    assert query.exchange.request_header("authorization") == "Bearer <masked>"
    large = [s for s in recorded if "/large?bytes=5242880" in s.exchange.url]
    assert [s.unchecked for s in large] == [f"the response body is over {MiB} bytes, kept in part"]
    upload = next(s for s in recorded if s.exchange.url.endswith("/upload"))
    assert upload.unchecked == f"the request body is over {MiB} bytes, kept in part"
    small = next(s for s in recorded if "/large?bytes=1000" in s.exchange.url)
    assert (small.unchecked, small.exchange.response_body) == (None, pattern(1000))
    summary = json.loads((proxy.reports / "proxy-summary.json").read_text(encoding="utf-8"))
    assert (summary["failures"], summary["documented"]) == (0, 0)
    assert sum(summary["undocumented"].values()) == 10
    assert (proxy.reports / "proxy-junit.xml").exists()
