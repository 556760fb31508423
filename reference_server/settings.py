"""The server's settings: one frozen value built from command-line flags and the environment.

The environment variables (names, how each is read, defaults) are declared in
`tooling.server_env`, which the kit's process helper reads as well.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from starlette.config import Config

from reference_server.connection_limits import ConnectionLimits
from reference_server.stacks import STACKS
from tooling.paths import ROOT
from tooling.server_env import (
    DATABASE_URL,
    DEMO_DATA,
    DOCS_HTML,
    HOST,
    JWKS_FILE,
    JWKS_URL,
    OPENAPI_SPEC,
    PORT,
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
        """Fail at start-up, not at the first request, when production auth is incomplete."""
        if not self.dev_mode:
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
            if missing:
                raise ServerSettingsError(
                    "without --dev the server needs "
                    + ", ".join(missing)
                    + " (or run `make serve` for dev mode)"
                )
        if self.jwks_file and self.jwks_url:
            raise ServerSettingsError("set JWKS_FILE or JWKS_URL, not both")
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
    )
