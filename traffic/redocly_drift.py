"""`redocly drift` (Redocly CLI 2.77.0, pinned) over the same traffic, its findings in our report.

drift reads the HAR the proxy wrote (or the one given to `make check-traffic`) and reports what
its rules see: request and response bodies against the schemas, parameters, security
requirements, undocumented endpoints, parameters and headers. It does not judge contract rules
across fields or requests (an echo that drops a member, a 204 with a body, ETags, request ids),
which the kit's checks do. Its findings join ours, classified the way ours are: a finding on the
response, or on a request that the server accepted (2xx), is a failure of the server; a finding
on a request that was refused, or a warning or an information, is a note.
"""

from __future__ import annotations

import csv
import io
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tooling.node import ToolMissingError, run_node_tool
from traffic.findings import FAILURE, NOTE, Finding


@dataclass(frozen=True)
class DriftRun:
    """What drift said: its findings, or why it could not run."""

    findings: list[Finding]
    error: str | None = None
    command: str = ""


NOT_ASKED = "not asked for (--no-drift)"
"""Why drift did not run when the caller wanted the kit's checks alone."""


def arguments(har: Path, spec: Path, server: str | None) -> list[str]:
    """redocly's arguments for drift: every finding (no preview cap), as CSV, one line each."""
    where = ["--server", server] if server else ["--match-mode", "basepath"]
    return [
        "drift",
        str(har),
        "--api",
        str(spec),
        "--traffic-format",
        "har",
        "--format",
        "csv",
        "--max-findings",
        "1000000",
        *where,
    ]


UNDOCUMENTED_ENDPOINT = "undocumented-endpoint"


def classify(rule: str, severity: str, target: str, status: str) -> str:
    """Failure of the server, or a note: see the module's docstring. A path the spec does not
    describe is the proxy's "undocumented" count, never the server's failure."""
    if severity != "error" or rule == UNDOCUMENTED_ENDPOINT:
        return NOTE
    if target == "request":
        try:
            accepted = 200 <= int(status) < 300
        except ValueError:
            accepted = False
        return FAILURE if accepted else NOTE
    return FAILURE


def parse(text: str, operations: dict[int, str], indices: list[int] | None = None) -> list[Finding]:
    """drift's CSV rows as findings; `operations`: our label of each exchange, by index;
    `indices`: our index of each HAR entry, where they differ (the proxy skips requests that
    never ended)."""
    findings = []
    for row in csv.DictReader(io.StringIO(text)):
        try:
            position = int(row.get("exchange_index") or -1)
        except ValueError:
            position = -1
        index = indices[position] if indices and 0 <= position < len(indices) else position
        method, path = row.get("method", ""), row.get("path", "")
        operation = operations.get(index) or f"{method} {path}".strip()
        details = [row.get("message", "")]
        for name in ("target", "data_path", "schema_path"):
            if row.get(name):
                details.append(f"{name.replace('_', ' ')}: {row[name]}")
        details.append(f"{method} {row.get('url', '')} -> {row.get('status', '')}")
        findings.append(
            Finding(
                index=index,
                operation=operation,
                rule=f"drift:{row.get('rule_id', '')}",
                source="drift",
                severity=classify(
                    row.get("rule_id", ""),
                    row.get("severity", ""),
                    row.get("target", ""),
                    row.get("status", ""),
                ),
                message="\n".join(details),
            )
        )
    return findings


def run(
    har: Path,
    spec: Path,
    server: str | None,
    operations: dict[int, str],
    indices: list[int] | None = None,
) -> DriftRun:
    """Run drift over `har`; `server`: the base URL the traffic used, when one is known."""
    args = arguments(har, spec, server)
    shown = " ".join(["redocly", *args])
    try:
        done = run_node_tool("redocly", args)
    except ToolMissingError as missing:
        return DriftRun([], error=str(missing))
    except (OSError, subprocess.TimeoutExpired) as error:
        return DriftRun([], error=f"{type(error).__name__}: {error}", command=shown)
    # Exit 1 means "drift detected"; anything else without a CSV header is a failure to run.
    if done.returncode not in (0, 1) or not done.stdout.lstrip().startswith("run_id"):
        tail = "\n".join(done.stderr.strip().splitlines()[-5:])
        return DriftRun([], error=f"exit {done.returncode}: {tail}", command=shown)
    return DriftRun(parse(done.stdout, operations, indices), command=shown)
