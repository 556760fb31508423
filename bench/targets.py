"""The servers the bench compares, each a process on loopback that it starts and stops.

- the reference server as this tree has it: dev-mode auth (RS256 tokens), request validation,
  SQLite storage with WAL and `synchronous=FULL` in a folder on the repository's disk, one access
  log line per request; response validation off (that is for tests and fuzzing);
- the reference server of an earlier commit, unpacked with `git archive` (the "before" of a fix);
- Stoplight Prism mocking the same `openapi.yaml` (request validation is on in mock mode);
- the ceilings: a bare ASGI app that parses and echoes JSON, on each stack the server can run on.

The reference server of this tree runs with `--stack` and `--workers` as given (`make serve`'s
defaults when not); an earlier commit's server knows neither flag and runs as it did then.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from tooling.paths import NODE_BIN, ROOT
from tooling.processes import Service, child_env, free_port
from tooling.server_env import SERVER_STACK

PRISM = NODE_BIN / "prism"
START_TIMEOUT_SECONDS = 90.0
SOURCE = ".bench-source"  # in an unpacked commit: the commit and the paths it holds
T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class BenchTarget:
    """A server to start: what it is called, how it runs, and where its API lives."""

    key: str
    label: str
    command: tuple[str, ...]
    cwd: Path
    state_dir: Path | None  # reference servers: the state folder (dev key, database)
    api_prefix: str  # "/beta", or "" for Prism, which serves the paths at its root
    ready_path: str
    port: int
    env: tuple[tuple[str, str], ...] = ()  # set in its environment (SERVER_TIMELINE)
    # Which server this is, its port and folders aside: within `reused`, one process serves
    # every target that is the same. Empty: a server of its section alone (SERVER_TIMELINE's
    # file is written at its exit).
    same: str = ""

    def service(self, logs: Path) -> Service:
        return Service(
            self.label,
            self.command,
            port=self.port,
            log_path=logs / f"{self.key}.log",
            cwd=self.cwd,
            env=child_env(dict(self.env)),
            ready_path=self.ready_path,
            start_timeout=START_TIMEOUT_SECONDS,
        )


@dataclass(frozen=True)
class Running:
    """A started target: its address and, for reference servers, a token it accepts."""

    target: BenchTarget
    service: Service
    token: str | None

    @property
    def key(self) -> str:
        return self.target.key

    @property
    def label(self) -> str:
        return self.target.label

    def url(self, path: str) -> str:
        return self.service.root_url + self.target.api_prefix + path

    def serving(self, target: BenchTarget) -> Running:
        """This server under the key and label of `target`, which is the same server."""
        return Running(
            replace(self.target, key=target.key, label=target.label), self.service, self.token
        )


def reference(
    key: str,
    label: str,
    work: Path,
    tree: Path = ROOT,
    *,
    stack: str | None = None,
    workers: int | None = None,
    env: tuple[tuple[str, str], ...] = (),
) -> BenchTarget:
    """The reference server of `tree` (this repository, or an unpacked earlier commit), with
    `env` added to its environment."""
    port = free_port()
    state = work / f"{key}-state"
    source = (tree / SOURCE).read_text(encoding="utf-8") if tree != ROOT else "this tree"
    same = (
        f"reference server of {source}, stack {stack or SERVER_STACK.default}, "
        f"{workers or cores()} worker(s)"
    )
    command: tuple[str, ...] = (
        sys.executable,
        "-m",
        "reference_server",
        "--dev",
        "--port",
        str(port),
    )
    if stack is not None:
        command += ("--stack", stack)
    if workers is not None:
        command += ("--workers", str(workers))
    return BenchTarget(
        key=key,
        label=label,
        command=(*command, "--state-dir", str(state)),
        cwd=tree,
        state_dir=state,
        api_prefix="/beta",
        ready_path="/openapi.json",
        port=port,
        env=env,
        same="" if env else same,
    )


def prism(key: str, label: str, *, quiet: bool) -> BenchTarget:
    """Prism mocking `openapi.yaml`; `quiet` turns its per-request log lines off."""
    port = free_port()
    command = [str(PRISM), "mock", str(ROOT / "openapi.yaml"), "-p", str(port), "-h", "127.0.0.1"]
    if quiet:
        command += ["-v", "warn"]
    same = f"Prism mock{' -v warn' if quiet else ''}"
    return BenchTarget(key, label, tuple(command), ROOT, None, "", "/", port, same=same)


def ceiling(key: str, label: str, stack: str, workers: int) -> BenchTarget:
    port = free_port()
    command: tuple[str, ...] = (
        sys.executable,
        "-m",
        "bench.ceiling",
        "--port",
        str(port),
        "--stack",
        stack,
    )
    command += ("--workers", str(workers))
    same = f"bare ASGI echo, {stack}, {workers} worker(s)"
    return BenchTarget(key, label, command, ROOT, None, "/beta", "/", port, same=same)


def unpack_commit(
    commit: str, into: Path, paths: tuple[str, ...] = ("reference_server", "openapi.yaml")
) -> Path | None:
    """`paths` of `commit` (by default the server and spec), unpacked into `into`; None when git
    does not know it."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit, *paths],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        return None
    into.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(into, filter="data")
    full = subprocess.run(
        ["git", "rev-parse", "--verify", f"{commit}^{{commit}}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (into / SOURCE).write_text(f"{full} ({', '.join(sorted(paths))})", encoding="utf-8")
    return into


def cores() -> int:
    """The cores this process may run on: a reference server's default number of workers."""
    return max(1, len(os.sched_getaffinity(0)))


def dev_token(target: BenchTarget) -> str:
    """A token with the permission, minted by the target's own `reference_server.token`."""
    assert target.state_dir is not None
    done = subprocess.run(
        [sys.executable, "-m", "reference_server.token", "--state-dir", str(target.state_dir)],
        cwd=target.cwd,
        env=child_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def _ready(target: BenchTarget, service: Service) -> Running:
    service.wait_ready()
    token = dev_token(target) if target.state_dir is not None else None
    return Running(target, service, token)


def _each(action: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """`action` on every item side by side (threads: each mostly waits on a process)."""
    with ThreadPoolExecutor(max_workers=max(1, len(items))) as pool:
        return list(pool.map(action, items))


def _start(targets: Sequence[BenchTarget], logs: Path, services: list[Service]) -> list[Running]:
    """Start `targets` side by side and wait for all; `services` gets each to stop later."""
    launched = []
    for target in targets:
        service = target.service(logs)
        services.append(service)
        service.launch()
        launched.append((target, service))
    return _each(lambda pair: _ready(*pair), launched)


def _stop(services: Sequence[Service]) -> None:
    _each(lambda service: service.stop(), services)


class _Kept:
    """The servers a smoke run keeps running from the section that started them to its end."""

    def __init__(self) -> None:
        self.running: dict[str, Running] = {}
        self.services: list[Service] = []
        self.lock = threading.Lock()

    def start(
        self, targets: Sequence[BenchTarget], logs: Path, own: list[Service]
    ) -> list[Running]:
        """`targets`, those that are the same as a kept server served by it; the others started,
        and kept when they can be shared, else added to `own` (the section stops them)."""
        with self.lock:
            new: dict[str, BenchTarget] = {}
            for target in targets:
                if _same(target) not in self.running:
                    new.setdefault(_same(target), target)
            services: list[Service] = []
            try:
                fresh = _start(list(new.values()), logs, services)
            finally:
                for target, service in zip(new.values(), services, strict=False):
                    (self.services if target.same else own).append(service)
            found = dict(zip(new, fresh, strict=True))
            self.running |= {same: r for same, r in found.items() if r.target.same}
            return [
                self.running[target.same].serving(target) if target.same else found[_same(target)]
                for target in targets
            ]


def _same(target: BenchTarget) -> str:
    return target.same or repr(target)


_kept: _Kept | None = None


@contextmanager
def reused(enabled: bool = True) -> Iterator[None]:
    """Within it (when `enabled`), a target that is the same server as one already started
    (`BenchTarget.same`) is served by that one, and all stop at its end: for the smoke run,
    whose figures mean nothing, so that each server starts once for all its sections."""
    global _kept
    if not enabled:
        yield
        return
    _kept = _Kept()
    try:
        yield
    finally:
        kept, _kept = _kept, None
        _stop(kept.services)


@contextmanager
def started(targets: list[BenchTarget], logs: Path) -> Iterator[list[Running]]:
    """Start every target side by side, wait for all, and stop all of them (side by side too) on
    the way out; within `reused`, a server that can be shared starts once and stops at its end."""
    own: list[Service] = []
    try:
        yield _start(targets, logs, own) if _kept is None else _kept.start(targets, logs, own)
    finally:
        _stop(own)
