"""Verified tokens are remembered, but never beyond what their own claims allow, nor longer than
keys are kept, nor more of them than the cache holds."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from reference_server.auth import (
    CLOCK_SKEW_SECONDS,
    Authenticator,
    AuthError,
    VerifiedTokens,
    mint_dev_token,
)
from reference_server.settings import DEV_AUDIENCE, DEV_ISSUER, ServerSettings

NOW = 1_800_000_000.0


def _claims(**overrides: Any) -> dict[str, Any]:
    claims: dict[str, Any] = {"iat": int(NOW), "nbf": int(NOW), "exp": int(NOW) + 600}
    claims.update(overrides)
    return claims


def test_a_remembered_token_is_found_only_inside_its_time() -> None:
    cache = VerifiedTokens(seconds=3600)
    claims = _claims()
    cache.put("t", claims, NOW)
    assert cache.get("t", NOW) == claims
    assert cache.get("t", NOW + 600 + CLOCK_SKEW_SECONDS - 1) == claims
    assert cache.get("t", NOW + 600 + CLOCK_SKEW_SECONDS) is None
    assert cache.get("t", NOW) is None  # an entry out of its time is dropped


def test_a_token_not_valid_yet_is_not_found_before_its_time() -> None:
    cache = VerifiedTokens()
    cache.put("t", _claims(nbf=int(NOW) + 100), NOW + 100 - CLOCK_SKEW_SECONDS)
    assert cache.get("t", NOW + 100 - CLOCK_SKEW_SECONDS - 1) is None


def test_tokens_are_forgotten_after_the_key_lifetime_and_beyond_the_size() -> None:
    cache = VerifiedTokens(size=2, seconds=10)
    cache.put("a", _claims(), NOW)
    assert cache.get("a", NOW + 10) is None
    for name in ("a", "b"):
        cache.put(name, _claims(), NOW)
    assert cache.get("a", NOW) is not None  # now "b" is the least recently used
    cache.put("c", _claims(), NOW)
    assert cache.get("b", NOW) is None
    assert cache.get("a", NOW) is not None
    assert cache.get("c", NOW) is not None


def test_claims_without_a_usable_expiry_are_never_remembered() -> None:
    cache = VerifiedTokens()
    cache.put("t", {"exp": "soon"}, NOW)
    cache.put("u", {}, NOW)
    assert cache.get("t", NOW) is None
    assert cache.get("u", NOW) is None


def test_a_remembered_token_is_refused_once_it_expires(tmp_path: Path) -> None:
    authenticator = Authenticator(ServerSettings(dev_mode=True, state_dir=tmp_path))
    # Expired 58 s ago: still inside the clock skew allowed, for up to two more seconds.
    token = mint_dev_token(
        tmp_path, issuer=DEV_ISSUER, audience=DEV_AUDIENCE, lifetime=2 - CLOCK_SKEW_SECONDS
    )
    assert authenticator.authenticate(f"Bearer {token}").subject == "dev-user"
    assert authenticator.authenticate(f"Bearer {token}").subject == "dev-user"  # remembered
    time.sleep(2.2)
    with pytest.raises(AuthError) as refused:
        authenticator.authenticate(f"Bearer {token}")
    assert refused.value.status == 401
    assert "expired" in refused.value.message


def test_a_remembered_token_still_needs_the_permission(tmp_path: Path) -> None:
    authenticator = Authenticator(ServerSettings(dev_mode=True, state_dir=tmp_path))
    token = mint_dev_token(tmp_path, issuer=DEV_ISSUER, audience=DEV_AUDIENCE, permission=False)
    for _ in range(2):
        with pytest.raises(AuthError) as refused:
            authenticator.authenticate(f"Bearer {token}")
        assert refused.value.status == 403
