"""Child processes on loopback: a free port, an environment without a developer's server
settings, waiting until one answers HTTP, and always stopping it (and what it forked).

The tests, the fuzzer's embedded server, the benchmarks and the soak all start servers through
`Service`, so they share one environment policy and one way to stop: a server started here never
outlives the block or the test that started it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO

import httpx

from tooling.paths import ROOT
from tooling.server_env import SERVER_ENV

START_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 15.0


class ProcessError(RuntimeError):
    """A process did not start, or did not answer in time; the message holds its log's end."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def child_env(
    extra: Mapping[str, str] | None = None, *, keep: Collection[str] = ()
) -> dict[str, str]:
    """This environment without the server's settings (but those in `keep`), plus `extra`.

    A developer may have exported them for `make serve`; a server started by the kit must not
    pick up their state, data file, keys or database unless the caller passes one on purpose.

    Output is unbuffered so that a log read after a crash holds everything the child printed.
    """
    inherited = {
        name: value for name, value in os.environ.items() if name not in SERVER_ENV or name in keep
    }
    return {**inherited, "PYTHONUNBUFFERED": "1", **(extra or {})}


def log_tail(log: Path, lines: int = 30) -> str:
    """The last `lines` lines of a process's log ("" while there is none)."""
    try:
        return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def any_answer(response: httpx.Response) -> bool:
    """Ready on any HTTP answer: the process is listening and routing."""
    return True


def wait_for_answer(
    process: subprocess.Popen[bytes] | None,
    url: str,
    *,
    timeout: float,
    pause: float = 0.05,
    ready: Callable[[httpx.Response], bool] = any_answer,
) -> bool:
    """Poll `url` until an answer is `ready`: True then, False once the process ends or `timeout` s
    pass (the caller tells which from `process.poll()` and says it in its own words)."""
    deadline = time.monotonic() + timeout
    # One client for every poll: each new one loads the CA bundle, ~50 ms of CPU a poll.
    with httpx.Client(timeout=2.0) as client:
        while time.monotonic() < deadline:
            if process is None or process.poll() is not None:
                return False
            try:
                if ready(client.get(url)):
                    return True
            except httpx.TransportError:
                pass
            time.sleep(pause)
    return False


def stop(
    process: subprocess.Popen[bytes],
    signal_number: int = signal.SIGTERM,
    grace: float = STOP_TIMEOUT_SECONDS,
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


class Service:
    """One server process: its own process group, ready once `ready_path` answers, always stopped.

    Use it as a context manager, or call `start()` and `stop()`; `restart()` starts it again on
    the same port (state kept by the caller's folders survives).
    """

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
        ready: Callable[[httpx.Response], bool] = any_answer,
        start_timeout: float = START_TIMEOUT_SECONDS,
        stop_timeout: float = STOP_TIMEOUT_SECONDS,
    ) -> None:
        self.name = name
        self.command = list(command)
        self.port = port
        self.log_path = log_path
        self.cwd = cwd
        self.env = dict(env) if env is not None else child_env()
        self.ready_path = ready_path
        self.ready = ready
        self.start_timeout = start_timeout
        self.stop_timeout = stop_timeout
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._launched = False

    @property
    def root_url(self) -> str:
        """`http://127.0.0.1:PORT`."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        if self._process is None:
            raise ProcessError(f"{self.name} is not running")
        return self._process.pid

    @property
    def returncode(self) -> int | None:
        """None while it runs (or never ran), else its exit status."""
        return None if self._process is None else self._process.poll()

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def launch(self) -> None:
        """Start the process without waiting (several can then start side by side)."""
        if self.running:
            raise ProcessError(f"{self.name} is already running")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        # A fresh log for a new service; a restart's output follows the earlier one's.
        self._log = self.log_path.open("ab" if self._launched else "wb")
        self._launched = True
        self._process = subprocess.Popen(
            self.command,
            cwd=self.cwd,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as one
        )

    def wait_ready(self) -> None:
        """Wait until `ready_path` gives an answer that `ready` accepts; stop it if none comes."""
        url = self.root_url + self.ready_path
        if wait_for_answer(self._process, url, timeout=self.start_timeout, ready=self.ready):
            return
        if self._process is not None and self._process.poll() is not None:
            message = f"{self.name} exited with {self._process.returncode}:\n{self.log_tail()}"
            self._close_log()
            raise ProcessError(message)
        self.kill()
        raise ProcessError(
            f"{self.name} did not answer within {self.start_timeout:.0f} s:\n{self.log_tail()}"
        )

    def start(self) -> Service:
        self.launch()
        self.wait_ready()
        return self

    def log(self) -> str:
        """Everything the process wrote to stdout and stderr so far."""
        try:
            return self.log_path.read_text("utf-8", errors="replace")
        except OSError:
            return ""

    def log_tail(self, lines: int = 30) -> str:
        return log_tail(self.log_path, lines)

    def stop(self, signal_number: int = signal.SIGTERM) -> int | None:
        """Send `signal_number` and wait; SIGKILL the whole group if it has not ended in time.

        Returns the exit status (None if it never ran). Children left in its process group (a
        worker it forked) are killed with it.
        """
        process = self._process
        if process is not None:
            if process.poll() is None:
                process.send_signal(signal_number)
                try:
                    process.wait(timeout=self.stop_timeout)
                except subprocess.TimeoutExpired:
                    self._kill_group(signal.SIGKILL)
                    process.wait()
            self._kill_group(signal.SIGKILL)
        self._close_log()
        return None if process is None else process.returncode

    def kill(self) -> None:
        """SIGKILL to the process and its group: nothing gets a chance to flush or clean up."""
        process = self._process
        if process is not None:
            self._kill_group(signal.SIGKILL)
            process.wait()
        self._close_log()

    def restart(self) -> Service:
        """Stop the process if it runs, then start a new one with the same command and port."""
        self.stop()
        return self.start()

    def _kill_group(self, signal_number: int) -> None:
        if self._process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._process.pid, signal_number)

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> Service:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
