"""The bench's run: every section in turn, into one `BENCHMARKS.md`.

The machine is shared and noisy, so every comparison alternates the compared runs and is a
ratio taken within a pair; absolute figures come with the machine's description. `--smoke`
(or `BENCH_MODE=smoke`) runs every section with tiny budgets, to keep the bench from rotting;
its figures mean nothing, so it runs the sections side by side and starts each server once for
all the sections that use it. Scratch files go to a folder under `.cache/` that is removed after.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from bench import client as bench_client
from bench import fuzz_speed as bench_fuzz_speed
from bench import generation as bench_generation
from bench import latency_parts as bench_latency_parts
from bench import machine as bench_machine
from bench import proxy_cost as bench_proxy_cost
from bench import server_load as bench_server_load
from bench import suite as bench_suite
from bench import targets as bench_targets
from bench.budget import Budget
from bench.report import Section, Table, render
from tooling.paths import ROOT

OUTPUT = ROOT / "BENCHMARKS.md"
SMOKE_OUTPUT = ROOT / "reports" / "BENCHMARKS-smoke.md"  # never the committed report
SECTIONS: dict[str, Callable[[Budget, Path], Section]] = {
    "generation": bench_generation.measure,
    "server": bench_server_load.measure,
    "timeline": bench_latency_parts.measure,
    "fuzzing": bench_fuzz_speed.measure,
    "client": bench_client.measure,
    "proxy": bench_proxy_cost.measure,
    "suite": bench_suite.measure,
}
# The sections that start the same servers: a smoke run runs them in turn and starts each server
# once for all of them.
ONE_LANE = ("server", "timeline", "client", "proxy")


def preface(budget: Budget, started: datetime, seconds: float, work: Path) -> list[str]:
    machine = Table("", ["", ""], bench_machine.describe(work))
    mode = "**Smoke run: tiny budgets, the figures mean nothing.**\n\n" if budget.smoke else ""
    return [
        f"{mode}Written by `make bench` (`python -m scripts.bench"
        f"{' --smoke' if budget.smoke else ''}`) on {started:%Y-%m-%d %H:%M} UTC in "
        f"{seconds / 60:.1f} min. Do not edit by hand: run `make bench` again.",
        "",
        "The machine is shared and noisy. Compared runs alternate (A B A B ...), every ratio is "
        "taken within one pair or round, and the figure is the median of those ratios with "
        "their min and max; absolute figures are for this machine only:",
        "",
        machine.render(),
    ]


def _measure(name: str, budget: Budget, work: Path) -> Section:
    print(f"bench: {name} ...", flush=True)
    started = time.monotonic()
    folder = work / name
    folder.mkdir()
    section = SECTIONS[name](budget, folder)
    print(f"bench: {name} done in {time.monotonic() - started:.0f} s", flush=True)
    return section


def _measure_all(budget: Budget, work: Path, names: Sequence[str]) -> list[Section]:
    """Each section in turn; in a smoke run, side by side, but those that share servers in turn
    (in one lane), and each server starts once for all of them (`bench_targets.reused`)."""
    if not budget.smoke:
        return [_measure(name, budget, work) for name in names]
    lanes = [[name for name in names if name in ONE_LANE]]
    lanes += [[name] for name in names if name not in ONE_LANE]
    found: dict[str, Section] = {}

    def lane(chosen: list[str]) -> None:
        for name in chosen:
            found[name] = _measure(name, budget, work)

    with bench_targets.reused(), ThreadPoolExecutor(max_workers=len(lanes)) as pool:
        for future in [pool.submit(lane, chosen) for chosen in lanes if chosen]:
            future.result()
    return [found[name] for name in names]


def run(budget: Budget, output: Path, only: Sequence[str]) -> None:
    started = datetime.now(UTC)
    clock = time.monotonic()
    cache = ROOT / ".cache"
    cache.mkdir(exist_ok=True)
    # Under the repository, not /tmp: the servers' state must be on a real disk, where an
    # fsync costs what it costs (on tmpfs it costs nothing).
    work = Path(tempfile.mkdtemp(prefix="bench-", dir=cache))
    try:
        names = [name for name in SECTIONS if not only or name in only]
        sections = _measure_all(budget, work, names)
        text = render(
            "Benchmarks", preface(budget, started, time.monotonic() - clock, work), sections
        )
    finally:
        if os.environ.get("BENCH_KEEP") != "1":
            shutil.rmtree(work, ignore_errors=True)
    output.write_text(text, encoding="utf-8")
    print(f"bench: wrote {output}")
