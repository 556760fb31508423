"""`make soak` end to end: read the settings, start a local server unless `SOAK_URL` names one,
drive the load, stop the server, and check its storage."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from reference_server.storage import open_store
from soak.load import Soak
from tooling.processes import Service, child_env, free_port
from tooling.reference import mint_token, reference_service, server_command

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
MAX_CLIENTS = 256
MAX_SECONDS = 3600
# The server finishes what it acknowledged and closes storage before it exits.
STOP_GRACE_SECONDS = 30.0


def local_server(state_dir: Path, env: Mapping[str, str]) -> Service:
    """`python -m reference_server --dev` on a free loopback port, its state in `state_dir`."""
    port = free_port()
    service = reference_service(
        "the server",
        server_command(port, state_dir),
        port=port,
        log_path=state_dir / "server.log",
        env=env,
    )
    service.stop_timeout = STOP_GRACE_SECONDS
    return service


def _setting(env: Mapping[str, str], name: str, default: int, maximum: int) -> int:
    raw = env.get(name, "").strip() or str(default)
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {raw!r}") from None
    if not 1 <= value <= maximum:
        raise SystemExit(f"{name} must be between 1 and {maximum}")
    return value


def _loopback_only(url: str) -> str:
    host = urlsplit(url).hostname or ""
    if host not in LOOPBACK:
        raise SystemExit(f"SOAK_URL must be on loopback (127.0.0.1), not {host!r}")
    return url.rstrip("/")


def soak(
    base_url: str,
    token: str,
    database_url: str,
    clients: int,
    seconds: float,
    server: Service | None = None,
) -> int:
    """Soak `base_url`, stop `server` (when the soak started it), then check storage."""
    load = Soak([base_url], token, clients)
    load.prepare()
    load.drive(seconds)
    if server is not None:
        server.stop()
    with open_store(database_url) as store:
        problems = load.verify(store)
    print(load.summary(seconds))
    if problems:
        print(f"SOAK FAILED: {len(problems)} problems")
        for problem in problems[:50]:
            print("  " + problem)
        return 1
    print("soak passed: no 5xx, every acknowledged write is in storage")
    return 0


def main(env: Mapping[str, str] | None = None) -> int:
    env = dict(os.environ if env is None else env)
    clients = _setting(env, "SOAK_CLIENTS", 16, MAX_CLIENTS)
    seconds = _setting(env, "SOAK_SECONDS", 30, MAX_SECONDS)
    if env.get("SOAK_URL"):
        base_url = _loopback_only(env["SOAK_URL"])
        if not env.get("SOAK_TOKEN") or not env.get("DATABASE_URL"):
            raise SystemExit(
                "with SOAK_URL, set SOAK_TOKEN (a token the server accepts) and DATABASE_URL "
                "(its storage, to check the writes)"
            )
        return soak(base_url, env["SOAK_TOKEN"], env["DATABASE_URL"], clients, seconds)
    with tempfile.TemporaryDirectory(prefix="soak-") as tmp:
        state_dir = Path(tmp)
        database_url = env.get("DATABASE_URL") or f"sqlite:///{state_dir / 'runs.sqlite3'}"
        # The kit's one policy for servers it starts: none of a developer's server settings,
        # only the database chosen here, and the stack and worker count when given.
        server_env = child_env({"DATABASE_URL": database_url}, keep=("WORKERS", "SERVER_STACK"))
        token = mint_token(state_dir, env=server_env)
        engine = urlsplit(database_url).scheme
        workers = server_env.get("WORKERS") or "one per core"
        print(
            f"soak: {clients} clients for {seconds} s against a local server on {engine}, "
            f"workers: {workers}"
        )
        with local_server(state_dir, server_env) as server:
            base_url = f"{server.root_url}/beta"
            return soak(base_url, token, database_url, clients, seconds, server)
