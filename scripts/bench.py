"""`make bench`: measure generation, the server, fuzzing, the client and the suite; write
`BENCHMARKS.md`.

    python -m scripts.bench [--smoke] [--output FILE] [--only SECTION ...]

`--smoke` (or `BENCH_MODE=smoke`) runs every section with tiny budgets, to keep the bench from
rotting; its figures mean nothing. The sections and how they measure are in `bench/`.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from pathlib import Path

from bench.budget import FULL, SMOKE
from bench.run import OUTPUT, SECTIONS, SMOKE_OUTPUT, run
from tooling.paths import ROOT


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
    raise SystemExit(main())
