"""Processes the bench starts and always stops: servers on 127.0.0.1, their output in a log file.

Every server under test is its own process, started here and stopped here, so that the load
generator and the server are separate processes talking over loopback, as a user's would.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO

import httpx

START_TIMEOUT_SECONDS = 90.0
STOP_TIMEOUT_SECONDS = 15.0
ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"

# Settings a developer may have exported for `make serve`; a bench server must not inherit them.
SERVER_ENV = frozenset(
    {
        "PORT",
        "RUNS_DEV_MODE",
        "STATE_DIR",
        "DEMO_DATA",
        "DATABASE_URL",
        "TOKEN_ISSUER",
        "TOKEN_AUDIENCE",
        "JWKS_FILE",
        "JWKS_URL",
        "VALIDATE_RESPONSES",
        "OPENAPI_SPEC",
        "DOCS_HTML",
    }
)


class ServiceError(RuntimeError):
    """A process did not start, or did not answer in time."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This environment without the server's settings, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if k not in SERVER_ENV}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


class Service:
    """One server process: started in its own process group, ready once it answers HTTP."""

    def __init__(
        self,
        name: str,
        command: Sequence[str],
        *,
        port: int,
        log_path: Path,
        cwd: Path = ROOT,
        env: Mapping[str, str] | None = None,
        ready_path: str = "/",
    ) -> None:
        self.name = name
        self.command = list(command)
        self.port = port
        self.log_path = log_path
        self.cwd = cwd
        self.env = clean_env(env)
        self.ready_path = ready_path
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def root_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        if self._process is None:
            raise ServiceError(f"{self.name} is not running")
        return self._process.pid

    def launch(self) -> None:
        """Start the process without waiting (several can then start side by side)."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("ab")
        self._process = subprocess.Popen(
            self.command,
            cwd=self.cwd,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as one
        )

    def wait_ready(self) -> None:
        """Wait until any HTTP answer comes back on `ready_path`."""
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self._process is None or self._process.poll() is not None:
                raise ServiceError(f"{self.name} exited early:\n{self.log_tail()}")
            try:
                httpx.get(self.root_url + self.ready_path, timeout=2.0)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        raise ServiceError(f"{self.name} did not answer in {START_TIMEOUT_SECONDS:.0f} s")

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text("utf-8", errors="replace")
        except FileNotFoundError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """SIGTERM to the process group, then SIGKILL if it has not ended in time."""
        process = self._process
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if process is not None:
            # Children left in the group (a forked worker) go with it.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> Service:
        self.launch()
        self.wait_ready()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
