"""Servers started as child processes on a free loopback port, and always stopped.

Only command lines cross this boundary: the harness never imports the server it fuzzes. The
process helpers here (a free port, waiting for an answer, stopping, the server's settings) know
no server internals, so the tests' and the bench's process wrappers use them too.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from fuzzing.target import Target

REFERENCE_SERVER = (sys.executable, "-m", "reference_server", "--dev", "--validate-responses")
TOKEN_COMMAND = (sys.executable, "-m", "reference_server.token")
# Server settings a developer may have exported for `make serve`: the embedded server must not
# pick up their state, data file or keys. `DATABASE_URL` passes through on purpose, so that
# `DATABASE_URL=postgresql://... make fuzz` fuzzes the server on PostgreSQL.
SERVER_ENV = frozenset(
    {
        "HOST",
        "PORT",
        "RUNS_DEV_MODE",
        "STATE_DIR",
        "DEMO_DATA",
        "TOKEN_ISSUER",
        "TOKEN_AUDIENCE",
        "JWKS_FILE",
        "JWKS_URL",
        "VALIDATE_RESPONSES",
        "OPENAPI_SPEC",
        "DOCS_HTML",
        "RATE_LIMIT_PER_MINUTE",
        "RATE_LIMIT_BURST",
    }
)
_READY_TIMEOUT = 60.0
_STOP_TIMEOUT = 15.0


class ServerError(RuntimeError):
    """The server did not start; the message holds the end of its log."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def env_without(names: Collection[str] = SERVER_ENV) -> dict[str, str]:
    """This process's environment without `names` (the server's settings by default)."""
    return {name: value for name, value in os.environ.items() if name not in names}


@dataclass(frozen=True)
class RunningServer:
    base_url: str
    pid: int
    state_dir: Path


def log_tail(log: Path, lines: int = 30) -> str:
    """The last `lines` lines of a process's log ("" while there is none)."""
    try:
        return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _any_answer(response: httpx.Response) -> bool:
    return True


def wait_for_answer(
    process: subprocess.Popen[bytes] | None,
    url: str,
    *,
    timeout: float,
    pause: float = 0.1,
    ready: Callable[[httpx.Response], bool] = _any_answer,
) -> bool:
    """Poll `url` until an answer is `ready`: True then, False once the process ends or `timeout` s
    pass (the caller tells which from `process.poll()` and says it in its own words)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is None or process.poll() is not None:
            return False
        try:
            if ready(httpx.get(url, timeout=2.0)):
                return True
        except httpx.TransportError:
            pass
        time.sleep(pause)
    return False


def _wait_until_ready(process: subprocess.Popen[bytes], origin: str, log: Path) -> None:
    # Any HTTP answer will do: the server is listening and routing.
    if wait_for_answer(process, f"{origin}/beta", timeout=_READY_TIMEOUT):
        return
    if process.poll() is not None:
        raise ServerError(f"the server exited with {process.returncode}:\n{log_tail(log)}")
    raise ServerError(f"the server did not answer within {_READY_TIMEOUT:.0f} s:\n{log_tail(log)}")


def stop(
    process: subprocess.Popen[bytes],
    signal_number: int = signal.SIGTERM,
    grace: float = _STOP_TIMEOUT,
) -> None:
    """Ask a child process to stop with `signal_number`; kill it if it has not within `grace` s."""
    if process.poll() is not None:
        return
    process.send_signal(signal_number)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def serve(command: Sequence[str], state_dir: Path, log: Path) -> Iterator[RunningServer]:
    """Run `command --port N --state-dir DIR` on a free port until the block ends."""
    port = free_port()
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*command, "--port", str(port), "--state-dir", str(state_dir)],
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**env_without(), "PYTHONUNBUFFERED": "1"},
        )
        try:
            origin = f"http://127.0.0.1:{port}"
            _wait_until_ready(process, origin, log)
            yield RunningServer(base_url=f"{origin}/beta", pid=process.pid, state_dir=state_dir)
        finally:
            stop(process)


def mint_token(state_dir: Path, *, permission: bool = True) -> str:
    """A dev token the dev server using `state_dir` accepts, from the reference token command."""
    command = [*TOKEN_COMMAND, "--state-dir", str(state_dir)]
    if not permission:
        command.append("--no-permission")
    result = subprocess.run(
        command, capture_output=True, text=True, check=False, timeout=60, env=env_without()
    )
    if result.returncode != 0:
        raise ServerError(f"{' '.join(command)} failed:\n{result.stderr}")
    return result.stdout.strip()


@contextmanager
def local_target(command: Sequence[str], log: Path) -> Iterator[Target]:
    """A dev-mode server from `command` with a fresh state, and tokens for it."""
    with (
        tempfile.TemporaryDirectory(prefix="fuzz-state-") as state,
        serve(command, Path(state), log) as server,
    ):
        yield Target(
            base_url=server.base_url,
            token=mint_token(server.state_dir),
            token_no_permission=mint_token(server.state_dir, permission=False),
        )
