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
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from tooling.paths import NODE_BIN, ROOT
from tooling.processes import Service, child_env, free_port

PRISM = NODE_BIN / "prism"
START_TIMEOUT_SECONDS = 90.0


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
    )


def prism(key: str, label: str, *, quiet: bool) -> BenchTarget:
    """Prism mocking `openapi.yaml`; `quiet` turns its per-request log lines off."""
    port = free_port()
    command = [str(PRISM), "mock", str(ROOT / "openapi.yaml"), "-p", str(port), "-h", "127.0.0.1"]
    if quiet:
        command += ["-v", "warn"]
    return BenchTarget(key, label, tuple(command), ROOT, None, "", "/", port)


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
    return BenchTarget(key, label, command, ROOT, None, "/beta", "/", port)


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
    return into


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


@contextmanager
def started(targets: list[BenchTarget], logs: Path) -> Iterator[list[Running]]:
    """Start every target side by side, wait for all, and stop all of them on the way out."""
    with ExitStack() as stack:
        services = []
        for target in targets:
            service = target.service(logs)
            stack.callback(service.stop)
            service.launch()
            services.append(service)
        running = []
        for target, service in zip(targets, services, strict=True):
            service.wait_ready()
            token = dev_token(target) if target.state_dir is not None else None
            running.append(Running(target, service, token))
        yield running
