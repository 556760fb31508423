"""`python -m fuzzing`: schemathesis, then the probes, against one target; exit 1 on any failure.

The target is `TARGET_URL` (with `TARGET_TOKEN`, `TARGET_TOKEN_NO_PERMISSION` and the
`TARGET_*_ID`s of existing resources), or when unset the reference server, started here on a
free port with a fresh state and stopped afterwards. `FUZZ_SEED` makes a run repeatable;
`FUZZ_MAX_EXAMPLES` (per operation and phase) and `FUZZ_MAX_TIME` (seconds) bound it;
`FUZZ_PHASES` narrows the four phases for quick runs; `FUZZ_FAIL_FAST=1` stops at the first
failure (the bug zoo's mode). Reports go to `FUZZ_REPORTS_DIR` (`reports/`).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contract.loading import SpecLoadError
from fuzzing.config import CONFIG_PATH
from fuzzing.probes import ProbeOutcome, run_probes
from fuzzing.reports import (
    Failure,
    ReportPaths,
    StatusTable,
    failures_as_json,
    probe_failures,
    schemathesis_failures,
    test_case_count,
    write_probes_junit,
    write_summary,
)
from fuzzing.server import REFERENCE_SERVER, local_target
from fuzzing.spec import contract, spec_path
from fuzzing.target import Target
from tooling.processes import stop

REPOSITORY = Path(__file__).resolve().parent.parent
PHASES = "examples,coverage,fuzzing,stateful"
DEFAULT_MAX_EXAMPLES = 100
DEFAULT_MAX_TIME = 240
_INTERRUPT_GRACE = 60.0


@dataclass(frozen=True)
class Settings:
    """How much to fuzz, and where to write; read from `FUZZ_*` variables."""

    seed: int
    max_examples: int
    max_time: int
    fail_fast: bool
    reports: ReportPaths
    phases: str = PHASES

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Settings:
        seed = env.get("FUZZ_SEED") or str(random.SystemRandom().randrange(2**31))
        return cls(
            seed=int(seed),
            max_examples=int(env.get("FUZZ_MAX_EXAMPLES") or DEFAULT_MAX_EXAMPLES),
            max_time=int(env.get("FUZZ_MAX_TIME") or DEFAULT_MAX_TIME),
            fail_fast=env.get("FUZZ_FAIL_FAST", "") not in ("", "0", "false"),
            reports=ReportPaths(Path(env.get("FUZZ_REPORTS_DIR") or "reports")),
            phases=env.get("FUZZ_PHASES") or PHASES,
        )


@dataclass(frozen=True)
class SchemathesisRun:
    exit_code: int
    seconds: float
    stopped_at_time_limit: bool


def schemathesis_command(target: Target, settings: Settings) -> list[str]:
    reports = settings.reports
    command = [
        sys.executable, "-m", "schemathesis.cli",
        "--config-file", str(CONFIG_PATH),
        "run", str(spec_path()),
        "--url", target.base_url,
        "--phases", settings.phases,
        "--seed", str(settings.seed),
        "--max-examples", str(settings.max_examples),
        "--generation-database", "none",
        "--report", "junit,html,ndjson,json",
        "--report-junit-path", str(reports.junit),
        "--report-html-path", str(reports.html),
        "--report-ndjson-path", str(reports.events),
        "--report-json-path", str(reports.verdict),
    ]  # fmt: skip
    if settings.fail_fast:
        command += ["--max-failures", "1"]
    return command


def run_schemathesis(target: Target, settings: Settings) -> SchemathesisRun:
    """Run the schemathesis CLI with the committed config; stop it at the time limit."""
    env = {
        **os.environ,
        **target.environment(),
        "FUZZ_STATUS_LOG": str(settings.reports.status_log.resolve()),
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(REPOSITORY), os.environ.get("PYTHONPATH")])
        ),
    }
    started = time.monotonic()
    process = subprocess.Popen(schemathesis_command(target, settings), cwd=REPOSITORY, env=env)
    stopped = False
    try:
        process.wait(timeout=settings.max_time)
    except subprocess.TimeoutExpired:
        # An interrupted run still writes its reports; only a hung one is killed.
        stopped = True
        stop(process, signal.SIGINT, _INTERRUPT_GRACE)
    return SchemathesisRun(process.returncode, time.monotonic() - started, stopped)


@contextmanager
def target_for_run(settings: Settings) -> Iterator[tuple[Target, str]]:
    """`TARGET_URL` when set; otherwise the reference server, for the length of the run."""
    if os.environ.get("TARGET_URL"):
        target = Target.from_env()
        yield target, target.base_url
        return
    print("Starting the reference server (TARGET_URL is unset) ...", flush=True)
    with local_target(REFERENCE_SERVER, settings.reports.server_log) as target:
        yield target, "embedded reference server"


def _heading(text: str) -> None:
    print(f"\n=== {text} ===", flush=True)


def _print_probe(outcome: ProbeOutcome) -> None:
    if outcome.skipped:
        verdict = f"skipped: {outcome.skipped}"
    elif outcome.findings:
        verdict = f"FAILED: {len(outcome.findings)} finding(s)"
    else:
        verdict = "passed"
    print(
        f"  {outcome.name:<20} {outcome.requests:>4} requests  {outcome.seconds:6.2f} s  {verdict}",
        flush=True,
    )


def _print_failures(failures: list[Failure]) -> None:
    for number, failure in enumerate(failures, start=1):
        print(f"\n{number}. [{failure.check}] from {failure.source}")
        print("   " + "\n   ".join(failure.message.splitlines()[:12]))
        if failure.curl:
            print(f"   Reproduce with:\n     {failure.curl}")


def fuzz(settings: Settings) -> dict[str, Any]:
    """One whole run; returns the summary it also writes to `fuzz-summary.json`."""
    settings.reports.clear()
    with target_for_run(settings) as (target, label):
        _heading(
            f"schemathesis against {label}: seed {settings.seed}, {settings.max_examples} examples "
            f"per operation, time limit {settings.max_time} s, phases {settings.phases}"
        )
        started = time.time()
        st = run_schemathesis(target, settings)
        failures = schemathesis_failures(settings.reports, started)
        # Stopped at the time limit, schemathesis exits "interrupted": that is the budget, not a
        # failure. The status table still says whether what ran reached every operation.
        if st.exit_code != 0 and not failures and not st.stopped_at_time_limit:
            failures.append(
                Failure(
                    check="schemathesis",
                    source="schemathesis",
                    operation="",
                    message=f"schemathesis exited with {st.exit_code} (see its output above)",
                    curl="",
                    seconds=st.seconds,
                )
            )
        outcomes: list[ProbeOutcome] = []
        offsets: dict[str, float] = {}
        if not (settings.fail_fast and failures):
            _heading("probes: what schemathesis never sends")

            def note(outcome: ProbeOutcome) -> None:
                offsets[outcome.name] = time.time() - started
                _print_probe(outcome)

            outcomes = run_probes(
                target, settings.reports.bodies, stop_at_first=settings.fail_fast, on_outcome=note
            )
        failures += probe_failures(outcomes, offsets)
    seconds = time.time() - started
    table = StatusTable.read(settings.reports.status_log)
    _heading("statuses schemathesis saw, per operation")
    print(table.render())
    coverage_problems = [f"{operation} never answered 2xx" for operation in table.without_2xx()]
    if table.chained == 0:
        coverage_problems.append(
            "no run added by schemathesis was then updated (no add-then-update chain)"
        )
    if not (settings.fail_fast and failures):
        failures += [
            Failure(check="coverage", source="status table", operation="", message=problem, curl="")
            for problem in coverage_problems
        ]
    write_probes_junit(outcomes, settings.reports.probes_junit)
    failures.sort(key=lambda failure: failure.seconds if failure.seconds is not None else seconds)
    summary: dict[str, Any] = {
        "target": label,
        "seed": settings.seed,
        "max_examples": settings.max_examples,
        "time_limit": settings.max_time,
        "phases": settings.phases.split(","),
        "fail_fast": settings.fail_fast,
        "passed": not failures,
        "seconds": round(seconds, 3),
        "schemathesis": {
            "exit_code": st.exit_code,
            "seconds": round(st.seconds, 3),
            "stopped_at_time_limit": st.stopped_at_time_limit,
            "test_cases": test_case_count(settings.reports),
            "requests": table.requests,
        },
        "probes": {
            outcome.name: {
                "requests": outcome.requests,
                "seconds": round(outcome.seconds, 3),
                "findings": len(outcome.findings),
                "skipped": outcome.skipped,
            }
            for outcome in outcomes
        },
        "statuses": table.as_json(),
        "operations_without_2xx": table.without_2xx(),
        "add_then_update_chains": table.chained,
        "failures": failures_as_json(failures),
        "first_failure": failures_as_json(failures[:1])[0] if failures else None,
    }
    write_summary(settings.reports.summary, summary)
    if st.stopped_at_time_limit:
        print(f"\nNote: schemathesis was stopped at the time limit ({settings.max_time} s).")
    if failures:
        _heading(f"FAILED: {len(failures)} failure(s)")
        _print_failures(failures)
    reports = settings.reports
    verdict = "FAILED" if failures else "PASSED"
    probe_requests = sum(outcome.requests for outcome in outcomes)
    print(
        f"\n{verdict}: {summary['schemathesis']['test_cases']} test cases, "
        f"{table.requests} schemathesis requests, {probe_requests} probe requests, "
        f"{len(failures)} failure(s) in {seconds:.1f} s (seed {settings.seed}).\n"
        f"Reports: {reports.junit}, {reports.probes_junit}, {reports.html}/, {reports.summary}"
    )
    return summary


def main() -> int:
    try:
        contract()  # the loader's verdict first: schemathesis would read a repeated key silently
    except SpecLoadError as error:
        print(f"cannot fuzz: {error}", file=sys.stderr)
        return 2
    summary = fuzz(Settings.from_env())
    return 0 if summary["passed"] else 1
