"""Bearer tokens: signature, expiry, issuer, audience, then the permission; dev key only in dev
mode; production keys from a JWKS file or URL."""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.server
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from reference_server.auth import PERMISSION, Authenticator, AuthError, DevKey
from reference_server.settings import ServerSettings
from tests.support.api import add_run, assert_odata_error, read_run, run_path
from tests.support.server_process import ServerProcess, tls_context
from tooling.paths import ROOT

BODY = {"displayName": "auth test"}


@pytest.fixture(scope="module")
def other_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _patch(
    server: ServerProcess, authorization: str | None, path: str | None = None
) -> httpx.Response:
    headers = {"Content-Type": "application/json"}
    if authorization is not None:
        headers["Authorization"] = authorization
    return httpx.patch(
        server.base_url + (path or run_path()),
        headers=headers,
        json=BODY,
        timeout=30,
        verify=tls_context(),
    )


def _claims(server: ServerProcess, **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": server.issuer,
        "aud": server.audience,
        "sub": "tester",
        "iat": now,
        "exp": now + 600,
        "scp": PERMISSION,
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def assert_401(response: httpx.Response, words: str = "") -> None:
    error = assert_odata_error(response, 401, "InvalidAuthenticationToken")
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith("Bearer")
    assert words in error["message"] + challenge


def test_no_token_is_401_with_bearer_challenge(server: ServerProcess) -> None:
    response = _patch(server, None)
    assert_401(response)
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "authorization", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer not.a.jwt", "token"]
)
def test_malformed_authorization_is_401(server: ServerProcess, authorization: str) -> None:
    response = _patch(server, authorization)
    assert_401(response)
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


@pytest.mark.parametrize(
    ("claims", "words"),
    [
        ({"exp": int(time.time()) - 3600}, "expired"),
        ({"nbf": int(time.time()) + 3600}, "not valid yet"),
        ({"aud": "https://someone-else.example"}, "audience"),
        ({"iss": "https://login.microsoftonline.com/other/v2.0"}, "issuer"),
        ({"exp": None}, "exp"),
    ],
)
def test_invalid_claims_are_401(server: ServerProcess, claims: dict[str, Any], words: str) -> None:
    assert_401(_patch(server, f"Bearer {server.token(**claims)}"), words)


def test_wrong_signature_is_401(server: ServerProcess, other_key: rsa.RSAPrivateKey) -> None:
    kid = DevKey.load_or_create(server.state_dir).kid
    forged = jwt.encode(_claims(server), other_key, algorithm="RS256", headers={"kid": kid})
    assert_401(_patch(server, f"Bearer {forged}"), "signature")
    unknown_kid = jwt.encode(_claims(server), other_key, algorithm="RS256", headers={"kid": "nope"})
    assert_401(_patch(server, f"Bearer {unknown_kid}"), "key")
    # A valid token with one character of its signature changed.
    token = server.token()
    head, payload, signature = token.split(".")
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    assert_401(_patch(server, f"Bearer {head}.{payload}.{flipped}"))


def test_unsigned_and_symmetric_tokens_are_401(server: ServerProcess) -> None:
    dev = DevKey.load_or_create(server.state_dir)
    unsigned = jwt.encode(_claims(server), key="", algorithm="none", headers={"kid": dev.kid})
    assert_401(_patch(server, f"Bearer {unsigned}"))
    # Algorithm confusion: HMAC keyed with the public key must not pass for RS256.
    public_pem = dev.private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = {"alg": "HS256", "typ": "JWT", "kid": dev.kid}

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing_input = (
        f"{b64(json.dumps(header).encode())}.{b64(json.dumps(_claims(server)).encode())}"
    )
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    assert_401(_patch(server, f"Bearer {signing_input}.{b64(mac)}"))


def test_token_without_the_permission_is_403(server: ServerProcess) -> None:
    for token in (
        server.token(permission=False),
        server.token(scp=None, roles=["User.Read.All"]),
        server.token(scp=f"{PERMISSION}.Extra Other"),
    ):
        response = _patch(server, f"Bearer {token}")
        error = assert_odata_error(response, 403, "Authorization_RequestDenied")
        assert PERMISSION in error["message"]


def test_delegated_and_application_permissions_are_accepted(server: ServerProcess) -> None:
    with server.client(headers=server.auth_headers()) as api:
        run_id = add_run(api, {})
    for token in (
        server.token(scp=f"User.Read {PERMISSION} openid"),
        server.token(scp=None, roles=["Other.Role", PERMISSION]),
    ):
        response = _patch(server, f"Bearer {token}", run_path(run_id))
        assert response.status_code == 200, response.text


def test_auth_is_checked_before_routing(server: ServerProcess) -> None:
    assert_401(httpx.get(server.base_url + "/no/such/path"))
    assert_401(httpx.get(server.base_url + run_path()))
    no_permission = {"Authorization": f"Bearer {server.token(permission=False)}"}
    assert_odata_error(httpx.get(server.base_url + "/no/such/path", headers=no_permission), 403)


def test_refused_tokens_change_nothing(server: ServerProcess) -> None:
    with server.client(headers=server.auth_headers()) as api:
        run_id = add_run(api, {}, displayName="untouched")
        for authorization in (None, "Bearer x", f"Bearer {server.token(permission=False)}"):
            assert _patch(server, authorization, run_path(run_id)).status_code in (401, 403)
        assert read_run(api, {}, run_id)["displayName"] == "untouched"


def test_spec_and_docs_need_no_token(server: ServerProcess) -> None:
    assert httpx.get(server.root_url + "/openapi.json").status_code == 200


def test_token_command_prints_tokens_the_dev_server_accepts(server: ServerProcess) -> None:
    def mint(*flags: str) -> str:
        env = {k: v for k, v in os.environ.items() if k not in ("TOKEN_ISSUER", "TOKEN_AUDIENCE")}
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "reference_server.token",
                "--state-dir",
                str(server.state_dir),
                *flags,
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()

    with server.client(headers=server.auth_headers()) as api:
        run_id = add_run(api, {})
    assert _patch(server, f"Bearer {mint()}", run_path(run_id)).status_code == 200
    assert _patch(server, f"Bearer {mint('--application')}", run_path(run_id)).status_code == 200
    assert_odata_error(_patch(server, f"Bearer {mint('--no-permission')}", run_path(run_id)), 403)
    assert_odata_error(
        _patch(server, f"Bearer {mint('--application', '--no-permission')}", run_path(run_id)), 403
    )


# -- production mode ---------------------------------------------------------------------------


def _jwks(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update({"kid": kid, "use": "sig", "alg": "RS256"})
    return {"keys": [jwk]}


PROD_TENANT = "11111111-2222-3333-4444-555555555555"
PROD_ISSUER = f"https://login.microsoftonline.com/{PROD_TENANT}/v2.0"
PROD_AUDIENCE = "https://graph.microsoft.com"
PUBLIC_BASE_URL = "https://runs.example"


@pytest.mark.slow
def test_production_mode_trusts_the_jwks_file_and_never_the_dev_key(
    tmp_path: Path, other_key: rsa.RSAPrivateKey
) -> None:
    jwks_file = tmp_path / "jwks.json"
    jwks_file.write_text(json.dumps(_jwks(other_key, "prod-key-1")))
    env = {
        "JWKS_FILE": str(jwks_file),
        "TOKEN_ISSUER": PROD_ISSUER,
        "TOKEN_AUDIENCE": PROD_AUDIENCE,
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
    }
    with ServerProcess(dev=False, env=env) as prod:
        good = jwt.encode(
            _claims(prod, iss=PROD_ISSUER, aud=PROD_AUDIENCE, tid=PROD_TENANT),
            other_key,
            algorithm="RS256",
            headers={"kid": "prod-key-1"},
        )
        assert _patch(prod, f"Bearer {good}").status_code == 200
        # The dev key of the same state folder, with claims that are otherwise right.
        assert_401(_patch(prod, f"Bearer {prod.token()}"))
        assert prod.token().count(".") == 2
        dev_claims_token = prod.token(iss=PROD_ISSUER, aud=PROD_AUDIENCE)
        assert_401(_patch(prod, f"Bearer {dev_claims_token}"))


def test_production_mode_refuses_to_start_without_its_settings(tmp_path: Path) -> None:
    env = {
        k: v for k, v in os.environ.items() if k not in ("RUNS_DEV_MODE", "JWKS_FILE", "JWKS_URL")
    }
    env.pop("TOKEN_ISSUER", None)
    done = subprocess.run(
        [sys.executable, "-m", "reference_server", "--port", "1", "--state-dir", str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "TOKEN_ISSUER" in done.stderr
    assert "JWKS_FILE or JWKS_URL" in done.stderr


class _JwksHandler(http.server.BaseHTTPRequestHandler):
    document: bytes = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.document)))
        self.end_headers()
        self.wfile.write(self.document)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def jwks_url(other_key: rsa.RSAPrivateKey) -> Iterator[str]:
    handler = type(
        "Handler", (_JwksHandler,), {"document": json.dumps(_jwks(other_key, "url-key")).encode()}
    )
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/keys"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def test_jwks_url_keys_are_fetched_and_trusted(
    tmp_path: Path, jwks_url: str, other_key: rsa.RSAPrivateKey
) -> None:
    settings = ServerSettings(
        state_dir=tmp_path,
        jwks_url=jwks_url,
        token_issuer=PROD_ISSUER,
        token_audience=PROD_AUDIENCE,
    )
    authenticator = Authenticator(settings)
    assert not authenticator.may_block  # keys are fetched in a thread of their own
    claims = {
        "iss": PROD_ISSUER,
        "aud": PROD_AUDIENCE,
        "tid": PROD_TENANT,
        "oid": "an-app",
        "exp": int(time.time()) + 60,
        "roles": [PERMISSION],
    }
    good = jwt.encode(claims, other_key, algorithm="RS256", headers={"kid": "url-key"})
    assert authenticator.authenticate(f"Bearer {good}").grant == "application"
    dev_token = DevKey.load_or_create(tmp_path).sign(claims)
    with pytest.raises(AuthError) as refused:
        authenticator.authenticate(f"Bearer {dev_token}")
    assert refused.value.status == 401
