"""Where a server process spends its time under load: py-spy samples every thread of it.

The CPU of each thread comes from the kernel's accounting (`/proc/PID/task`). The event loop
thread (uvicorn's main thread) is summed up by the package of
the innermost Python frame; the worker threads that serve storage calls by the source line they
were on, so waiting for a lock and committing to disk show up as the lines that do them.
"""

from __future__ import annotations

import linecache
import os
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from bench.report import Table

RATE = 100  # samples per second and thread
IDLE_LEAVES = ("selectors.py",)  # the event loop waiting for sockets
# By the innermost frame's file; first match wins.
PACKAGES = (
    ("token checks (PyJWT, cryptography)", ("jwt/", "cryptography/")),
    ("schema validation (jsonschema, referencing)", ("jsonschema/", "referencing/", "rpds")),
    ("storage (reference_server/storage)", ("reference_server/storage/",)),
    ("reference server, other", ("reference_server/",)),
    ("Starlette", ("starlette/",)),
    ("uvicorn, HTTP parsing", ("uvicorn/", "h11/", "httptools/")),
    ("hand-off to worker threads (anyio, queue)", ("anyio/", "queue.py", "threading.py")),
    ("logging", ("logging/",)),
    ("asyncio, socket I/O", ("asyncio/", "socket.py")),
    ("JSON", ("json/",)),
)


@dataclass
class Samples:
    """py-spy's raw (collapsed) stacks, split into the event loop and the worker threads."""

    seconds: float
    main: Counter[tuple[str, ...]] = field(default_factory=Counter)
    workers: Counter[tuple[str, ...]] = field(default_factory=Counter)

    @classmethod
    def parse(cls, text: str, seconds: float) -> Samples:
        samples = cls(seconds)
        for line in text.splitlines():
            stack, _, count = line.rpartition(" ")
            if not stack or not count.isdigit():
                continue
            thread, *frames = stack.split(";")
            if "watchdog" in thread:  # a worker's supervisor watchdog: it only sleeps
                continue
            target = samples.main if "MainThread" in thread else samples.workers
            target[tuple(frames)] += int(count)
        return samples


def _file(frame: str) -> tuple[str, int]:
    """The file and line of a py-spy frame, `function (path/file.py:123)`."""
    _, sep, where = frame.rpartition(" (")
    if not sep or not where.endswith(")"):
        return "", 0
    path, _, line = where[:-1].rpartition(":")
    return path, int(line) if line.isdigit() else 0


def _package(frame: str) -> str:
    path, _ = _file(frame)
    for name, prefixes in PACKAGES:
        if any(path.startswith(p) or f"/{p}" in path for p in prefixes):
            return name
    return "other (interpreter, stdlib)"


def _source(frame: str, root: Path) -> str:
    """`file:line` and the text of that line, found under `root` or on this interpreter's path."""
    path, line = _file(frame)
    text = ""
    for base in [str(root), *sys.path]:
        candidate = Path(base or ".") / path
        if candidate.is_file():
            text = linecache.getline(str(candidate), line).strip()
            break
    return f"{path}:{line} `{text}`" if text else f"{path}:{line}"


@dataclass(frozen=True)
class Profile:
    """What one profile found: shares of wall time, as fractions."""

    label: str
    packages: list[tuple[str, float]]  # the event loop's busy samples by package, largest first
    storage_threads: float  # worker threads inside the server's code, on average
    storage_lines: list[tuple[str, float]]  # their innermost lines of the server's code
    cpu: CpuShares | None = None

    def tables(self) -> list[Table]:
        loop = []
        if self.cpu is not None:
            loop += self.cpu.rows()
        loop += [
            [f"event loop thread's work: {name}", _percent(share)] for name, share in self.packages
        ]
        return [
            Table(
                f"Profile of the {self.label} under Update run load: CPU by thread, and the "
                "event loop thread's busy samples by the innermost frame's package",
                ["where", "share"],
                loop,
            ),
            Table(
                f"Profile of the {self.label}: worker threads in storage calls (on average "
                f"{self.storage_threads:.1f} at a time), by the innermost line of the server's "
                "code they were on",
                ["line", "share of their time"],
                [[line, _percent(share)] for line, share in self.storage_lines],
            ),
        ]

    def cores(self) -> str:
        return "unknown CPU" if self.cpu is None else self.cpu.sentence()

    def summary(self) -> str:
        """One sentence on where the time goes, for the report's notes."""
        top = ", ".join(f"{name} {_percent(share)}" for name, share in self.packages[:4])
        line, share = self.storage_lines[0] if self.storage_lines else ("none", 0.0)
        return (
            f"{self.cores()}; where its event loop thread works: {top}; storage calls spend "
            f"{_percent(share)} of their time at {line}"
        )


@dataclass(frozen=True)
class CpuShares:
    """CPU time over wall time, in cores, of the event loop thread and of all other threads."""

    loop_user: float
    loop_system: float
    others_user: float
    others_system: float

    def rows(self) -> list[list[str]]:
        return [
            [
                "CPU of the event loop thread (user + kernel)",
                f"{self.loop_user + self.loop_system:.2f} cores ({self.loop_system:.2f} kernel)",
            ],
            [
                "CPU of all other threads (storage, worker pool)",
                f"{self.others_user + self.others_system:.2f} cores "
                f"({self.others_system:.2f} kernel)",
            ],
        ]

    def sentence(self) -> str:
        loop = self.loop_user + self.loop_system
        others = self.others_user + self.others_system
        return (
            f"the process uses {loop + others:.2f} cores of CPU: its event loop thread "
            f"{loop:.2f}, all other threads {others:.2f} ({self.others_system:.2f} of it in the "
            "kernel: fsync, thread wake-ups)"
        )


def analyse(samples: Samples, label: str, root: Path, top: int = 6) -> Profile:
    busy = Counter[str]()
    for frames, count in samples.main.items():
        leaf = frames[-1] if frames else ""
        if not any(idle in _file(leaf)[0] for idle in IDLE_LEAVES):
            busy[_package(leaf)] += count
    lines = Counter[str]()
    for frames, count in samples.workers.items():
        # The innermost line of the server's own code: where it waits, queries or commits.
        own = [f for f in frames if _file(f)[0].startswith("reference_server/")]
        if own:
            lines[own[-1]] += count
    in_storage = sum(lines.values())
    busy_total = sum(busy.values()) or 1
    return Profile(
        label=label,
        packages=[(name, n / busy_total) for name, n in busy.most_common()],
        storage_threads=in_storage / (RATE * samples.seconds) if samples.seconds > 0 else 0.0,
        storage_lines=[
            (_source(frame, root), n / in_storage) for frame, n in lines.most_common(top)
        ],
    )


def _percent(share: float) -> str:
    return f"{100 * share:.1f}%"


def py_spy() -> str | None:
    found = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    return found if Path(found).exists() else None


def record(pid: int, seconds: float, out: Path) -> str | None:
    """py-spy's collapsed stacks of `pid` over `seconds`, or None with the reason printed."""
    tool = py_spy()
    if tool is None:
        print("bench: py-spy is not installed; no profile", file=sys.stderr)
        return None
    command = [tool, "record", "-p", str(pid), "-d", str(max(1, round(seconds)))]
    command += ["-r", str(RATE), "-f", "raw", "-o", str(out), "--threads", "--idle"]
    command += ["--nonblocking"]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    if done.returncode != 0 or not out.exists():
        print(f"bench: py-spy failed: {done.stderr.strip()[-500:]}", file=sys.stderr)
        return None
    return out.read_text(encoding="utf-8")


def serving_pid(pid: int) -> int:
    """The process that serves requests: `pid`, or, when it supervises workers, the worker that
    has used the most CPU so far (the one the load reached; the resource tracker serves none)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return pid
    used = {
        int(child): sum(user + system for user, system in thread_times(int(child)).values())
        for child in children
    }
    return max(used, key=lambda child: used[child]) if used else pid


def profile(
    pid: int, label: str, root: Path, load: Callable[[], None], seconds: float, work: Path
) -> Profile | None:
    """Profile `pid` (its code under `root`) while `load` runs in a thread; None when py-spy
    could not profile it."""
    driver = threading.Thread(target=load, daemon=True)
    driver.start()
    time.sleep(1.0)  # let the load reach its steady state first
    cpu, wall = thread_times(pid), time.monotonic()
    raw = record(pid, seconds, work / f"profile-{pid}.txt")
    cpu_after, wall_after = thread_times(pid), time.monotonic()
    driver.join()
    if raw is None:
        return None
    found = analyse(Samples.parse(raw, seconds), label, root)
    if cpu and cpu_after and wall_after > wall:
        found = replace(found, cpu=shares_of(pid, cpu, cpu_after, wall_after - wall))
    return found


def thread_times(pid: int) -> dict[int, tuple[int, int]]:
    """User and kernel clock ticks of every thread of `pid` so far (Linux; empty elsewhere)."""
    times = {}
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return {}
    for task in tasks:
        try:
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        # utime and stime are fields 14 and 15 of proc_pid_stat(5); fields[0] is field 3.
        times[int(task.name)] = (int(fields[11]), int(fields[12]))
    return times


def shares_of(
    pid: int, before: dict[int, tuple[int, int]], after: dict[int, tuple[int, int]], wall: float
) -> CpuShares:
    """The CPU each side used between two `thread_times`; the event loop thread is `pid`'s own."""
    ticks = os.sysconf("SC_CLK_TCK") * wall
    sums = [0, 0, 0, 0]
    for tid, (user, system) in after.items():
        user0, system0 = before.get(tid, (0, 0))
        side = 0 if tid == pid else 2
        sums[side] += user - user0
        sums[side + 1] += system - system0
    return CpuShares(*(n / ticks for n in sums))
