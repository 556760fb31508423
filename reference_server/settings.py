"""The server's settings: one frozen value built from command-line flags and the environment.

The environment variables (names, how each is read, defaults) are declared in
`tooling.server_env`, which the kit's process helper reads as well.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from starlette.config import Config

from reference_server.connection_limits import ConnectionLimits
from reference_server.stacks import STACKS
from tooling.paths import ROOT
from tooling.server_env import (
    DATABASE_URL,
    DEMO_DATA,
    DOCS_HTML,
    FORWARDED_ALLOW_IPS,
    HOST,
    JWKS_FILE,
    JWKS_REFRESH_SECONDS,
    JWKS_TIMEOUT_SECONDS,
    JWKS_URL,
    OPENAPI_SPEC,
    PORT,
    PUBLIC_BASE_URL,
    RATE_LIMIT_BURST,
    RATE_LIMIT_PER_MINUTE,
    RUNS_DEV_MODE,
    SERVER_STACK,
    STATE_DIR,
    TOKEN_AUDIENCE,
    TOKEN_ISSUER,
    VALIDATE_RESPONSES,
    WORKERS,
    EnvironmentValueError,
    server_config,
)

DEFAULT_DEMO_DATA = Path(__file__).resolve().parent / "demo_data.json"
DIST_DIR = ROOT / "dist"

# Dev-mode tokens carry these unless TOKEN_ISSUER / TOKEN_AUDIENCE say otherwise. The issuer is a
# name no real identity provider uses, so a dev token can never pass for a production one.
DEV_ISSUER = "urn:industrydata-run-contract-kit:dev-issuer"
DEV_AUDIENCE = "https://graph.microsoft.com"
# The HTTP servers the app can run on are the modules of stacks/ (STACKS); the default is the one
# measured fastest with everything on (docs/decisions.md, D21).
DEFAULT_STACK = SERVER_STACK.default
MAX_WORKERS = 64
# A plain-http JWKS_URL is allowed to these hosts only: the keys never leave the machine.
LOOPBACK_NAMES = frozenset({"localhost"})


def cores() -> int:
    """The cores this process may run on: the default number of worker processes."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class ServerSettingsError(ValueError):
    """The flags and environment do not make a server that can run."""


@dataclass(frozen=True)
class ServerSettings:
    """Everything the server reads at start-up; nothing else is read later."""

    host: str = HOST.default
    port: int = PORT.default
    dev_mode: bool = RUNS_DEV_MODE.default
    state_dir: Path = STATE_DIR.default
    demo_data: Path | None = DEFAULT_DEMO_DATA
    database_url: str | None = DATABASE_URL.default
    token_issuer: str | None = TOKEN_ISSUER.default
    token_audience: str | None = TOKEN_AUDIENCE.default
    jwks_file: Path | None = JWKS_FILE.default
    jwks_url: str | None = JWKS_URL.default
    validate_responses: bool = VALIDATE_RESPONSES.default
    spec_path: Path = OPENAPI_SPEC.default
    # None: the page `make publish` writes for the loaded spec's version, in dist/.
    docs_html: Path | None = DOCS_HTML.default
    # Requests per minute per caller (token subject); None: the mode's default (see ratelimit.py),
    # 0: no limit. The burst is how many may come at once; None: ten seconds' worth.
    rate_limit_per_minute: float | None = RATE_LIMIT_PER_MINUTE.default
    rate_limit_burst: int | None = RATE_LIMIT_BURST.default
    # The HTTP server (one of STACKS) and how many processes serve the one port.
    stack: str = DEFAULT_STACK
    workers: int = 1
    # Deadlines and caps per connection (connection_limits.py).
    limits: ConnectionLimits = field(default_factory=ConnectionLimits)
    # How long one JWKS_URL fetch may take, and the least time between two that unknown `kid`s
    # start (docs/decisions.md).
    jwks_timeout: float = JWKS_TIMEOUT_SECONDS.default
    jwks_refresh: float = JWKS_REFRESH_SECONDS.default
    # Where clients reach the server (every absolute URL it writes), and whose X-Forwarded-*
    # headers it believes.
    public_base_url: str | None = PUBLIC_BASE_URL.default
    forwarded_allow_ips: str | None = FORWARDED_ALLOW_IPS.default

    @property
    def public_base(self) -> str:
        """`scheme://host[:port]` of every absolute URL the server writes: `PUBLIC_BASE_URL`, or in
        dev mode the listening address; never the request's `Host` (docs/decisions.md)."""
        if self.public_base_url:
            return self.public_base_url.rstrip("/")
        if self.dev_mode:
            host = "127.0.0.1" if _is_wildcard(self.host) else self.host
            return f"http://{f'[{host}]' if ':' in host else host}:{self.port}"
        raise ServerSettingsError("PUBLIC_BASE_URL is required unless dev mode is on")

    @property
    def trusted_proxies(self) -> list[str]:
        """The addresses and networks of `FORWARDED_ALLOW_IPS` (`*`: any); empty: none."""
        return [
            part.strip() for part in (self.forwarded_allow_ips or "").split(",") if part.strip()
        ]

    @property
    def effective_database_url(self) -> str:
        """`DATABASE_URL`, or an SQLite file in the state folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.state_dir / 'runs.sqlite3').resolve()}"

    @property
    def issuer(self) -> str:
        """The `iss` a token must carry."""
        if self.token_issuer:
            return self.token_issuer
        if self.dev_mode:
            return DEV_ISSUER
        raise ServerSettingsError("TOKEN_ISSUER is required unless dev mode is on")

    @property
    def audience(self) -> str:
        """The `aud` a token must carry."""
        if self.token_audience:
            return self.token_audience
        if self.dev_mode:
            return DEV_AUDIENCE
        raise ServerSettingsError("TOKEN_AUDIENCE is required unless dev mode is on")

    def check(self) -> None:
        """Fail at start-up, not at the first request, when production auth is incomplete, or when
        dev mode would sit beside production token settings."""
        if self.dev_mode:
            mixed = production_token_settings(self.token_issuer, self.jwks_file, self.jwks_url)
            if mixed:
                raise ServerSettingsError(
                    "dev mode (--dev, RUNS_DEV_MODE) trusts the local dev key and cannot run "
                    "beside production token settings: unset "
                    + ", ".join(mixed)
                    + " or leave dev mode"
                )
        else:
            missing = [
                name
                for name, value in (
                    ("TOKEN_ISSUER", self.token_issuer),
                    ("TOKEN_AUDIENCE", self.token_audience),
                )
                if not value
            ]
            if not (self.jwks_file or self.jwks_url):
                missing.append("JWKS_FILE or JWKS_URL")
            if not self.public_base_url:
                missing.append("PUBLIC_BASE_URL")
            if missing:
                raise ServerSettingsError(
                    "without --dev the server needs "
                    + ", ".join(missing)
                    + " (or run `make serve` for dev mode)"
                )
        if self.jwks_file and self.jwks_url:
            raise ServerSettingsError("set JWKS_FILE or JWKS_URL, not both")
        if self.jwks_url:
            _check_jwks_url(self.jwks_url)
        if not 0 < self.jwks_timeout <= 60:
            raise ServerSettingsError("JWKS_TIMEOUT_SECONDS must be above 0 and at most 60")
        if not 0 <= self.jwks_refresh <= 86400:
            raise ServerSettingsError("JWKS_REFRESH_SECONDS must be between 0 and 86400")
        if self.public_base_url:
            _check_public_base_url(self.public_base_url)
        for proxy in self.trusted_proxies:
            _check_proxy(proxy)
        if not 0 < self.port < 65536:
            raise ServerSettingsError(f"port {self.port} is out of range")
        if self.rate_limit_per_minute is not None and not 0 <= self.rate_limit_per_minute <= 1e6:
            raise ServerSettingsError(
                "RATE_LIMIT_PER_MINUTE must be between 0 (no limit) and 1000000"
            )
        if self.rate_limit_burst is not None and not 1 <= self.rate_limit_burst <= 1_000_000:
            raise ServerSettingsError("RATE_LIMIT_BURST must be between 1 and 1000000")
        if self.stack not in STACKS:
            raise ServerSettingsError(
                f"SERVER_STACK must be one of {', '.join(STACKS)}, not {self.stack!r}"
            )
        if not 1 <= self.workers <= MAX_WORKERS:
            raise ServerSettingsError(f"WORKERS must be between 1 and {MAX_WORKERS}")
        self.limits.check(self.stack)


def production_token_settings(
    token_issuer: str | None, jwks_file: Path | None, jwks_url: str | None
) -> list[str]:
    """The names of the settings given that only production mode reads: dev mode (and the dev
    tokens `make token` mints) never runs beside them."""
    return [
        name
        for name, value in (
            ("TOKEN_ISSUER", token_issuer not in (None, DEV_ISSUER)),
            ("JWKS_FILE", jwks_file),
            ("JWKS_URL", jwks_url),
        )
        if value
    ]


def _check_jwks_url(url: str) -> None:
    """https, or plain http to this machine only (docs/decisions.md)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        raise ServerSettingsError(f"JWKS_URL is not a URL: {url!r}") from None
    if parts.scheme == "https" and host:
        return
    if parts.scheme == "http" and host and _is_loopback(host):
        return
    raise ServerSettingsError(
        f"JWKS_URL must be an https URL (plain http only to a loopback address), not {url!r}"
    )


def _is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_wildcard(host: str) -> bool:
    """An address that listens on every interface, so names none a client could use."""
    try:
        return not host or ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False


def _check_public_base_url(url: str) -> None:
    """`http(s)://host[:port]`: no path, query, fragment or user."""
    try:
        parts = urlsplit(url)
        ok = (
            parts.scheme in ("http", "https")
            and bool(parts.hostname)
            and parts.username is None
            and parts.path in ("", "/")
            and not (parts.query or parts.fragment or "?" in url or "#" in url)
        )
        parts.port  # noqa: B018  (raises on a port that is not a number or out of range)
    except ValueError:
        ok = False
    if not ok:
        raise ServerSettingsError(
            f"PUBLIC_BASE_URL must be http(s)://host[:port] without a path, not {url!r}"
        )


def _check_proxy(proxy: str) -> None:
    """An address, a network or `*`: anything else would trust nobody, silently."""
    if proxy == "*":
        return
    try:
        ipaddress.ip_network(proxy, strict=False)
    except ValueError:
        raise ServerSettingsError(
            f"FORWARDED_ALLOW_IPS holds {proxy!r}: give IP addresses or networks, or *"
        ) from None


def from_args(
    argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None
) -> ServerSettings:
    """Build settings from flags, falling back to the environment, then to the defaults."""
    config = server_config(os.environ if env is None else env)
    parser = argparse.ArgumentParser(
        prog="python -m reference_server",
        description="The reference server of the industryData run API.",
    )
    try:
        parser.add_argument("--dev", action="store_true", help="dev mode: accept dev-key tokens")
        parser.add_argument("--host", default=HOST.read(config))
        parser.add_argument("--port", type=int, default=PORT.read(config))
        parser.add_argument("--state-dir", type=Path, default=STATE_DIR.read(config))
        parser.add_argument("--data", help="demo data file (DEMO_DATA); 'none' loads nothing")
        parser.add_argument(
            "--stack",
            default=SERVER_STACK.read(config),
            help=f"the HTTP server (SERVER_STACK): {', '.join(STACKS)}",
        )
        parser.add_argument(
            "--workers",
            help="worker processes on the one port (WORKERS); default: the number of cores",
        )
        parser.add_argument(
            "--validate-responses",
            action="store_true",
            help="check every response against openapi.yaml; a breach becomes a loud 500",
        )
        return settings_from(parser.parse_args(argv), config)
    except EnvironmentValueError as error:
        raise ServerSettingsError(str(error)) from None


def settings_from(args: argparse.Namespace, config: Config) -> ServerSettings:
    """Merge parsed flags with the server's environment variables (`server_config`)."""
    data = args.data if args.data is not None else DEMO_DATA.read(config)
    demo_data: Path | None = DEFAULT_DEMO_DATA
    if data:
        demo_data = None if data.lower() == "none" else Path(data)
    # A --workers flag is read as the variable would be, with the same message when it is wrong.
    workers = WORKERS.read(server_config({WORKERS.name: args.workers}) if args.workers else config)
    return ServerSettings(
        host=args.host,
        port=args.port,
        dev_mode=bool(args.dev) or RUNS_DEV_MODE.read(config),
        state_dir=Path(args.state_dir),
        demo_data=demo_data,
        database_url=DATABASE_URL.read(config),
        token_issuer=TOKEN_ISSUER.read(config),
        token_audience=TOKEN_AUDIENCE.read(config),
        jwks_file=JWKS_FILE.read(config),
        jwks_url=JWKS_URL.read(config),
        validate_responses=bool(args.validate_responses) or VALIDATE_RESPONSES.read(config),
        spec_path=OPENAPI_SPEC.read(config),
        docs_html=DOCS_HTML.read(config),
        rate_limit_per_minute=RATE_LIMIT_PER_MINUTE.read(config),
        rate_limit_burst=RATE_LIMIT_BURST.read(config),
        stack=args.stack.strip().lower(),
        workers=cores() if workers is None else workers,
        limits=ConnectionLimits.read(config),
        jwks_timeout=JWKS_TIMEOUT_SECONDS.read(config),
        jwks_refresh=JWKS_REFRESH_SECONDS.read(config),
        public_base_url=PUBLIC_BASE_URL.read(config),
        forwarded_allow_ips=FORWARDED_ALLOW_IPS.read(config),
    )
