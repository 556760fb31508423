"""Bearer-token checks: signature, expiry, issuer, audience, then the permission.

Production keys come from a JWKS file or URL. In dev mode the server also trusts a local RSA key
kept in the state folder, so `make token` can mint tokens; that key is never trusted otherwise.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from reference_server.settings import ServerSettings
from reference_server.signing_keys import FileKeys, Keys, UrlKeys

PERMISSION = "IndustryData-InboundFlow.ReadWrite.All"
DEV_KEY_FILE = "dev-signing-key.pem"
# Asymmetric algorithms only: a symmetric one would let a public key be used as an HMAC secret.
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]
CLOCK_SKEW_SECONDS = 60
# Verified tokens remembered, so that a caller's every request does not pay for an RSA check;
# no longer than a JWKS client keeps its keys, so a key taken out of a key set stops working
# as soon as it would without the cache.
VERIFIED_TOKENS = 1024
VERIFIED_SECONDS = 300.0


class AuthError(Exception):
    """A request that may not go on: `status` is 401 or 403."""

    def __init__(self, status: int, code: str, message: str, challenge: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.challenge = challenge


@dataclass(frozen=True)
class Principal:
    """Who called: the token's subject and how the permission was granted."""

    subject: str
    grant: str  # "delegated" (scp) or "application" (roles)


def _caller_of(claims: Mapping[str, Any]) -> str:
    """Who the token speaks for, the same across its refreshes: its subject (`sub`), else the
    object id of the user or app (`oid`). Empty when it names neither: such a token is refused
    (docs/decisions.md), so no caller escapes its rate limit by leaving them out."""
    for claim, prefix in (("sub", ""), ("oid", "oid:")):
        value = claims.get(claim)
        if isinstance(value, str) and value.strip():
            return prefix + value
    return ""


def tenant_of(issuer: str) -> str | None:
    """The tenant an Entra ID issuer names (`https://login.microsoftonline.com/{tid}/v2.0`,
    `https://sts.windows.net/{tid}/`): its first path segment when that is a GUID, else None."""
    segments = [segment for segment in urlsplit(issuer).path.split("/") if segment]
    if not segments:
        return None
    try:
        return str(uuid.UUID(segments[0]))
    except ValueError:
        return None


def _invalid(description: str) -> AuthError:
    return AuthError(
        401,
        "InvalidAuthenticationToken",
        description + ".",
        f'Bearer error="invalid_token", error_description="{description}"',
    )


@dataclass(frozen=True)
class DevKey:
    """The dev signing key: an RSA key generated on first use into the state folder."""

    private_key: rsa.RSAPrivateKey
    kid: str

    @classmethod
    def load_or_create(cls, state_dir: Path) -> DevKey:
        path = state_dir / DEV_KEY_FILE
        if not path.exists():
            state_dir.mkdir(parents=True, exist_ok=True)
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            pem = key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            # Written under a temporary name and linked into place, so a server and `make token`
            # starting together agree on one key: the first link wins, the other uses it.
            tmp = state_dir / f".{DEV_KEY_FILE}.{os.getpid()}.{uuid.uuid4().hex}"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(pem)
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
            finally:
                tmp.unlink()
        # The key is one this kit generated into a folder of its own (0600): its RSA checks
        # (37 ms, paid by every worker and `make token`) would only re-prove what we wrote.
        loaded = serialization.load_pem_private_key(
            path.read_bytes(), password=None, unsafe_skip_rsa_key_validation=True
        )
        if not isinstance(loaded, rsa.RSAPrivateKey):
            raise ValueError(f"{path.name} does not hold an RSA private key")
        der = loaded.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return cls(private_key=loaded, kid="dev-" + hashlib.sha256(der).hexdigest()[:16])

    def jwk(self) -> dict[str, Any]:
        """The public half as a JWK, as a JWKS endpoint would publish it."""
        jwk: dict[str, Any] = json.loads(
            jwt.algorithms.RSAAlgorithm.to_jwk(self.private_key.public_key())
        )
        jwk.update({"kid": self.kid, "use": "sig", "alg": "RS256"})
        return jwk

    def sign(self, claims: Mapping[str, Any]) -> str:
        return jwt.encode(
            dict(claims), self.private_key, algorithm="RS256", headers={"kid": self.kid}
        )


def dev_claims(
    *, issuer: str, audience: str, permission: bool = True, lifetime: int = 3600
) -> dict[str, Any]:
    """Claims of a delegated dev token, with or without the permission."""
    now = int(time.time())
    return {
        "iss": issuer,
        "aud": audience,
        "sub": "dev-user",
        "iat": now,
        "nbf": now,
        "exp": now + lifetime,
        "scp": PERMISSION if permission else "User.Read",
    }


def mint_dev_token(
    state_dir: Path,
    *,
    issuer: str,
    audience: str,
    permission: bool = True,
    lifetime: int = 3600,
    claims: Mapping[str, Any] | None = None,
) -> str:
    """A token signed by the dev key of `state_dir`; `claims` override or add claims."""
    body = dev_claims(issuer=issuer, audience=audience, permission=permission, lifetime=lifetime)
    body.update(claims or {})
    return DevKey.load_or_create(state_dir).sign({k: v for k, v in body.items() if v is not None})


def has_permission(claims: Mapping[str, Any]) -> str | None:
    """`delegated` or `application` when the claims grant the permission, else None."""
    scp = claims.get("scp")
    if isinstance(scp, str) and PERMISSION in scp.split():
        return "delegated"
    roles = claims.get("roles")
    if isinstance(roles, list) and PERMISSION in roles:
        return "application"
    return None


@dataclass(frozen=True)
class _Verified:
    claims: dict[str, Any]
    valid_from: float  # nbf and iat, less the clock skew allowed
    valid_until: float  # exp, plus the clock skew allowed
    remembered_until: float


class VerifiedTokens:
    """The claims of tokens whose signature, issuer and audience passed, least recently used
    forgotten first. A token is only ever found here inside the time its own claims allow."""

    def __init__(self, size: int = VERIFIED_TOKENS, seconds: float = VERIFIED_SECONDS) -> None:
        self._size = size
        self._seconds = seconds
        self._entries: OrderedDict[str, _Verified] = OrderedDict()
        self._lock = threading.Lock()  # tokens are checked in worker threads too

    def get(self, token: str, now: float) -> dict[str, Any] | None:
        with self._lock:
            entry = self._entries.get(token)
            if entry is None:
                return None
            if not (entry.valid_from <= now < entry.valid_until and now < entry.remembered_until):
                del self._entries[token]  # checked afresh, which says what is wrong with it
                return None
            self._entries.move_to_end(token)
            return entry.claims

    def put(self, token: str, claims: dict[str, Any], now: float) -> None:
        try:
            starts = max(int(claims.get("nbf", 0)), int(claims.get("iat", 0)))
            valid_until = int(claims["exp"]) + CLOCK_SKEW_SECONDS
        except (KeyError, TypeError, ValueError, OverflowError):
            return  # claims PyJWT accepted but this cannot bound in time: never remembered
        entry = _Verified(claims, starts - CLOCK_SKEW_SECONDS, valid_until, now + self._seconds)
        with self._lock:
            self._entries[token] = entry
            self._entries.move_to_end(token)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)


class Authenticator:
    """Checks `Authorization` headers against the keys the settings name."""

    def __init__(self, settings: ServerSettings) -> None:
        self._issuer = settings.issuer
        self._audience = settings.audience
        self._tenant = tenant_of(self._issuer)
        self._dev_keys: Keys = {}
        self._file_keys: FileKeys | None = None
        self._url_keys: UrlKeys | None = None
        if settings.dev_mode:
            dev = DevKey.load_or_create(settings.state_dir)
            self._dev_keys[dev.kid] = jwt.PyJWK(dev.jwk())
        if settings.jwks_file:
            self._file_keys = FileKeys(settings.jwks_file)
        if settings.jwks_url:
            self._url_keys = UrlKeys(
                settings.jwks_url,
                timeout=settings.jwks_timeout,
                refresh=settings.jwks_refresh,
                max_age=VERIFIED_SECONDS,
            )
        self._verified = VerifiedTokens()

    @property
    def may_block(self) -> bool:
        """False: checking a token never waits for the network (keys are fetched in a thread of
        their own, `signing_keys`), so it takes no worker thread from the storage calls."""
        return False

    def authenticate(self, authorization: str | None) -> Principal:
        """The caller, or an `AuthError` saying why not."""
        if not authorization:
            raise AuthError(
                401,
                "InvalidAuthenticationToken",
                "Access token is empty. Send 'Authorization: Bearer {token}'.",
                "Bearer",
            )
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise _invalid("The Authorization header is not a Bearer token")
        now = time.time()
        claims = self._verified.get(token, now)
        if claims is None:
            claims = self._verify(token)
            self._verified.put(token, claims, now)
        caller = _caller_of(claims)
        if not caller:
            raise _invalid("The token names no caller: it has no sub or oid claim")
        grant = has_permission(claims)
        if grant is None:
            raise AuthError(
                403,
                "Authorization_RequestDenied",
                f"Insufficient privileges to complete the operation: the token needs {PERMISSION} "
                "as a delegated (scp) or application (roles) permission.",
                f'Bearer error="insufficient_scope", scope="{PERMISSION}"',
            )
        return Principal(subject=caller, grant=grant)

    def _verify(self, token: str) -> dict[str, Any]:
        """The claims of a token whose signature, times, issuer and audience are right."""
        key = self._key_for(token)
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key,
                algorithms=ALGORITHMS,
                audience=self._audience,
                issuer=self._issuer,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            raise _invalid("The token has expired") from None
        except jwt.ImmatureSignatureError:
            raise _invalid("The token is not valid yet") from None
        except jwt.InvalidAudienceError:
            raise _invalid("The token is not meant for this audience") from None
        except jwt.InvalidIssuerError:
            raise _invalid("The token comes from an issuer this service does not trust") from None
        except jwt.InvalidSignatureError:
            raise _invalid("The token signature is invalid") from None
        except jwt.MissingRequiredClaimError as exc:
            raise _invalid(f"The token has no {exc.claim} claim") from None
        except jwt.PyJWTError:
            raise _invalid(
                "The token is malformed or uses an algorithm this service refuses"
            ) from None
        for claim in ("exp", "nbf", "iat"):
            value = claims.get(claim)
            # NumericDate is a JSON number (RFC 7519 §2); PyJWT would read "1700000000" too.
            if claim in claims and (isinstance(value, bool) or not isinstance(value, int | float)):
                raise _invalid(f"The token's {claim} claim is not a number")
        if self._tenant is not None:
            tid = claims.get("tid")
            if not isinstance(tid, str) or tid.strip().lower() != self._tenant:
                raise _invalid("The token is not from this service's tenant")
        return claims

    def _key_for(self, token: str) -> jwt.PyJWK:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise _invalid("The token is malformed") from None
        kid = header.get("kid")
        keys = self._dev_keys
        if self._file_keys is not None:
            keys = self._file_keys.keys()
        elif self._url_keys is not None:
            keys = self._url_keys.keys()
        if isinstance(kid, str) and kid in keys:
            return keys[kid]
        if kid is None and len(keys) == 1 and self._url_keys is None:
            return next(iter(keys.values()))
        if self._url_keys is not None and isinstance(kid, str):
            # Refused now, whatever the fetch finds: the caller's retry passes once it has.
            self._url_keys.missing()
        raise _invalid("The token is signed by a key this service does not trust")
