"""Section 3: test cases per second of `make fuzz`, and the seconds until each bug-zoo variant
is caught.

Both run as `make fuzz` and `make fuzz-zoo` do (`python -m fuzzing`, `python -m bug_zoo`, each
starting its own servers), with a fixed seed and their reports in the bench's scratch folder;
the figures come from the summaries they write.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.budget import Budget
from bench.report import Section, Table
from bench.stats import Summary
from tooling.paths import ROOT

SEED = "1"
# Smoke mode fuzzes one quick variant, without the control.
SMOKE_ZOO = {"FUZZ_ZOO_VARIANTS": "ignores_auth", "FUZZ_ZOO_CONTROL": "0"}


def _run(module: str, env: dict[str, str], reports: Path, summary: str) -> dict[str, Any]:
    reports.mkdir(parents=True, exist_ok=True)
    with (reports / "output.txt").open("wb") as output:
        subprocess.run(
            [sys.executable, "-m", module],
            cwd=ROOT,
            env={**_clean(), **env, "FUZZ_REPORTS_DIR": str(reports)},
            stdout=output,
            stderr=subprocess.STDOUT,
            timeout=3600,
            check=False,  # a failing run is reported, not fatal: its pace is still a figure
        )
    path = reports / summary
    if not path.exists():
        tail = (reports / "output.txt").read_text("utf-8", errors="replace")[-3000:]
        raise RuntimeError(f"python -m {module} wrote no {summary}:\n{tail}")
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def _clean() -> dict[str, str]:
    """This environment without a fuzzing target or budget set by whoever runs the bench."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("FUZZ_", "TARGET_"))}


def fuzz_env(budget: Budget) -> dict[str, str]:
    env = {"FUZZ_SEED": SEED}
    if budget.smoke:
        env.update(
            {
                "FUZZ_MAX_EXAMPLES": str(budget.fuzz_max_examples),
                "FUZZ_MAX_TIME": str(budget.fuzz_max_time),
                "FUZZ_PHASES": "examples",
            }
        )
    return env


def measure(budget: Budget, work: Path) -> Section:
    runs = [
        _run("fuzzing", fuzz_env(budget), work / f"fuzz-{i}", "fuzz-summary.json")
        for i in range(budget.fuzz_runs)
    ]
    zoo_env = {"FUZZ_SEED": SEED}
    if budget.smoke:
        zoo_env |= SMOKE_ZOO | {"FUZZ_MAX_EXAMPLES": "1", "FUZZ_MAX_TIME": "20"}
    zoo = _run("bug_zoo", zoo_env, work / "zoo", "zoo-summary.json")
    return report(budget, runs, zoo)


def report(budget: Budget, runs: list[dict[str, Any]], zoo: dict[str, Any]) -> Section:
    cases = [int(r["schemathesis"]["test_cases"]) for r in runs]
    st_seconds = [float(r["schemathesis"]["seconds"]) for r in runs]
    rates = Summary.of([c / s if s > 0 else 0.0 for c, s in zip(cases, st_seconds, strict=True)])
    requests = [int(r["schemathesis"].get("requests", 0)) for r in runs]
    probes = [sum(int(p.get("requests", 0)) for p in r.get("probes", {}).values()) for r in runs]
    budget_text = (
        "the default budget of `make fuzz`"
        if not budget.smoke
        else "a smoke budget (examples phase only, one example)"
    )
    section = Section(
        title="Fuzzing: `make fuzz` and the bug zoo",
        what=(
            f"`make fuzz` against the reference server it starts itself, seed {SEED}, "
            f"{budget_text}, {len(runs)} run(s); then `make fuzz-zoo`: every bug-zoo variant in "
            "a server of its own, fuzzed fail-fast, two at a time. Test cases per second count "
            "schemathesis's test cases over its own run time; the probes' requests come on top."
        ),
        verdicts=[
            f"`make fuzz`: **{rates.median:.1f} test cases/s** "
            f"(runs {'passed' if all(r['passed'] for r in runs) else 'FAILED'}); no goal set",
            f"bug zoo: **{zoo.get('caught', 0)} of {zoo.get('total', 0)}** variants caught "
            f"in {float(zoo.get('seconds', 0)):.0f} s"
            + ("" if zoo.get("passed") else f"; not as expected: {zoo.get('not_as_expected')}"),
        ],
    )
    section.tables.append(
        Table(
            "`make fuzz`, median (min to max) over runs",
            ["figure", "value"],
            [
                ["test cases per second", rates.show(1)],
                ["test cases", Summary.of(cases).show(0)],
                ["schemathesis seconds", Summary.of(st_seconds).show(1)],
                ["schemathesis requests", Summary.of(requests).show(0)],
                ["probe requests", Summary.of(probes).show(0)],
                ["whole run, seconds", Summary.of([float(r["seconds"]) for r in runs]).show(1)],
            ],
        )
    )
    rows = []
    for variant in zoo.get("variants", []):
        seconds = variant.get("seconds")
        if variant.get("error"):
            caught = "error"
        elif variant["variant"] == "none":
            caught = "control: " + ("FAILED" if variant["caught"] else "passed")
        else:
            caught = "yes" if variant["caught"] else "NO"
        rows.append(
            [
                variant["variant"],
                caught,
                f"{seconds:.1f}" if isinstance(seconds, int | float) else "—",
                str(variant.get("check") or "—"),
                f"{float(variant.get('wall_seconds', 0)):.1f}",
            ]
        )
    section.tables.append(
        Table(
            "Bug zoo, one run: seconds from the start of the harness until the first failure",
            ["variant", "caught", "seconds to catch", "check", "wall seconds (server and run)"],
            rows,
        )
    )
    section.commands = [
        f"FUZZ_SEED={SEED} FUZZ_REPORTS_DIR=<scratch> python -m fuzzing   # make fuzz",
        f"FUZZ_SEED={SEED} FUZZ_REPORTS_DIR=<scratch> python -m bug_zoo   # make fuzz-zoo",
    ]
    return section
