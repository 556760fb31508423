"""A real `python -m reference_server` process on a free 127.0.0.1 port, for HTTP-level tests.

Tests talk to the server the way users do, over a socket, so what they check is what `make serve`
does. The process runs in dev mode with response validation on, in its own temporary state folder.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import ssl
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from reference_server.auth import mint_dev_token
from reference_server.settings import DEV_AUDIENCE, DEV_ISSUER, ServerSettings
from reference_server.storage import open_store
from reference_server.storage.base import RunStore
from tooling.processes import ProcessError, child_env, free_port
from tooling.reference import reference_service, server_command

START_TIMEOUT_SECONDS = 30.0
STOP_WAIT_SECONDS = 15.0  # then each one's own stop kills what is left, as it would alone

ServerError = ProcessError
"""The server process did not start, or died while it should have been serving."""


@functools.cache
def tls_context() -> ssl.SSLContext:
    """One TLS context for the tests' clients: httpx builds one for every client it makes (25 ms
    of CPU each, the CA bundle read again), though a test server speaks plain HTTP."""
    return httpx.create_ssl_context()


class ServerProcess:
    """Start, stop, kill and restart one reference server process.

    Use it as a context manager (the process is always stopped on exit), or call `start()` and
    `stop()` yourself. `state_dir` survives restarts, so data written before a `kill()` can be read
    after `restart()`.
    """

    def __init__(
        self,
        *,
        dev: bool = True,
        validate_responses: bool = True,
        args: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
        state_dir: Path | None = None,
        port: int | None = None,
        workers: int = 1,
    ) -> None:
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        if state_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="reference-server-")
            state_dir = Path(self._tmp.name) / "state"
        self.state_dir = state_dir
        self.dev = dev
        self.validate_responses = validate_responses
        self.extra_args = list(args)
        # One worker unless a test asks for more: each one more is a process to start, and the
        # tests that are about several workers (durability, If-Match, rate limits) ask for two.
        self.extra_env = {"WORKERS": str(workers), **(env or {})}
        self.port = port or free_port()
        self.log_path = self.state_dir.parent / f"server-{self.port}.log"
        self._service = reference_service(
            "the server", self.command, port=self.port, log_path=self.log_path
        )
        self._service.start_timeout = START_TIMEOUT_SECONDS

    # -- addresses and tokens -------------------------------------------------------------------

    @property
    def root_url(self) -> str:
        """`http://127.0.0.1:PORT`, where `/openapi.json` and `/docs` live."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """The API's base URL, ending in `/beta`."""
        return self.root_url + "/beta"

    @property
    def issuer(self) -> str:
        return self.extra_env.get("TOKEN_ISSUER") or DEV_ISSUER

    @property
    def audience(self) -> str:
        return self.extra_env.get("TOKEN_AUDIENCE") or DEV_AUDIENCE

    @property
    def database_url(self) -> str:
        """Where the server stores its data (`DATABASE_URL`, or SQLite in the state folder)."""
        settings = ServerSettings(
            state_dir=self.state_dir, database_url=self.extra_env.get("DATABASE_URL")
        )
        return settings.effective_database_url

    def open_store(self) -> RunStore:
        """A second connection to the server's storage, to look at what it stored (close it)."""
        return open_store(self.database_url)

    def token(self, permission: bool = True, **claims: Any) -> str:
        """A dev token for this server; keyword arguments override claims (None removes one)."""
        return mint_dev_token(
            self.state_dir,
            issuer=self.issuer,
            audience=self.audience,
            permission=permission,
            claims=claims,
        )

    def auth_headers(self, permission: bool = True, **claims: Any) -> dict[str, str]:
        """`Authorization` and `Content-Type` headers for a JSON request."""
        return {
            "Authorization": f"Bearer {self.token(permission, **claims)}",
            "Content-Type": "application/json",
        }

    def client(self, **kwargs: Any) -> httpx.Client:
        """An httpx client on `base_url` (close it, or use it in a `with`)."""
        kwargs.setdefault("verify", tls_context())
        return httpx.Client(base_url=self.base_url, timeout=30.0, **kwargs)

    # -- life cycle -----------------------------------------------------------------------------

    @property
    def command(self) -> list[str]:
        return server_command(
            self.port,
            self.state_dir,
            dev=self.dev,
            validate_responses=self.validate_responses,
            args=self.extra_args,
        )

    @property
    def pid(self) -> int:
        return self._service.pid

    @property
    def returncode(self) -> int | None:
        return self._service.returncode

    @property
    def running(self) -> bool:
        return self._service.running

    def log(self) -> str:
        """Everything the process wrote to stdout and stderr so far."""
        return self._service.log()

    def launch(self) -> ServerProcess:
        """Start the process without waiting for it to answer (`wait_ready` does)."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        # Rebuilt on every start: a test may change the command or environment between runs.
        self._service.command = self.command
        self._service.env = child_env(self.extra_env)
        self._service.launch()
        return self

    def wait_ready(self) -> ServerProcess:
        """Wait until the launched server serves its spec; ServerError if it never does."""
        try:
            self._service.wait_ready()
        except ProcessError as error:
            raise ServerError(f"{error}\n{self.log()}") from None
        return self

    def start(self) -> ServerProcess:
        return self.launch().wait_ready()

    def stop(self, sig: int = signal.SIGTERM) -> int:
        """Ask the server to stop (SIGTERM by default), wait, and return its exit code."""
        code = self._service.stop(sig)
        return 0 if code is None else code

    def kill(self) -> None:
        """SIGKILL: the process gets no chance to flush or clean up."""
        self._service.kill()

    def restart(self) -> ServerProcess:
        """Stop the process if it runs, then start a new one on the same port and state folder."""
        self.stop()
        return self.start()

    def close(self) -> None:
        """Stop the process and remove the temporary state folder, if this object made it."""
        self.stop()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


@contextlib.contextmanager
def side_by_side(*servers: ServerProcess) -> Iterator[tuple[ServerProcess, ...]]:
    """Start `servers` at once, each one's start-up beside the others' rather than after them,
    and wait until all serve; every one is closed on exit, as `with` closes one."""
    with contextlib.ExitStack() as stack:
        for server in servers:
            stack.callback(server.close)
        stack.callback(_stop_together, servers)  # runs first: each then closes a stopped process
        for server in servers:
            server.launch()
        for server in servers:
            server.wait_ready()
        yield servers


def _stop_together(servers: Sequence[ServerProcess]) -> None:
    """SIGTERM to every server that runs, then wait for them all: their shutdowns overlap. (A
    second signal to one already stopping is never sent: `close()` finds it ended.)"""
    running = [server for server in servers if server.running]
    for server in running:
        with contextlib.suppress(ProcessLookupError):
            os.kill(server.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_WAIT_SECONDS
    while any(server.returncode is None for server in running) and time.monotonic() < deadline:
        time.sleep(0.02)
