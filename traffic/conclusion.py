"""The end of every traffic check, live or recorded: drift over the HAR, the reports, the table."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from fuzzing.facts import spec_path
from traffic import redocly_drift, reports
from traffic.findings import FAILURE, Finding, console
from traffic.observer import Observer
from traffic.reports import TrafficOutcome, TrafficReportPaths


def printer(finding: Finding, count: int) -> None:
    """Print a finding as it is made (the proxy's and the checker's live output)."""
    print(console(finding, count), flush=True)


def drift_server(observer: Observer) -> str | None:
    """The one base URL the documented traffic used, for drift's `--server`; None if several."""
    bases = list(observer.bases)
    return bases[0] if len(bases) == 1 else None


def conclude(
    observer: Observer,
    har: Path,
    paths: TrafficReportPaths,
    source: str,
    indices: list[int] | None = None,
    *,
    drift: bool = True,
) -> TrafficOutcome:
    """Run drift over `har` (unless `drift` is False: the kit's checks alone), print its
    findings, write the reports and print the table."""
    ran = (
        redocly_drift.run(har, spec_path(), drift_server(observer), observer.operations, indices)
        if drift
        else redocly_drift.DriftRun([], error=redocly_drift.NOT_ASKED)
    )
    counts = Counter((f.operation, f.rule, f.severity == FAILURE) for f in observer.findings)
    for finding in ran.findings:
        key = (finding.operation, finding.rule, finding.severity == FAILURE)
        counts[key] += 1
        printer(finding, counts[key])
    outcome = TrafficOutcome(observer, ran, source)
    reports.write(outcome, paths)
    print(reports.table(outcome), flush=True)
    print(f"reports: {paths.summary}, {paths.junit}", flush=True)
    return outcome
