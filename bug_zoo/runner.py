"""The fuzzing harness against every variant of a suite (`fuzz_suite`).

`bugs` (the default, `make fuzz-zoo`) fuzzes each bug variant, which must be caught, and the
control; `conforming` (`make fuzz-conforming`) each conforming variant, which must pass; `all`
both (`python -m scripts.fuzz_zoo all`). Each variant runs in a server of its own, hosted in this
process on a port of its own with a fresh state (`bug_zoo.hosted`), fuzzed by `make fuzz`'s
command (`python -m scripts.fuzz`) with `TARGET_URL` pointed at it and `FUZZ_FAIL_FAST=1`; two at
a time by default. The table says, per variant,
whether it was caught, by which check, and how many seconds after the harness started. Exit 1
if a bug survives or a conforming server (the control too) fails.

Settings: `FUZZ_ZOO_VARIANTS` (comma-separated names; all of the suite by default),
`FUZZ_ZOO_WORKERS` (2), `FUZZ_ZOO_CONTROL` (1: also run the control with the bugs),
`FUZZ_SEED` (1), `FUZZ_MAX_EXAMPLES` (10), `FUZZ_MAX_TIME` (120 s per variant),
`FUZZ_REPORTS_DIR` (`reports/`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from bug_zoo.catalog import CONFORMING, CONTROL, NAMES, is_conforming, load
from bug_zoo.hosted import hosted_variant
from fuzzing.facts import contract
from tooling.paths import ROOT
from tooling.processes import ProcessError

FUZZ = (sys.executable, "-m", "scripts.fuzz")
"""`make fuzz`, run as a user runs it: the harness is judged as it ships."""
SUMMARIES = {
    "bugs": "zoo-summary.json",
    "conforming": "conforming-summary.json",
    "all": "zoo-all-summary.json",
}


@dataclass(frozen=True)
class ZooSettings:
    variants: tuple[str, ...]
    workers: int
    control: bool
    seed: str
    max_examples: str
    max_time: int
    reports: Path

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ, suite: str = "bugs") -> ZooSettings:
        known = {"bugs": NAMES, "conforming": CONFORMING, "all": (*NAMES, *CONFORMING)}[suite]
        chosen = tuple(
            name.strip() for name in env.get("FUZZ_ZOO_VARIANTS", "").split(",") if name.strip()
        )
        unknown = sorted(set(chosen) - set(known))
        if unknown:
            raise SystemExit(f"unknown variant(s): {', '.join(unknown)}; known: {', '.join(known)}")
        return cls(
            variants=chosen or known,
            workers=int(env.get("FUZZ_ZOO_WORKERS") or 2),
            control=suite != "conforming"
            and env.get("FUZZ_ZOO_CONTROL", "1") not in ("0", "false", ""),
            seed=env.get("FUZZ_SEED") or "1",
            max_examples=env.get("FUZZ_MAX_EXAMPLES") or "10",
            max_time=int(env.get("FUZZ_MAX_TIME") or 120),
            reports=Path(env.get("FUZZ_REPORTS_DIR") or "reports"),
        )


@dataclass(frozen=True)
class VariantOutcome:
    """What the harness made of one variant."""

    variant: str
    bug: str
    caught: bool
    check: str | None
    source: str | None
    seconds: float | None
    test_cases: int
    wall_seconds: float
    error: str | None = None

    @property
    def conforming(self) -> bool:
        return is_conforming(self.variant, contract().document)

    @property
    def as_expected(self) -> bool:
        return self.error is None and self.caught != self.conforming


def fuzz_variant(name: str, settings: ZooSettings) -> VariantOutcome:
    """Serve variant `name`, fuzz it with a fail-fast budget, and read the verdict."""
    directory = settings.reports / "zoo" / name
    directory.mkdir(parents=True, exist_ok=True)
    summary_path = directory / "fuzz-summary.json"
    summary_path.unlink(missing_ok=True)
    started = time.monotonic()
    bug = load(name).bug
    launched = 0.0
    try:
        with (
            tempfile.TemporaryDirectory(prefix="zoo-state-") as state,
            hosted_variant(name, Path(state), directory / "server.log") as target,
        ):
            env = {
                **os.environ,
                **target.environment(),
                "FUZZ_FAIL_FAST": "1",
                "FUZZ_SEED": settings.seed,
                "FUZZ_MAX_EXAMPLES": settings.max_examples,
                "FUZZ_MAX_TIME": str(settings.max_time),
                "FUZZ_REPORTS_DIR": str(directory),
            }
            with (directory / "fuzz-output.txt").open("wb") as output:
                launched = time.time()
                subprocess.run(
                    FUZZ,
                    cwd=ROOT,
                    env=env,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    timeout=settings.max_time + 180,
                    check=False,
                )
    except (ProcessError, subprocess.TimeoutExpired) as error:
        return VariantOutcome(
            name, bug, False, None, None, None, 0, time.monotonic() - started, str(error)
        )
    wall = time.monotonic() - started
    if not summary_path.exists():
        return VariantOutcome(
            name, bug, False, None, None, None, 0, wall, f"no summary; see {directory}"
        )
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    if "setup_error" in summary:
        problem = f"set-up: {summary['setup_error'][:300]}"
        return VariantOutcome(name, bug, False, None, None, None, 0, wall, problem)
    first: dict[str, Any] | None = summary.get("first_failure")
    # From the start of the harness (its launch), as a user waits for it.
    seconds = round(first["at"] - launched, 3) if first and first.get("at") else None
    return VariantOutcome(
        variant=name,
        bug=bug,
        caught=not summary["passed"],
        check=first["check"] if first else None,
        source=first["source"] if first else None,
        seconds=seconds,
        test_cases=summary["schemathesis"]["test_cases"],
        wall_seconds=wall,
    )


def render(outcomes: list[VariantOutcome]) -> str:
    rows = [("variant", "verdict", "check that caught it", "seconds", "bug")]
    for outcome in outcomes:
        if outcome.error:
            verdict = "ERROR"
        elif outcome.conforming:
            verdict = "FAILED" if outcome.caught else "passed"
        elif outcome.variant in CONFORMING:
            verdict = "yes (this spec does not grant its freedom)" if outcome.caught else "NO"
        else:
            verdict = "yes" if outcome.caught else "NO"
        check = outcome.check or outcome.error or "-"
        if outcome.source and outcome.source != "schemathesis":
            check = f"{check} ({outcome.source})"
        seconds = f"{outcome.seconds:.1f}" if outcome.seconds is not None else "-"
        rows.append((outcome.variant, verdict, check, seconds, outcome.bug))
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    lines = [
        "  ".join([*(f"{row[i]:<{widths[i]}}" for i in range(4)), row[4]]).rstrip() for row in rows
    ]
    lines.insert(1, "-" * max(len(line) for line in lines))
    return "\n".join(lines)


def progress(outcome: VariantOutcome) -> str:
    """One variant's word as it ends: a bug is caught or not, a conforming server (the control
    is one) passed or failed; "not caught" of a server with no bug would read as a miss."""
    if outcome.error:
        return "error"
    if outcome.conforming:
        return "FAILED (a false alarm on a conforming server)" if outcome.caught else "passed"
    return "caught" if outcome.caught else "NOT CAUGHT"


def closing(document: Mapping[str, Any]) -> str:
    """The last line's tally, of what the suite ran: no "0 of 0 bug variants caught" for a run
    of conforming servers, nor the reverse."""
    parts = []
    if document["total"]:
        parts.append(f"{document['caught']} of {document['total']} bug variants caught")
    if document["conforming_total"]:
        control = " (the control among them)" if CONTROL in _names(document) else ""
        parts.append(
            f"{document['conforming_passed']} of {document['conforming_total']} conforming "
            f"servers passed{control}"
        )
    return ", ".join(parts) or "no variant ran"


def _names(document: Mapping[str, Any]) -> set[str]:
    return {str(variant["variant"]) for variant in document["variants"]}


Suite = Literal["bugs", "conforming", "all"]
SUITES: tuple[Suite, ...] = ("bugs", "conforming", "all")


def fuzz_suite(suite: Suite = "bugs") -> int:
    """Fuzz every variant of `suite` (`FUZZ_ZOO_*` narrow it), print the table and write the
    summary; the exit status: 0 when every variant went as expected, else 1."""
    settings = ZooSettings.from_env(suite=suite)
    names = [*settings.variants, *([CONTROL] if settings.control else [])]
    print(
        f"Fuzzing {len(names)} server(s) ({suite}), {settings.workers} at a time: seed "
        f"{settings.seed}, {settings.max_examples} examples per operation, stop at the first "
        "failure ...",
        flush=True,
    )
    started = time.monotonic()

    def run(name: str) -> VariantOutcome:
        outcome = fuzz_variant(name, settings)
        print(f"  {name}: {progress(outcome)} ({outcome.wall_seconds:.0f} s)", flush=True)
        return outcome

    with ThreadPoolExecutor(max_workers=settings.workers) as pool:
        outcomes = list(pool.map(run, names))
    seconds = time.monotonic() - started
    print("\n" + render(outcomes))
    missed = [outcome.variant for outcome in outcomes if not outcome.as_expected]
    document = {
        "passed": not missed,
        "seconds": round(seconds, 3),
        "seed": settings.seed,
        "max_examples": settings.max_examples,
        "variants": [asdict(outcome) for outcome in outcomes],
        "suite": suite,
        "caught": sum(1 for outcome in outcomes if outcome.caught and not outcome.conforming),
        "total": sum(1 for outcome in outcomes if not outcome.conforming),
        "conforming_passed": sum(
            1 for outcome in outcomes if outcome.conforming and outcome.as_expected
        ),
        "conforming_total": sum(1 for outcome in outcomes if outcome.conforming),
        "not_as_expected": missed,
    }
    path = settings.reports / SUMMARIES[suite]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(f"\n{closing(document)}, in {seconds:.0f} s; reports in {path}")
    if missed:
        print(f"NOT AS EXPECTED: {', '.join(missed)} (see {settings.reports / 'zoo'}/<variant>/)")
        return 1
    return 0
