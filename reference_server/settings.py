"""The server's settings: one frozen value built from command-line flags and the environment."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from reference_server.stacks import STACKS

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent
DEFAULT_SPEC = REPO_DIR / "openapi.yaml"
DEFAULT_DEMO_DATA = PACKAGE_DIR / "demo_data.json"
DIST_DIR = REPO_DIR / "dist"

# Dev-mode tokens carry these unless TOKEN_ISSUER / TOKEN_AUDIENCE say otherwise. The issuer is a
# name no real identity provider uses, so a dev token can never pass for a production one.
DEV_ISSUER = "urn:industrydata-run-contract-kit:dev-issuer"
DEV_AUDIENCE = "https://graph.microsoft.com"
# The HTTP servers the app can run on are the modules of stacks/ (STACKS); the default is the one
# measured fastest with everything on (docs/decisions.md, D21).
DEFAULT_STACK = "uvicorn-uvloop"
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

    host: str = "127.0.0.1"
    port: int = 8000
    dev_mode: bool = False
    state_dir: Path = Path("state")
    demo_data: Path | None = DEFAULT_DEMO_DATA
    database_url: str | None = None
    token_issuer: str | None = None
    token_audience: str | None = None
    jwks_file: Path | None = None
    jwks_url: str | None = None
    validate_responses: bool = False
    spec_path: Path = DEFAULT_SPEC
    # None: the page `make publish` writes for the loaded spec's version, in dist/.
    docs_html: Path | None = None
    # Requests per minute per caller (token subject); None: the mode's default (see ratelimit.py),
    # 0: no limit. The burst is how many may come at once; None: ten seconds' worth.
    rate_limit_per_minute: float | None = None
    rate_limit_burst: int | None = None
    # The HTTP server (one of STACKS) and how many processes serve the one port.
    stack: str = DEFAULT_STACK
    workers: int = 1

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


def _flag(env: Mapping[str, str], name: str) -> bool:
    return env.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def _float(env: Mapping[str, str], name: str) -> float | None:
    value = env.get(name, "").strip()
    try:
        return float(value) if value else None
    except ValueError:
        raise ServerSettingsError(f"{name} must be a number, not {value!r}") from None


def _int(env: Mapping[str, str], name: str) -> int | None:
    value = env.get(name, "").strip()
    try:
        return int(value) if value else None
    except ValueError:
        raise ServerSettingsError(f"{name} must be a whole number, not {value!r}") from None


def from_args(
    argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None
) -> ServerSettings:
    """Build settings from flags, falling back to the environment, then to the defaults."""
    env = os.environ if env is None else env
    parser = argparse.ArgumentParser(
        prog="python -m reference_server",
        description="The reference server of the industryData run API.",
    )
    parser.add_argument("--dev", action="store_true", help="dev mode: accept dev-key tokens")
    parser.add_argument("--host", default=env.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(env.get("PORT") or 8000))
    parser.add_argument("--state-dir", default=env.get("STATE_DIR") or "state")
    parser.add_argument("--data", help="demo data file (DEMO_DATA); 'none' loads nothing")
    parser.add_argument(
        "--stack",
        default=env.get("SERVER_STACK") or DEFAULT_STACK,
        help=f"the HTTP server (SERVER_STACK): {', '.join(STACKS)}",
    )
    parser.add_argument(
        "--workers",
        default=env.get("WORKERS") or None,
        help="worker processes on the one port (WORKERS); default: the number of cores",
    )
    parser.add_argument(
        "--validate-responses",
        action="store_true",
        help="check every response against openapi.yaml; a breach becomes a loud 500",
    )
    args = parser.parse_args(argv)
    return settings_from(args, env)


def settings_from(args: argparse.Namespace, env: Mapping[str, str]) -> ServerSettings:
    """Merge parsed flags with the environment."""
    data = args.data if args.data is not None else env.get("DEMO_DATA")
    demo_data: Path | None = DEFAULT_DEMO_DATA
    if data is not None and data != "":
        demo_data = None if data.lower() == "none" else Path(data)
    return ServerSettings(
        host=args.host,
        port=args.port,
        dev_mode=bool(args.dev) or _flag(env, "RUNS_DEV_MODE"),
        state_dir=Path(args.state_dir),
        demo_data=demo_data,
        database_url=env.get("DATABASE_URL") or None,
        token_issuer=env.get("TOKEN_ISSUER") or None,
        token_audience=env.get("TOKEN_AUDIENCE") or None,
        jwks_file=_path(env.get("JWKS_FILE")),
        jwks_url=env.get("JWKS_URL") or None,
        validate_responses=bool(args.validate_responses) or _flag(env, "VALIDATE_RESPONSES"),
        spec_path=_path(env.get("OPENAPI_SPEC")) or DEFAULT_SPEC,
        docs_html=_path(env.get("DOCS_HTML")),
        rate_limit_per_minute=_float(env, "RATE_LIMIT_PER_MINUTE"),
        rate_limit_burst=_int(env, "RATE_LIMIT_BURST"),
        stack=args.stack.strip().lower(),
        workers=_workers(args.workers),
    )


def _workers(value: str | None) -> int:
    if value is None or not value.strip():
        return cores()
    try:
        return int(value)
    except ValueError:
        raise ServerSettingsError(f"WORKERS must be a whole number, not {value!r}") from None
