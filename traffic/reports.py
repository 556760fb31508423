"""What a traffic check leaves: a JUnit XML file, a JSON summary, and the table it prints.

The proxy writes `proxy-junit.xml` and `proxy-summary.json`, `make check-traffic` writes
`traffic-junit.xml` and `traffic-summary.json`, both under `reports/` (`TRAFFIC_REPORTS_DIR`).
Exit status 1 when any finding is a failure of the server (the kit's or drift's), else 0.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from traffic.findings import FAILURE, Finding, Tally
from traffic.observer import Observer
from traffic.redocly_drift import DriftRun
from traffic.rule_scope import applies, operation_of


@dataclass(frozen=True)
class TrafficReportPaths:
    """Where one check writes; `prefix` is `proxy` or `traffic`."""

    directory: Path
    prefix: str

    @property
    def junit(self) -> Path:
        return self.directory / f"{self.prefix}-junit.xml"

    @property
    def summary(self) -> Path:
        return self.directory / f"{self.prefix}-summary.json"

    @property
    def har(self) -> Path:
        return self.directory / f"{self.prefix}.har"

    @property
    def bodies(self) -> Path:
        return self.directory / f"{self.prefix}-bodies"


@dataclass(frozen=True)
class TrafficOutcome:
    """Everything one check found: the observer's findings and drift's."""

    observer: Observer
    drift: DriftRun
    source: str

    @property
    def findings(self) -> list[Finding]:
        return [*self.observer.findings, *self.drift.findings]

    @property
    def failures(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == FAILURE]

    @property
    def exit_status(self) -> int:
        return 1 if self.failures else 0

    def tally(self) -> Tally:
        """The observer's tally with drift's findings counted in."""
        tally = Tally(
            judged=Counter(self.observer.tally.judged),
            failed=Counter(self.observer.tally.failed),
            noted=Counter(self.observer.tally.noted),
            skipped=self.observer.tally.skipped,
        )
        for finding in self.drift.findings:
            tally.add(finding)
        return tally

    def rows(self) -> list[dict[str, Any]]:
        """The tally's rows of the rules that apply to their operation (`rule_scope`); a rule
        that found something keeps its row wherever it found it."""
        return [
            row
            for row in self.tally().rows()
            if row["failed"] or row["notes"] or applies(row["rule"], row["operation"])
        ]

    def summary(self) -> dict[str, Any]:
        observer = self.observer
        return {
            "source": self.source,
            "exchanges": observer.exchanges,
            "documented": len(observer.operations),
            "undocumented": dict(observer.undocumented),
            "unchecked": {str(index): why for index, why in sorted(observer.unchecked.items())},
            "failures": len(self.failures),
            "notes": len(self.findings) - len(self.failures),
            "rules": self.rows(),
            "findings": [finding.to_json() for finding in self.findings],
            "drift": {
                "command": self.drift.command,
                "error": self.drift.error,
                "findings": len(self.drift.findings),
            },
        }


def write_junit(outcome: TrafficOutcome, path: Path) -> None:
    """One test case per operation and rule; its failures hold each finding's message."""
    by_key: dict[tuple[str, str], list[Finding]] = {}
    for finding in outcome.failures:
        by_key.setdefault((finding.operation, finding.rule), []).append(finding)
    rows = outcome.rows()
    suite = ET.Element(
        "testsuite",
        name=f"contract checks on {outcome.source}",
        tests=str(len(rows)),
        failures=str(len(by_key)),
        skipped=str(sum(1 for row in rows if not row["judged"] and not row["failed"])),
    )
    for row in rows:
        key = (row["operation"], row["rule"])
        case = ET.SubElement(suite, "testcase", classname=row["operation"], name=row["rule"])
        found = by_key.get(key)
        if found:
            failure = ET.SubElement(
                case, "failure", message=f"{len(found)} exchange(s) broke {row['rule']}"
            )
            failure.text = "\n\n".join(f"#{f.index}: {f.message}\n{f.curl}" for f in found)
        elif not row["judged"] and not row["notes"]:
            reasons = ", ".join(f"{why} ({n})" for why, n in row["skipped"].items())
            ET.SubElement(case, "skipped", message=f"skipped in passive mode: {reasons}")
    path.parent.mkdir(parents=True, exist_ok=True)
    root = ET.Element("testsuites", name="traffic")
    root.append(suite)
    tree = ET.ElementTree(root)
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)


def _heading(label: str, exchanges: int, rows: list[dict[str, Any]], shown: int) -> list[str]:
    operation = operation_of(label)
    name = f"{operation.operation_id}: {label}" if operation else label
    passed = len(rows) - shown
    return [
        "",
        name,
        f"  {exchanges} exchange(s); {len(rows)} rule(s) apply, "
        f"{passed} passed on every exchange they judged" + (", the others:" if shown else ""),
    ]


def table(outcome: TrafficOutcome) -> str:
    """The closing table: per operation (its id and full path), how many rules apply, and the
    rules that failed, noted or skipped an exchange: judged, failures, notes, skips and why."""
    exchanges = Counter(outcome.observer.operations.values())
    by_operation: dict[str, list[dict[str, Any]]] = {}
    for row in outcome.rows():
        by_operation.setdefault(row["operation"], []).append(row)
    lines = []
    for label, rows in sorted(by_operation.items()):
        telling = [row for row in rows if row["failed"] or row["notes"] or row["skipped"]]
        lines += _heading(label, exchanges[label], rows, len(telling))
        if telling:
            lines.append(f"  {'rule':34} {'judged':>6} {'failed':>6} {'notes':>5} skipped")
        for row in telling:
            skipped = "; ".join(f"{n} ({why})" for why, n in row["skipped"].items())
            lines.append(
                f"  {row['rule']:34} {row['judged']:>6} {row['failed']:>6} {row['notes']:>5} "
                f"{skipped}".rstrip()
            )
    observer = outcome.observer
    lines.append("")
    lines.append(
        f"{observer.exchanges} exchange(s): {len(observer.operations)} documented, "
        f"{sum(observer.undocumented.values())} undocumented, {len(observer.unchecked)} unchecked; "
        f"{len(outcome.failures)} failure(s), "
        f"{len(outcome.findings) - len(outcome.failures)} note(s)"
    )
    for where, count in sorted(observer.undocumented.items()):
        lines.append(f"  undocumented: {where} ({count})")
    for index, why in sorted(observer.unchecked.items()):
        lines.append(f"  unchecked #{index}: {why}")
    if outcome.drift.error:
        lines.append(f"  redocly drift did not run: {outcome.drift.error}")
    else:
        lines.append(f"  redocly drift: {len(outcome.drift.findings)} finding(s), merged above")
    return "\n".join(lines)


def write(outcome: TrafficOutcome, paths: TrafficReportPaths) -> None:
    paths.directory.mkdir(parents=True, exist_ok=True)
    paths.summary.write_text(json.dumps(outcome.summary(), indent=2) + "\n", encoding="utf-8")
    write_junit(outcome, paths.junit)
