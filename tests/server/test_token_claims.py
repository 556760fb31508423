"""A production server's token checks beyond signature and audience: who the caller is (`sub` or
`oid`, else 401), the tenant (`tid`), NumericDate claims that are numbers, a `JWKS_FILE` read
again when it changes; and dev mode that will not start beside production token settings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from reference_server.auth import PERMISSION
from tests.support.api import assert_odata_error, run_path
from tests.support.server_process import ServerProcess, tls_context
from tooling.paths import ROOT
from tooling.processes import child_env

TENANT = "11111111-2222-3333-4444-555555555555"
ISSUER = f"https://login.microsoftonline.com/{TENANT}/v2.0"
AUDIENCE = "https://graph.microsoft.com"


def _jwks(keys: dict[str, rsa.RSAPrivateKey]) -> str:
    documents = []
    for kid, key in keys.items():
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
        jwk.update({"kid": kid, "use": "sig", "alg": "RS256"})
        documents.append(jwk)
    return json.dumps({"keys": documents})


def _write_atomically(path: Path, text: str) -> None:
    """As a deployment replaces a key file: a new file renamed over the old one."""
    staged = path.with_suffix(".new")
    staged.write_text(text)
    os.replace(staged, path)


@pytest.fixture(scope="module")
def first_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def production(
    tmp_path_factory: pytest.TempPathFactory, first_key: rsa.RSAPrivateKey
) -> Iterator[tuple[ServerProcess, Path]]:
    keys = tmp_path_factory.mktemp("keys") / "jwks.json"
    keys.write_text(_jwks({"key-1": first_key}))
    env = {
        "JWKS_FILE": str(keys),
        "TOKEN_ISSUER": ISSUER,
        "TOKEN_AUDIENCE": AUDIENCE,
        "PUBLIC_BASE_URL": "https://runs.example",
    }
    with ServerProcess(dev=False, env=env) as server:
        yield server, keys


def _token(key: rsa.RSAPrivateKey, kid: str = "key-1", **overrides: Any) -> str:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "tid": TENANT,
        "sub": "caller",
        "iat": now,
        "exp": now + 600,
        "scp": PERMISSION,
    }
    claims.update(overrides)
    body = {name: value for name, value in claims.items() if value is not None}
    return jwt.encode(body, key, algorithm="RS256", headers={"kid": kid})


def _patch(server: ServerProcess, token: str) -> httpx.Response:
    return httpx.patch(
        server.base_url + run_path(),
        headers={"Authorization": f"Bearer {token}"},
        json={"displayName": "claims test"},
        timeout=30,
        verify=tls_context(),
    )


def _assert_refused(response: httpx.Response, words: str) -> None:
    error = assert_odata_error(response, 401, "InvalidAuthenticationToken")
    assert response.headers["WWW-Authenticate"].startswith('Bearer error="invalid_token"')
    assert words in error["message"]


@pytest.mark.slow
@pytest.mark.parametrize(
    "claims",
    [
        {"sub": None},
        {"sub": ""},
        {"sub": "  "},
        {"sub": None, "azp": "some-client-app", "appid": "some-client-app"},
        {"sub": None, "oid": ""},
    ],
)
def test_a_token_that_names_no_caller_is_refused(
    production: tuple[ServerProcess, Path], first_key: rsa.RSAPrivateKey, claims: dict[str, Any]
) -> None:
    server, _ = production
    _assert_refused(_patch(server, _token(first_key, **claims)), "names no caller")


@pytest.mark.slow
def test_an_app_token_is_the_caller_its_oid_names(
    production: tuple[ServerProcess, Path], first_key: rsa.RSAPrivateKey
) -> None:
    server, _ = production
    app_token = _token(first_key, sub=None, oid="app-object-id", scp=None, roles=[PERMISSION])
    assert _patch(server, app_token).status_code == 200


@pytest.mark.slow
@pytest.mark.parametrize(
    ("claims", "words"),
    [
        ({"tid": None}, "tenant"),
        ({"tid": "99999999-2222-3333-4444-555555555555"}, "tenant"),
        ({"tid": 11111111}, "tenant"),
        ({"exp": str(int(time.time()) + 600)}, "exp claim is not a number"),
        ({"nbf": str(int(time.time()) - 10)}, "nbf claim is not a number"),
        ({"iat": str(int(time.time()) - 10)}, "iat claim is not a number"),
    ],
)
def test_tenant_and_numeric_dates_are_checked(
    production: tuple[ServerProcess, Path],
    first_key: rsa.RSAPrivateKey,
    claims: dict[str, Any],
    words: str,
) -> None:
    server, _ = production
    response = _patch(server, _token(first_key, **claims))
    assert response.status_code == 401
    assert words in response.json()["error"]["message"]


@pytest.mark.slow
def test_the_tenant_is_compared_as_a_guid(
    production: tuple[ServerProcess, Path], first_key: rsa.RSAPrivateKey
) -> None:
    server, _ = production
    assert _patch(server, _token(first_key, tid=TENANT.upper())).status_code == 200


@pytest.mark.slow
def test_a_changed_jwks_file_is_read_again(
    production: tuple[ServerProcess, Path], first_key: rsa.RSAPrivateKey
) -> None:
    server, keys = production
    second_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    rotated = _token(second_key, kid="key-2", sub="after-rotation")
    _assert_refused(_patch(server, rotated), "does not trust")
    try:
        _write_atomically(keys, _jwks({"key-2": second_key}))
        assert _patch(server, rotated).status_code == 200
        # The key taken out of the file no longer signs anything (a token not seen before).
        _assert_refused(_patch(server, _token(first_key, sub="retired")), "does not trust")
        # A file that cannot be read keeps the keys the server held.
        _write_atomically(keys, "{not json")
        assert _patch(server, _token(second_key, kid="key-2", sub="kept")).status_code == 200
    finally:
        _write_atomically(keys, _jwks({"key-1": first_key}))


def _start(
    args: list[str], env: dict[str, str], tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "reference_server", "--port", "1", "--state-dir"]
    return subprocess.run(
        [*command, str(tmp_path), *args],
        cwd=ROOT,
        env=child_env(env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"JWKS_FILE": "jwks.json"}, "JWKS_FILE"),
        ({"JWKS_URL": "https://keys.example/keys"}, "JWKS_URL"),
        ({"TOKEN_ISSUER": ISSUER, "TOKEN_AUDIENCE": AUDIENCE}, "TOKEN_ISSUER"),
        ({"RUNS_DEV_MODE": "1", "JWKS_FILE": "jwks.json", "TOKEN_ISSUER": ISSUER}, "JWKS_FILE"),
    ],
)
def test_dev_mode_will_not_start_beside_production_token_settings(
    tmp_path: Path, env: dict[str, str], named: str
) -> None:
    done = _start(["--dev"], env, tmp_path)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "cannot start: dev mode" in lines[0]
    assert named in lines[0]


def test_plain_http_jwks_url_will_not_start(tmp_path: Path) -> None:
    env = {
        "TOKEN_ISSUER": ISSUER,
        "TOKEN_AUDIENCE": AUDIENCE,
        "PUBLIC_BASE_URL": "https://runs.example",
        "JWKS_URL": "http://login.microsoftonline.com/common/discovery/v2.0/keys",
    }
    done = _start([], env, tmp_path)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "JWKS_URL must be an https URL" in lines[0]


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"JWKS_URL": "https://keys.example/keys"}, "JWKS_URL"),
        ({"TOKEN_ISSUER": ISSUER}, "TOKEN_ISSUER"),
    ],
)
def test_make_token_signs_nothing_for_production_settings(
    tmp_path: Path, env: dict[str, str], named: str
) -> None:
    command = [sys.executable, "-m", "reference_server.token", "--state-dir", str(tmp_path)]
    done = subprocess.run(
        command, cwd=ROOT, env=child_env(env), capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert named in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
