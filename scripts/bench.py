"""`make bench`: measure generation, the server, fuzzing and the client; write `BENCHMARKS.md`.

    python -m scripts.bench [--smoke] [--output FILE] [--only SECTION ...]

The machine is shared and noisy, so every comparison alternates the compared runs and is a
ratio taken within a pair; absolute figures come with the machine's description. `--smoke`
(or `BENCH_MODE=smoke`) runs every section with tiny budgets, to keep the bench from rotting;
its figures mean nothing. Scratch files go to a folder under `.cache/` that is removed after.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from scripts import bench_client, bench_fuzzing, bench_generation, bench_machine, bench_server
from scripts.bench_budget import FULL, SMOKE, Budget
from scripts.bench_process import ROOT
from scripts.bench_report import Section, Table, render

OUTPUT = ROOT / "BENCHMARKS.md"
SMOKE_OUTPUT = ROOT / "reports" / "BENCHMARKS-smoke.md"  # never the committed report
SECTIONS: dict[str, Callable[[Budget, Path], Section]] = {
    "generation": bench_generation.measure,
    "server": bench_server.measure,
    "fuzzing": bench_fuzzing.measure,
    "client": bench_client.measure,
}


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


def run(budget: Budget, output: Path, only: Sequence[str]) -> None:
    started = datetime.now(UTC)
    clock = time.monotonic()
    cache = ROOT / ".cache"
    cache.mkdir(exist_ok=True)
    # Under the repository, not /tmp: the servers' state must be on a real disk, where an
    # fsync costs what it costs (on tmpfs it costs nothing).
    work = Path(tempfile.mkdtemp(prefix="bench-", dir=cache))
    sections: list[Section] = []
    try:
        for name, measure in SECTIONS.items():
            if only and name not in only:
                continue
            print(f"bench: {name} ...", flush=True)
            section_started = time.monotonic()
            folder = work / name
            folder.mkdir()
            sections.append(measure(budget, folder))
            print(f"bench: {name} done in {time.monotonic() - section_started:.0f} s", flush=True)
        text = render(
            "Benchmarks", preface(budget, started, time.monotonic() - clock, work), sections
        )
    finally:
        if os.environ.get("BENCH_KEEP") != "1":
            shutil.rmtree(work, ignore_errors=True)
    output.write_text(text, encoding="utf-8")
    print(f"bench: wrote {output}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.bench", description=__doc__)
    parser.add_argument(
        "--smoke",
        action="store_true",
        default=os.environ.get("BENCH_MODE") == "smoke",
        help="tiny budgets (also BENCH_MODE=smoke)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help=f"default: BENCHMARKS.md, or {SMOKE_OUTPUT.relative_to(ROOT)} with --smoke",
    )
    parser.add_argument("--only", nargs="*", choices=sorted(SECTIONS), default=[])
    args = parser.parse_args(argv)
    budget = SMOKE if args.smoke else FULL
    output: Path = args.output or (SMOKE_OUTPUT if args.smoke else OUTPUT)
    output.parent.mkdir(parents=True, exist_ok=True)
    run(budget, output, args.only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
