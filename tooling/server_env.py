"""The reference server's environment variables, each declared once: its name, how its text is
read, and its value when unset.

Two readers need the same list: the server builds its settings from them
(`reference_server.settings`), and the kit drops them from the environment of every server it
starts (`tooling.processes`), so that a developer's exported `make serve` settings never reach a
test's server. They live here because `tooling` is the bottom layer both may import; the server
may not be imported by the kit's helpers.

Starlette's `Config` reads and casts them: the server runs on Starlette already, and it costs
nothing at start-up, where pydantic-settings adds its model machinery (about 130 ms of CPU to
each server process, measured).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from starlette.config import Config

from tooling.paths import SPEC

T = TypeVar("T")


class EnvironmentValueError(ValueError):
    """A variable is set to text its type cannot read; the message names the variable."""


def flag(text: str) -> bool:
    """On for 1, true, yes or on (in any case); anything else is off."""
    return text.strip().lower() in {"1", "true", "yes", "on"}


def choice(text: str) -> str:
    """A name from a fixed list, compared without case or surrounding spaces."""
    return text.strip().lower()


@dataclass(frozen=True)
class Variable(Generic[T]):
    """One environment variable: `cast` reads its text, `default` stands in when it is unset or
    empty, `kind` says what `cast` wants in the message of a value it refuses."""

    name: str
    cast: Callable[[str], T]
    default: T
    kind: str = "text"

    def read(self, config: Config) -> T:
        """The value `config` holds (see `server_config`), or the default."""
        try:
            value: T | None = config(self.name, cast=self.cast, default=None)
        except ValueError:
            raise EnvironmentValueError(
                f"{self.name} must be {self.kind}, not {config(self.name)!r}"
            ) from None
        return self.default if value is None else value


HOST: Variable[str] = Variable("HOST", str, "127.0.0.1")
PORT: Variable[int] = Variable("PORT", int, 8000, "a whole number")
WORKERS: Variable[int | None] = Variable("WORKERS", int, None, "a whole number")
"""Unset: one worker process per core the server may run on."""
SERVER_STACK: Variable[str] = Variable("SERVER_STACK", choice, "uvicorn-uvloop")
"""The default is the stack measured fastest with everything on (docs/decisions.md, D21)."""
RUNS_DEV_MODE: Variable[bool] = Variable("RUNS_DEV_MODE", flag, False)
STATE_DIR: Variable[Path] = Variable("STATE_DIR", Path, Path("state"))
DEMO_DATA: Variable[str | None] = Variable("DEMO_DATA", str, None)
"""A demo data file, or `none` for none; unset: the file the server ships."""
DATABASE_URL: Variable[str | None] = Variable("DATABASE_URL", str, None)
"""Unset: an SQLite file in the state folder."""
TOKEN_ISSUER: Variable[str | None] = Variable("TOKEN_ISSUER", str, None)
TOKEN_AUDIENCE: Variable[str | None] = Variable("TOKEN_AUDIENCE", str, None)
JWKS_FILE: Variable[Path | None] = Variable("JWKS_FILE", Path, None)
JWKS_URL: Variable[str | None] = Variable("JWKS_URL", str, None)
VALIDATE_RESPONSES: Variable[bool] = Variable("VALIDATE_RESPONSES", flag, False)
OPENAPI_SPEC: Variable[Path] = Variable("OPENAPI_SPEC", Path, SPEC)
DOCS_HTML: Variable[Path | None] = Variable("DOCS_HTML", Path, None)
"""Unset: the page `make publish` writes for the loaded spec's version, in dist/."""
RATE_LIMIT_PER_MINUTE: Variable[float | None] = Variable(
    "RATE_LIMIT_PER_MINUTE", float, None, "a number"
)
"""Requests per minute per caller; unset: the mode's default, 0: no limit."""
RATE_LIMIT_BURST: Variable[int | None] = Variable("RATE_LIMIT_BURST", int, None, "a whole number")
"""How many requests may come at once; unset: ten seconds' worth."""
SERVER_TIMELINE: Variable[Path | None] = Variable("SERVER_TIMELINE", Path, None)
"""A folder: each request's timeline goes there (`reference_server.timeline`, for the bench);
unset: no timeline, and nothing of it runs."""

# Connection limits (docs/decisions.md, D41): what one connection may hold of a worker.
HEAD_TIMEOUT_SECONDS: Variable[float] = Variable("HEAD_TIMEOUT_SECONDS", float, 10.0, "a number")
"""Seconds a connection may take to send a whole request head, counted from its opening or the
end of its last answer; an idle connection is closed when they are up."""
BODY_READ_TIMEOUT_SECONDS: Variable[float] = Variable(
    "BODY_READ_TIMEOUT_SECONDS", float, 10.0, "a number"
)
"""Seconds each read of a request body may wait for bytes; then 408 and the connection closes."""
MAX_HEADER_BYTES: Variable[int] = Variable("MAX_HEADER_BYTES", int, 32768, "a whole number")
"""Bytes of a request head (request line and header lines); 431 above it."""
MAX_HEADERS: Variable[int] = Variable("MAX_HEADERS", int, 100, "a whole number")
"""Header lines of a request; 431 above it."""
MAX_CONNECTIONS: Variable[int] = Variable("MAX_CONNECTIONS", int, 256, "a whole number")
"""Open connections per worker process; beyond it a new connection is answered 503 and closed
(uvicorn) or waits in the listening queue (granian)."""
CONNECTION_LIMITS = (
    HEAD_TIMEOUT_SECONDS,
    BODY_READ_TIMEOUT_SECONDS,
    MAX_HEADER_BYTES,
    MAX_HEADERS,
    MAX_CONNECTIONS,
)
# Keys, identity and the URLs the server writes (issue 25: the server at its edges).
JWKS_TIMEOUT_SECONDS: Variable[float] = Variable("JWKS_TIMEOUT_SECONDS", float, 5.0, "a number")
"""The longest a fetch of `JWKS_URL` may take, whole; a request waits no longer for keys."""
JWKS_REFRESH_SECONDS: Variable[float] = Variable("JWKS_REFRESH_SECONDS", float, 60.0, "a number")
"""The least time between two fetches of `JWKS_URL` that a token with an unknown `kid` starts."""
PUBLIC_BASE_URL: Variable[str | None] = Variable("PUBLIC_BASE_URL", str, None)
"""`scheme://host[:port]` that clients reach the server at: every absolute URL the server writes
starts with it. Unset: the listening address in dev mode; required in production mode."""
FORWARDED_ALLOW_IPS: Variable[str | None] = Variable("FORWARDED_ALLOW_IPS", str, None)
"""Comma-separated proxy addresses (or networks) whose `X-Forwarded-For` / `-Proto` are believed;
unset: none, whoever sends them."""

SERVER_VARIABLES = (
    HOST,
    PORT,
    WORKERS,
    SERVER_STACK,
    RUNS_DEV_MODE,
    STATE_DIR,
    DEMO_DATA,
    DATABASE_URL,
    TOKEN_ISSUER,
    TOKEN_AUDIENCE,
    JWKS_FILE,
    JWKS_URL,
    VALIDATE_RESPONSES,
    OPENAPI_SPEC,
    DOCS_HTML,
    RATE_LIMIT_PER_MINUTE,
    RATE_LIMIT_BURST,
    *CONNECTION_LIMITS,
    JWKS_TIMEOUT_SECONDS,
    JWKS_REFRESH_SECONDS,
    PUBLIC_BASE_URL,
    FORWARDED_ALLOW_IPS,
    SERVER_TIMELINE,
)

SERVER_ENV = frozenset(variable.name for variable in SERVER_VARIABLES)
"""Every name the server reads from its environment."""


def server_config(env: Mapping[str, str]) -> Config:
    """The server's variables in `env`, as Starlette's `Config`; one set to blanks counts as
    unset, as an empty `export` in a shell script means."""
    return Config(environ={name: env[name] for name in SERVER_ENV if env.get(name, "").strip()})
