"""A slow `JWKS_URL` holds no request: the issue's case (a key server that hangs while many
tokens name `kid`s it never published) leaves a fresh valid token answered while the one fetch
it started is still pending. Judged by order of events, not by time."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from reference_server.auth import PERMISSION, Authenticator, AuthError
from reference_server.settings import ServerSettings
from reference_server.signing_keys import UrlKeys
from tests.support.api import run_path
from tests.support.server_process import ServerProcess

TENANT = "11111111-2222-3333-4444-555555555555"
ISSUER = f"https://login.microsoftonline.com/{TENANT}/v2.0"
AUDIENCE = "https://graph.microsoft.com"
UNKNOWN_KIDS = 60


class KeyServer:
    """A JWKS endpoint on 127.0.0.1 that answers at once until `hang()`, then holds every fetch
    until `release()`; it counts the fetches it held."""

    def __init__(self, key: rsa.RSAPrivateKey) -> None:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
        jwk.update({"kid": "known", "use": "sig", "alg": "RS256"})
        self.document = json.dumps({"keys": [jwk]}).encode()
        self.hanging = threading.Event()
        self.released = threading.Event()
        self.held = 0
        self.pending = 0
        self.first_held = threading.Event()
        self._lock = threading.Lock()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if server.hanging.is_set():
                    with server._lock:
                        server.held += 1
                        server.pending += 1
                    server.first_held.set()
                    server.released.wait(120)
                    with server._lock:
                        server.pending -= 1
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(server.document)))
                self.end_headers()
                self.wfile.write(server.document)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/keys"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def hang(self) -> None:
        self.hanging.set()

    def release(self) -> None:
        self.released.set()


@pytest.fixture
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def key_server(key: rsa.RSAPrivateKey) -> Iterator[KeyServer]:
    server = KeyServer(key)
    server.thread.start()
    try:
        yield server
    finally:
        server.release()
        server.httpd.shutdown()
        server.httpd.server_close()
        server.thread.join()


def _token(key: rsa.RSAPrivateKey, kid: str, subject: str) -> str:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "tid": TENANT,
        "sub": subject,
        "iat": now,
        "exp": now + 600,
        "scp": PERMISSION,
    }
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


@pytest.mark.slow
def test_a_hanging_key_server_holds_no_valid_request(
    key: rsa.RSAPrivateKey, key_server: KeyServer
) -> None:
    env = {
        "JWKS_URL": key_server.url,
        "TOKEN_ISSUER": ISSUER,
        "TOKEN_AUDIENCE": AUDIENCE,
        "PUBLIC_BASE_URL": "https://runs.example",
        # Every unknown kid may start a fetch (none while one runs); a fetch may take long.
        "JWKS_REFRESH_SECONDS": "0",
        "JWKS_TIMEOUT_SECONDS": "60",
        "RATE_LIMIT_PER_MINUTE": "0",
    }
    with ServerProcess(dev=False, env=env) as server, server.client() as client:
        url = run_path()
        body = {"displayName": "keys"}
        # The keys were fetched at start: a known kid passes.
        assert (
            client.patch(url, json=body, headers=_auth(key, "known", "before")).status_code == 200
        )
        key_server.hang()

        def unknown(index: int) -> int:
            headers = _auth(key, f"made-up-{index}", f"stranger-{index}")
            return client.patch(url, json=body, headers=headers).status_code

        with ThreadPoolExecutor(max_workers=UNKNOWN_KIDS) as pool:
            statuses = list(pool.map(unknown, range(UNKNOWN_KIDS)))
        assert statuses == [401] * UNKNOWN_KIDS  # each refused at once: none waits for keys
        assert key_server.first_held.wait(30)  # the one fetch they started hangs
        # A fresh valid token (never verified before) is answered while that fetch hangs.
        fresh = _auth(key, "known", "fresh-caller")
        assert client.patch(url, json=body, headers=fresh).status_code == 200
        with key_server._lock:
            assert (key_server.pending, key_server.held) == (1, 1)  # one fetch at a time
        key_server.release()


def _auth(key: rsa.RSAPrivateKey, kid: str, subject: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {_token(key, kid, subject)}"}


def test_unknown_kids_start_no_fetch_within_the_refresh_interval(
    key: rsa.RSAPrivateKey, key_server: KeyServer
) -> None:
    """In process: the fetches a flood of unknown kids may start are bounded by the interval."""
    settings = ServerSettings(
        jwks_url=key_server.url,
        token_issuer=ISSUER,
        token_audience=AUDIENCE,
        public_base_url="https://runs.example",
        jwks_refresh=3600,
    )
    authenticator = Authenticator(settings)
    key_server.hang()
    for index in range(20):
        with pytest.raises(AuthError):
            authenticator.authenticate(f"Bearer {_token(key, f'made-up-{index}', 'x')}")
    assert authenticator.authenticate(f"Bearer {_token(key, 'known', 'y')}").subject == "y"
    assert key_server.held == 0  # the start-up fetch was less than an interval ago


def test_a_fetch_past_twice_its_deadline_is_abandoned_for_a_new_one(
    key_server: KeyServer,
) -> None:
    """httpx bounds each read, not a whole fetch: one held by the key server must not stop key
    rotation for ever. Past twice its deadline a new fetch starts, and the old one's result,
    whenever it comes, changes nothing."""
    now = [0.0]
    keys = UrlKeys(key_server.url, timeout=30, refresh=1, max_age=3600, clock=lambda: now[0])
    assert set(keys.keys()) == {"known"}
    key_server.hang()
    now[0] = 10.0
    keys.missing()
    key_server.first_held.wait(30)
    assert keys.fetching
    now[0] = 50.0  # under twice the deadline: still the one fetch
    keys.missing()
    assert key_server.held == 1
    now[0] = 71.0  # past it: abandoned, a second fetch starts (and is held too)
    keys.missing()
    deadline = time.monotonic() + 30
    while key_server.held < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert key_server.held == 2
