"""Section 3: `make fuzz` against plain `st run` on the same target, and the seconds until each
bug-zoo variant is caught.

- Rate: one reference server, started as `make fuzz` starts its own (dev tokens, responses
  validated); `make fuzz` (`python -m scripts.fuzz` with `TARGET_URL` set to it) and plain `st run`
  alternate against it with the same seed, phases and examples per operation. Plain means the
  committed schemathesis config without its hooks: the same token, pinned ids and built-in
  checks, but none of the harness's checks, ledger, status log or probes. Test cases per second
  are schemathesis's own count over the wall time of its process, on both sides.
- Time to catch: `make fuzz-zoo` (`python -m scripts.fuzz_zoo`) as it runs, each variant fuzzed
  fail-fast in a server of its own, two at a time; the figures come from the summary it writes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.budget import Budget
from bench.report import Section, Table, verdict, verdict_value
from bench.stats import Goal, Summary, pair_ratios
from fuzzing.config import CONFIG_PATH
from fuzzing.reports import FuzzReportPaths, test_case_count
from fuzzing.server import REFERENCE_SERVER, local_target
from fuzzing.target import Target
from tooling.paths import ROOT, SPEC

SEED = "1"
RATE_GOAL = Goal(0.8, upper=False)
CATCH_GOAL_SECONDS = 10.0
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


def plain_config(work: Path) -> Path:
    """The committed schemathesis config without its `hooks` line: schemathesis as it comes."""
    lines = CONFIG_PATH.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.lstrip().startswith("hooks")]
    path = work / "plain-schemathesis.toml"
    path.write_text("".join(kept), encoding="utf-8")
    return path


def plain_st_run(target: Target, fuzzed: dict[str, Any], config: Path, reports: Path) -> float:
    """Test cases per second of plain `st run` with the phases and examples `fuzzed` used."""
    paths = FuzzReportPaths(reports)
    reports.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "schemathesis.cli",
        "--config-file", str(config),
        "run", str(SPEC),
        "--url", target.base_url,
        "--phases", ",".join(fuzzed["phases"]),
        "--seed", SEED,
        "--max-examples", str(fuzzed["max_examples"]),
        "--generation-database", "none",
        "--report", "json",
        "--report-json-path", str(paths.verdict),
    ]  # fmt: skip
    env = {**_clean(), **target.environment()}
    started = time.monotonic()
    with (reports / "output.txt").open("wb") as output:
        subprocess.run(
            command, cwd=reports, env=env, stdout=output, stderr=subprocess.STDOUT, check=False
        )
    seconds = time.monotonic() - started
    cases = test_case_count(paths)
    if cases == 0:
        tail = (reports / "output.txt").read_text("utf-8", errors="replace")[-3000:]
        raise RuntimeError(f"plain st run generated no test case:\n{tail}")
    return cases / seconds


def _fuzz_rate(run: dict[str, Any]) -> float:
    seconds = float(run["schemathesis"]["seconds"])
    return int(run["schemathesis"]["test_cases"]) / seconds if seconds > 0 else 0.0


def measure(budget: Budget, work: Path) -> Section:
    load = os.getloadavg()[0]
    runs: list[dict[str, Any]] = []
    plain: list[float] = []
    config = plain_config(work)
    with local_target(REFERENCE_SERVER, work / "server.log") as target:
        for pair in range(budget.fuzz_runs):
            env = fuzz_env(budget) | target.environment()
            runs.append(_run("scripts.fuzz", env, work / f"fuzz-{pair}", "fuzz-summary.json"))
            plain.append(plain_st_run(target, runs[-1], config, work / f"plain-{pair}"))
    zoo_env = {"FUZZ_SEED": SEED}
    if budget.smoke:
        zoo_env |= SMOKE_ZOO | {
            "FUZZ_MAX_EXAMPLES": str(budget.fuzz_max_examples),
            "FUZZ_MAX_TIME": str(budget.fuzz_max_time),
        }
    zoo = _run("scripts.fuzz_zoo", zoo_env, work / "zoo", "zoo-summary.json")
    return report(budget, runs, plain, zoo, load)


def report(
    budget: Budget,
    runs: list[dict[str, Any]],
    plain: list[float],
    zoo: dict[str, Any],
    load: float,
) -> Section:
    rates = [_fuzz_rate(run) for run in runs]
    ratio = pair_ratios(rates, plain)
    cases = [int(r["schemathesis"]["test_cases"]) for r in runs]
    st_seconds = [float(r["schemathesis"]["seconds"]) for r in runs]
    requests = [int(r["schemathesis"].get("requests", 0)) for r in runs]
    probes = [sum(int(p.get("requests", 0)) for p in r.get("probes", {}).values()) for r in runs]
    budget_text = (
        "the default budget of `make fuzz`"
        if not budget.smoke
        else "a smoke budget (examples phase only, one example)"
    )
    section = Section(
        title="Fuzzing: `make fuzz` against plain `st run`, and the bug zoo",
        what=(
            f"`make fuzz` and plain `st run` alternating against one reference server (dev "
            f"tokens, responses validated), seed {SEED}, {budget_text}, {len(runs)} pair(s): "
            "plain is the committed schemathesis config without its hooks (same token, pinned "
            "ids, phases, examples and built-in checks; none of the harness's own checks, ledger, "
            "status log or probes). Test cases per second count schemathesis's test cases over "
            "the wall time of its process; `make fuzz`'s probes come on top. Then `make "
            "fuzz-zoo`: every bug-zoo variant in a server of its own, fuzzed fail-fast, two at a "
            "time."
        ),
        verdicts=[
            verdict(
                "`make fuzz` / plain `st run`, test cases per second",
                ratio.median,
                RATE_GOAL.show(),
                RATE_GOAL.met(ratio.median),
                "the harness's checks read runs back with extra requests, and every response goes "
                "through its ledger, status log and checks",
            ),
            _catch_verdict(zoo),
            f"`make fuzz` runs {'passed' if all(r['passed'] for r in runs) else 'FAILED'}; bug "
            f"zoo: **{zoo.get('caught', 0)} of {zoo.get('total', 0)}** variants caught in "
            f"{float(zoo.get('seconds', 0)):.0f} s"
            + ("" if zoo.get("passed") else f"; not as expected: {zoo.get('not_as_expected')}"),
        ],
        notes=[f"1-minute load average at the start of the section: {load:.1f}"],
    )
    section.tables.append(
        Table(
            "`make fuzz` and plain `st run`, median (min to max) over pairs",
            ["figure", "value"],
            [
                ["`make fuzz`, test cases per second", Summary.of(rates).show(1)],
                ["plain `st run`, test cases per second", Summary.of(plain).show(1)],
                ["ratio per pair", ", ".join(f"{v:.2f}" for v in ratio.values)],
                ["`make fuzz`, test cases", Summary.of(cases).show(0)],
                ["`make fuzz`, schemathesis seconds", Summary.of(st_seconds).show(1)],
                ["`make fuzz`, schemathesis requests", Summary.of(requests).show(0)],
                ["`make fuzz`, probe requests", Summary.of(probes).show(0)],
                [
                    "`make fuzz`, whole run, seconds",
                    Summary.of([float(r["seconds"]) for r in runs]).show(1),
                ],
            ],
        )
    )
    section.tables.append(_zoo_table(zoo))
    section.commands = [
        f"FUZZ_SEED={SEED} TARGET_URL=<server>/beta TARGET_TOKEN=... python -m scripts.fuzz",
        f"python -m schemathesis.cli --config-file <config without hooks> run openapi.yaml "
        f"--url <server>/beta --phases <same> --seed {SEED} --max-examples <same> "
        "--generation-database none   # plain st run",
        f"FUZZ_SEED={SEED} FUZZ_REPORTS_DIR=<scratch> python -m scripts.fuzz_zoo   # make fuzz-zoo",
    ]
    return section


def _caught_in(zoo: dict[str, Any]) -> dict[str, float | None]:
    """Seconds to the first failure of every variant but the control (None: not caught)."""
    found: dict[str, float | None] = {}
    for variant in zoo.get("variants", []):
        if variant["variant"] == "none":
            continue
        seconds = variant.get("seconds")
        caught = variant.get("caught") and isinstance(seconds, int | float)
        found[variant["variant"]] = float(seconds) if caught else None
    return found


def _catch_verdict(zoo: dict[str, Any]) -> str:
    found = _caught_in(zoo)
    if not found:
        return "seconds to the first failure: no variant ran"
    slow = {
        name: seconds
        for name, seconds in found.items()
        if seconds is None or seconds > CATCH_GOAL_SECONDS
    }
    known = [seconds for seconds in found.values() if seconds is not None]
    slowest = f"{max(known):.1f} s" if known else "none caught"
    listed = ", ".join(
        f"{name} {'not caught' if s is None else f'{s:.1f} s'}" for name, s in slow.items()
    )
    return verdict_value(
        f"seconds from the start of fuzzing to the first failure, slowest of {len(found)} "
        "bug-zoo variant(s)",
        slowest,
        f"≤ {CATCH_GOAL_SECONDS:g} s for every variant",
        not slow,
        f"{len(slow)} variant(s) over it: {listed}",
    )


def _zoo_table(zoo: dict[str, Any]) -> Table:
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
    return Table(
        "Bug zoo, one run: seconds from the start of fuzzing (the variant's server up) until the "
        f"first failure, goal ≤ {CATCH_GOAL_SECONDS:g} s",
        ["variant", "caught", "seconds to catch", "check", "wall seconds (server and run)"],
        rows,
    )
