"""An id whose percent-encoded bytes are not UTF-8 is a 400, not an id with U+FFFD in it; the
contract core, which the fuzzer and the traffic checker judge by, gives the same verdict."""

from __future__ import annotations

import functools

import httpx
import pytest

from contract.api import ApiContract
from tests.support.api import run_path
from tests.support.server_process import ServerProcess, tls_context
from tooling.paths import SPEC


@functools.cache
def _contract() -> ApiContract:
    """The spec's contract, built once for the file's tests (a tenth of a second each time)."""
    return ApiContract.load(SPEC)


@pytest.mark.parametrize("encoded", ["%FF", "run%C3", "%C3%28", "%ED%A0%80"])
def test_an_id_that_is_not_utf8_is_a_400(server: ServerProcess, encoded: str) -> None:
    response = httpx.patch(
        server.base_url + run_path(encoded),
        headers=server.auth_headers(),
        json={"displayName": "bytes"},
        timeout=30,
        verify=tls_context(),
    )
    assert response.status_code == 400
    assert "not UTF-8" in response.json()["error"]["message"]
    located = _contract().locate("PATCH", server.base_url + run_path(encoded))
    assert located is not None
    assert located.operation is not None
    problems = located.operation.parameter_problems(located.values, lambda name: None)
    assert any("not UTF-8" in problem.message for problem in problems)


def test_an_id_that_is_utf8_is_looked_up(server: ServerProcess) -> None:
    response = httpx.patch(
        server.base_url + run_path("%C3%A9t%C3%A9"),
        headers=server.auth_headers(),
        json={"displayName": "bytes"},
        timeout=30,
        verify=tls_context(),
    )
    assert response.status_code == 404
