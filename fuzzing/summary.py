"""What a run prints and writes to `fuzz-summary.json`: verdict, statuses, failures, timings."""

from __future__ import annotations

from typing import Any

from fuzzing.liveness import Death
from fuzzing.probes import ProbeOutcome
from fuzzing.reports import Failure, FuzzReportPaths, StatusTable, failures_as_json, test_case_count
from fuzzing.session import SchemathesisRun
from fuzzing.settings import FuzzSettings


def heading(text: str) -> None:
    print(f"\n=== {text} ===", flush=True)


def print_probe(outcome: ProbeOutcome) -> None:
    if outcome.skipped:
        verdict = f"skipped: {outcome.skipped}"
    elif outcome.findings:
        verdict = f"FAILED: {len(outcome.findings)} finding(s)"
    elif outcome.stopped:
        verdict = "stopped (a failure was found)"
    else:
        verdict = "passed"
    print(
        f"  {outcome.name:<20} {outcome.requests:>4} requests  {outcome.seconds:6.2f} s  {verdict}",
        flush=True,
    )


def print_failures(failures: list[Failure]) -> None:
    for number, failure in enumerate(failures, start=1):
        when = f" after {failure.seconds:.1f} s" if failure.seconds is not None else ""
        print(f"\n{number}. [{failure.check}] from {failure.source}{when}")
        print("   " + "\n   ".join(failure.message.splitlines()[:12]))
        if failure.curl:
            print(f"   Reproduce with:\n     {failure.curl}")


def build(
    *,
    label: str,
    settings: FuzzSettings,
    started: float,
    seconds: float,
    st: SchemathesisRun,
    table: StatusTable,
    outcomes: list[ProbeOutcome],
    probes_alongside: bool,
    failures: list[Failure],
    gaps: int,
    death: Death | None = None,
) -> dict[str, Any]:
    """The machine-readable summary of one run (`started`: epoch seconds of its start)."""
    first = failures_as_json(failures[:1])[0] if failures else None
    if first is not None and first["seconds"] is not None:
        first["at"] = round(started + first["seconds"], 3)
    return {
        "target": label,
        "seed": settings.seed,
        "max_examples": settings.max_examples,
        "time_limit": settings.max_time,
        "phases": settings.phases.split(","),
        "workers": settings.workers,
        "fail_fast": settings.fail_fast,
        "passed": not failures,
        "started_at": round(started, 3),
        "seconds": round(seconds, 3),
        "schemathesis": {
            "exit_code": st.exit_code,
            "seconds": round(st.seconds, 3),
            "stopped_at_time_limit": st.stopped_at_time_limit,
            "stopped_at_a_probe_failure": st.stopped_at_a_probe_failure,
            "test_cases": test_case_count(settings.reports),
            "requests": table.requests,
            "positive_cases": table.positive["sent"],
            "positive_cases_2xx": table.positive["2xx"],
            "positive_cases_supplied": table.positive["supplied"],
            "positive_cases_supplied_2xx": table.positive["supplied 2xx"],
        },
        "probes_alongside_schemathesis": probes_alongside,
        "probes": {
            outcome.name: {
                "requests": outcome.requests,
                "seconds": round(outcome.seconds, 3),
                "findings": len(outcome.findings),
                "skipped": outcome.skipped,
                "stopped": outcome.stopped,
            }
            for outcome in outcomes
        },
        "statuses": table.as_json(),
        "operations_without_2xx": table.without_2xx(),
        "add_then_update_chains": table.chained,
        "rule_gaps": gaps,
        "failures": failures_as_json(failures),
        "first_failure": first,
        "target_stopped_answering": death.as_json(started) if death else None,
    }


def print_verdict(
    summary: dict[str, Any], reports: FuzzReportPaths, outcomes: list[ProbeOutcome]
) -> None:
    """The closing lines: the verdict, the time to the first failure, the reports."""
    failures = summary["failures"]
    verdict = "FAILED" if failures else "PASSED"
    probe_requests = sum(outcome.requests for outcome in outcomes)
    first = summary["first_failure"]
    if first is not None and first["seconds"] is not None:
        print(
            f"\nFirst failure after {first['seconds']:.1f} s: [{first['check']}] "
            f"from {first['source']}"
        )
    gaps = summary["rule_gaps"]
    run = summary["schemathesis"]
    if run["positive_cases"]:
        share = 100 * run["positive_cases_2xx"] / run["positive_cases"]
        print(
            f"\nSuccess path: {run['positive_cases_2xx']} of {run['positive_cases']} positive "
            f"cases answered 2xx ({share:.0f}%)."
        )
    print(
        f"\n{verdict}: {summary['schemathesis']['test_cases']} test cases, "
        f"{summary['schemathesis']['requests']} schemathesis requests, {probe_requests} probe "
        f"requests, {len(failures)} failure(s) in {summary['seconds']:.1f} s "
        f"(seed {summary['seed']}).\n"
        f"Rule table: {gaps} contract rule(s) no check or probe judges"
        f"{' (see fuzzing/README.md)' if gaps else ''}.\n"
        f"Reports: {reports.junit}, {reports.probes_junit}, {reports.html}/, {reports.summary}"
    )
    death = summary.get("target_stopped_answering")
    if death:
        print(f"\n{death_line(death)}")


def death_line(death: dict[str, Any]) -> str:
    """The last line of a run whose target stopped answering: when, and after which request."""
    last = death.get("last_answered")
    after = (
        f"after {last['method']} {last['url']} (answered {death['last_status']})"
        if last
        else "before it answered any request of the run"
    )
    return (
        f"TARGET STOPPED ANSWERING {death['seconds']:.1f} s into the run, {after}: "
        "fuzzing stopped there (exit status 1)."
    )
