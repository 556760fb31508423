"""Section 5: `make test` on a fresh clone, as CI runs it.

A `git clone` of the repository's last commit (uncommitted changes are not in it), with the
installed `.venv` and `node_modules` linked in and their lock files dated back so that `make`
sees the installs as done: the install is the registry's speed, not the suite's. No caches:
no stamps, no mypy or pytest cache. `CI=1`, as on CI, so that a test that would skip for a
missing tool fails instead. The smoke budget runs one quick test file the same way instead of
the whole suite (the smoke run is itself part of `make test`).
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import time
from pathlib import Path

from bench.budget import Budget
from bench.report import Section, Table, verdict_value
from tooling.paths import ROOT, VENV_BIN

GOAL_SECONDS = 180.0
SLOWEST = 8
"""How many of pytest's slowest tests (`--durations`) the section names."""
FULL_COMMAND = ("make", "--no-print-directory", "test", f"PYTEST_ARGS=--durations={SLOWEST}")
SMOKE_COMMAND = (
    str(VENV_BIN / "python"),
    "-m",
    "pytest",
    "-q",
    f"--durations={SLOWEST}",
    "tests/bench/test_bench.py::test_ratios_are_taken_pair_by_pair",
)
INSTALL_INPUTS = ("requirements.lock", "package-lock.json", "package.json")
OUTCOMES = ("passed", "failed", "errors", "error", "skipped", "xfailed", "xpassed", "deselected")


def fresh_clone(into: Path) -> tuple[Path, str]:
    """A clone of HEAD with the installs linked in; returns it and the commit it holds."""
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(into)], check=True)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=into,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    for name in (".venv", "node_modules"):
        (into / name).symlink_to(ROOT / name, target_is_directory=True)
    for name in INSTALL_INPUTS:
        os.utime(into / name, (0, 0))  # older than the installs: `make` does not redo them
    return into, commit


def counts(output: str) -> dict[str, int]:
    """What pytest's last summary line says: passed, failed, skipped and so on."""
    lines = [line for line in output.splitlines() if re.search(r"\b(passed|failed)\b", line)]
    if not lines:
        return {}
    found = re.findall(rf"(\d+) ({'|'.join(OUTCOMES)})\b", lines[-1])
    return {name: int(number) for number, name in found}


def slowest(output: str) -> list[tuple[float, str]]:
    """pytest's `--durations` lines: seconds and what took them (`call tests/x.py::test_y`)."""
    found = re.findall(r"^([0-9]+\.[0-9]+)s (call|setup|teardown) +(\S+)$", output, re.MULTILINE)
    return [(float(seconds), f"{when} {test}") for seconds, when, test in found]


def children_cpu_seconds() -> float:
    """User and system CPU of every process this one has waited for (`make` waits for all it
    starts, pytest's workers for their servers and commands)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def why_slow(cpu: float, cores: int, tests: list[tuple[float, str]]) -> str:
    """The measured reason a suite that passed took longer than the goal."""
    named = "; ".join(f"{test} {seconds:.0f} s" for seconds, test in tests[:SLOWEST])
    return (
        f"it used {cpu:.0f} CPU seconds (make and every process it waited for): on {cores} "
        f"cores that is at least {cpu / cores / 60:.1f} min with every core busy, where 3 "
        f"minutes allow {GOAL_SECONDS * cores:.0f} CPU seconds; what stands in the way is that "
        "CPU, most of it in tests that run the kit's commands as users do (the zoo, `make fuzz`, "
        f"the bench's smoke run, the servers' start-ups); the slowest tests: {named}"
    )


def measure(budget: Budget, work: Path) -> Section:
    clone, commit = fresh_clone(work / "clone")
    command = SMOKE_COMMAND if budget.smoke else FULL_COMMAND
    load = os.getloadavg()[0]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_ADDOPTS", "FORCE")}
    started, cpu_before = time.perf_counter(), children_cpu_seconds()
    done = subprocess.run(
        command, cwd=clone, env={**env, "CI": "1"}, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    cpu = children_cpu_seconds() - cpu_before
    tests = slowest(done.stdout)
    (work / "output.txt").write_text(done.stdout + done.stderr, encoding="utf-8")
    found = counts(done.stdout)
    passed = done.returncode == 0 and not found.get("skipped") and found.get("passed", 0) > 0
    section = Section(
        title="Suite: `make test` on a fresh clone",
        what=(
            f"{'One quick test file (smoke)' if budget.smoke else '`make test`'} in a fresh clone "
            f"of commit {commit} (installs linked in, no caches, `CI=1`), once, wall time."
        ),
        verdicts=[
            verdict_value(
                "`make test` on a fresh clone",
                f"{seconds / 60:.0f} min {seconds % 60:02.0f} s, "
                + ("passed, nothing skipped" if passed else f"FAILED (exit {done.returncode})"),
                f"≤ {GOAL_SECONDS / 60:g} min, nothing skipped",
                passed and seconds <= GOAL_SECONDS,
                why_slow(cpu, os.cpu_count() or 1, tests)
                if passed
                else f"its output ends: {done.stdout[-300:]!r}",
            )
        ],
        notes=[f"1-minute load average at the start of the run: {load:.1f}"],
    )
    section.tables.append(
        Table(
            "pytest's summary",
            ["outcome", "tests"],
            [[name, str(number)] for name, number in found.items()] or [["(none)", "0"]],
        )
    )
    section.tables.append(
        Table(
            f"the {SLOWEST} slowest tests (pytest's --durations, wall seconds on a worker)",
            ["test", "seconds"],
            [[test, f"{seconds:.1f}"] for seconds, test in tests] or [["(none)", "0"]],
        )
    )
    section.commands = [" ".join(FULL_COMMAND) + "   # CI=1, in a fresh clone"]
    return section
