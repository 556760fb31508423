"""Every URL the server writes starts with its configured public base, never with the request's
`Host`; `X-Forwarded-*` count only from the proxies `FORWARDED_ALLOW_IPS` names; a trailing
slash is a 404, not a redirect built from the request."""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Iterator

import pytest

from reference_server.stacks import STACKS
from tests.support.api import add_run_path, new_run_body, run_path
from tests.support.server_process import ServerProcess, side_by_side

FOREIGN = {"Host": "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"}


def _raw(
    server: ServerProcess, method: str, path: str, headers: dict[str, str], body: bytes = b""
) -> http.client.HTTPResponse:
    """One request with exactly these headers (`Host` too), as a client on the socket sends it."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    connection.putrequest(method, "/beta" + path, skip_host=True, skip_accept_encoding=True)
    sent = {"Host": f"127.0.0.1:{server.port}", **headers, "Content-Length": str(len(body))}
    for name, value in sent.items():
        connection.putheader(name, value)
    connection.endheaders(body)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


@pytest.fixture(scope="module")
def configured() -> Iterator[ServerProcess]:
    with ServerProcess(env={"PUBLIC_BASE_URL": "https://runs.example:8443"}) as server:
        yield server


def test_add_run_names_the_configured_base_whatever_the_host(configured: ServerProcess) -> None:
    headers = {**configured.auth_headers(), **FOREIGN}
    body = json.dumps(new_run_body()).encode()
    response = _raw(configured, "POST", add_run_path(), headers, body)
    assert response.status == 204
    location = response.getheader("Location") or ""
    assert location.startswith("https://runs.example:8443/beta/industryData/incomingFlows/")
    assert response.getheader("OData-EntityId") == location
    assert "evil" not in location


def test_a_dev_server_names_its_listening_address(server: ServerProcess) -> None:
    headers = {**server.auth_headers(), **FOREIGN}
    body = json.dumps(new_run_body()).encode()
    response = _raw(server, "POST", add_run_path(), headers, body)
    assert response.status == 204
    assert (response.getheader("Location") or "").startswith(server.base_url + "/")


def test_a_trailing_slash_is_not_redirected(configured: ServerProcess) -> None:
    headers = {**configured.auth_headers(), **FOREIGN}
    response = _raw(configured, "PATCH", run_path() + "/", headers, b'{"displayName": "x"}')
    assert response.status == 404
    assert response.getheader("Location") is None


def _access_line(server: ServerProcess, response: http.client.HTTPResponse) -> str:
    """The access log's line of `response` (written once the answer is sent: waited for)."""
    request_id = response.getheader("request-id") or "?"
    for _ in range(200):
        for line in server.log().splitlines():
            if f"request-id={request_id}" in line:
                return line
        time.sleep(0.05)
    raise AssertionError(f"no access log line for request-id {request_id}")


@pytest.mark.parametrize("stack", STACKS)
def test_forwarded_for_counts_only_from_a_configured_proxy(stack: str) -> None:
    spoofed = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    trusting = {"FORWARDED_ALLOW_IPS": "127.0.0.1"}
    with side_by_side(
        ServerProcess(args=["--stack", stack]), ServerProcess(args=["--stack", stack], env=trusting)
    ) as (untrusting, behind_proxy):
        response = _raw(untrusting, "PATCH", run_path(), {**untrusting.auth_headers(), **spoofed})
        assert _client("127.0.0.1") in _access_line(untrusting, response)
        headers = {**behind_proxy.auth_headers(), **spoofed}
        response = _raw(behind_proxy, "PATCH", run_path(), headers)
        assert _client("203.0.113.7") in _access_line(behind_proxy, response)


def _client(address: str) -> str:
    """How the access log names the client: after the logger's name."""
    return f"reference_server.access {address}:"
