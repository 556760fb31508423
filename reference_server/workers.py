"""Worker processes for uvicorn: forked, each with its own listening socket on the one port.

Each worker binds the port with `SO_REUSEPORT`, so the kernel spreads new connections over the
workers evenly. (With one socket shared by all, as uvicorn's own supervisor does, the worker
that wakes first accepts every connection that is waiting: a load that opens its connections
at once lands on one worker.) Workers are forked, not spawned: they start from the parent's
imports in a fraction of a second. The parent holds the port bound (not listening) so that a
port in use fails the start at once, restarts a worker that dies, and on SIGTERM or SIGINT
stops them all, each finishing what it accepted.

`SO_REUSEPORT` alone would let a second server (or any process of the same user that asks for
it) join a port that one already serves, and the kernel would split the connections between
them. So every start first claims the port with a plain bind (`claim_port`), which fails while
any socket holds it, whatever its options; only then do the workers join it.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import signal
import socket
import time
from collections.abc import Callable

log = logging.getLogger("reference_server")
SIGNALS = {signal.SIGCHLD, signal.SIGTERM, signal.SIGINT}
# A worker that dies sooner than this after its start is not restarted: it would only die again
# (its port or its app is broken), so the server stops instead.
CRASH_LOOP_SECONDS = 5.0
STARTUP_FAILED = 3


class PortInUseError(OSError):
    """Another socket holds the port: a second server must not start beside the first."""

    def __str__(self) -> str:
        return str(self.strerror)


def claim_port(host: str, port: int) -> None:
    """Fail with `PortInUseError` unless `host:port` is free: a bind without `SO_REUSEPORT`
    succeeds only when no socket holds the port (`SO_REUSEADDR` lets a port whose last server
    just stopped be taken again, as every server does)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
            raise PortInUseError(
                errno.EADDRINUSE, f"port {port} on {host} is in use by another process"
            ) from None


def listener(host: str, port: int, *, listen: bool = True, backlog: int = 2048) -> socket.socket:
    """A TCP socket bound to `host:port` in the port's `SO_REUSEPORT` group."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP said out loud: asyncio turns Nagle's algorithm off (TCP_NODELAY) only on sockets
    # that say so, and with it on, a response in two writes waits 40 ms for the client's ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
        if listen:
            sock.listen(backlog)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


class Supervisor:
    """Runs `count` workers, each `work(index)` in a forked process, until SIGTERM or SIGINT."""

    def __init__(self, count: int, work: Callable[[int], None], grace: float) -> None:
        self.count = count
        self.work = work
        self.grace = grace
        self.workers: dict[int, tuple[int, float]] = {}  # pid -> (index, start time)

    def run(self) -> int:
        """Serve until a stop signal (0), or until a worker cannot start (1)."""
        signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
        try:
            for index in range(self.count):
                self._start(index)
            status = self._watch()
            self._stop_all()
            return status
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)

    def _start(self, index: int) -> None:
        pid = os.fork()
        if pid == 0:  # the worker: default signal handling, then serve until told to stop
            code = 0
            try:
                for number in (signal.SIGTERM, signal.SIGINT, signal.SIGCHLD):
                    signal.signal(number, signal.SIG_DFL)
                signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)
                self.work(index)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            except BaseException:
                log.exception("worker %d failed", index + 1)
                code = STARTUP_FAILED
            finally:
                logging.shutdown()
                os._exit(code)
        self.workers[pid] = (index, time.monotonic())

    def _watch(self) -> int:
        while True:
            received = signal.sigwaitinfo(SIGNALS)
            if received.si_signo != signal.SIGCHLD:
                log.info(
                    "received %s, stopping the workers", signal.Signals(received.si_signo).name
                )
                return 0
            for index, started, status in self._reap():
                how = _ended(status)
                if time.monotonic() - started < CRASH_LOOP_SECONDS:
                    log.error("worker %d %s right after its start; stopping", index + 1, how)
                    return 1
                log.warning("worker %d %s; starting a new one", index + 1, how)
                self._start(index)

    def _reap(self) -> list[tuple[int, float, int]]:
        """The workers that ended, as (index, start time, wait status); forgotten here."""
        ended = []
        while self.workers:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            if pid in self.workers:
                index, started = self.workers.pop(pid)
                ended.append((index, started, status))
        return ended

    def _stop_all(self) -> None:
        for pid in self.workers:
            _signal(pid, signal.SIGTERM)
        deadline = time.monotonic() + self.grace + 5
        while self.workers and time.monotonic() < deadline:
            signal.sigtimedwait({signal.SIGCHLD}, 0.1)
            self._reap()
        for pid in self.workers:
            log.warning("worker process %d did not stop in time; killed", pid)
            _signal(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        self.workers.clear()


def _signal(pid: int, number: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, number)


def _ended(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"was killed by {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exited with status {os.waitstatus_to_exitcode(status)}"
