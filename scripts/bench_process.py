"""Processes the bench starts and always stops: servers on 127.0.0.1, their output in a log file.

Every server under test is its own process, started here and stopped here, so that the load
generator and the server are separate processes talking over loopback, as a user's would.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO

from fuzzing.server import SERVER_ENV, env_without, log_tail, wait_for_answer

START_TIMEOUT_SECONDS = 90.0
STOP_TIMEOUT_SECONDS = 15.0
ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"

# Settings a developer may have exported for `make serve`, `DATABASE_URL` too: a bench server
# must not inherit them.
BENCH_SERVER_ENV = SERVER_ENV | {"DATABASE_URL"}


class ServiceError(RuntimeError):
    """A process did not start, or did not answer in time."""


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This environment without the server's settings, plus `extra`."""
    return {**env_without(BENCH_SERVER_ENV), "PYTHONUNBUFFERED": "1", **(extra or {})}


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
        url = self.root_url + self.ready_path
        if wait_for_answer(self._process, url, timeout=START_TIMEOUT_SECONDS):
            return
        if self._process is None or self._process.poll() is not None:
            raise ServiceError(f"{self.name} exited early:\n{self.log_tail()}")
        self.stop()
        raise ServiceError(f"{self.name} did not answer in {START_TIMEOUT_SECONDS:.0f} s")

    def log_tail(self, lines: int = 30) -> str:
        return log_tail(self.log_path, lines)

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
