"""What a fuzzing run leaves under `reports/`, and what the runner prints from it.

schemathesis writes its JUnit XML, HTML, NDJSON events and JSON verdict itself; this module reads
the events back for the failures (check name, curl line), reads the status log the hooks wrote
for the per-operation table, and writes the probes' JUnit XML and the machine-readable summary.
"""

from __future__ import annotations

import base64
import json
import shutil
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from fuzzing.curl import curl_line
from fuzzing.facts import contract
from fuzzing.probes import ProbeOutcome


@dataclass(frozen=True)
class FuzzReportPaths:
    """Where one run writes; the zoo gives each variant a directory of its own."""

    directory: Path

    @property
    def junit(self) -> Path:
        return self.directory / "fuzz-junit.xml"

    @property
    def probes_junit(self) -> Path:
        return self.directory / "fuzz-probes-junit.xml"

    @property
    def html(self) -> Path:
        return self.directory / "fuzz-html"

    @property
    def events(self) -> Path:
        return self.directory / "fuzz-events.ndjson"

    @property
    def verdict(self) -> Path:
        return self.directory / "fuzz-schemathesis.json"

    @property
    def status_log(self) -> Path:
        return self.directory / "fuzz-statuses.jsonl"

    @property
    def bodies(self) -> Path:
        return self.directory / "fuzz-bodies"

    @property
    def server_log(self) -> Path:
        return self.directory / "fuzz-server.log"

    @property
    def summary(self) -> Path:
        return self.directory / "fuzz-summary.json"

    @property
    def schemathesis_errors(self) -> Path:
        """schemathesis's error output, kept whole (`fuzzing.session`)."""
        return self.directory / "fuzz-schemathesis-stderr.txt"

    def clear(self) -> None:
        """Remove what an earlier run left, so no report mixes two runs."""
        for path in (
            self.junit,
            self.probes_junit,
            self.events,
            self.verdict,
            self.status_log,
            self.summary,
            self.schemathesis_errors,
        ):
            path.unlink(missing_ok=True)
        for folder in (self.html, self.bodies):
            shutil.rmtree(folder, ignore_errors=True)
        self.directory.mkdir(parents=True, exist_ok=True)


@dataclass(frozen=True)
class Failure:
    """One contract violation, with the check that saw it and a curl line that repeats it."""

    check: str
    source: str
    operation: str
    message: str
    curl: str
    seconds: float | None = None


def _json_lines(path: Path) -> Iterator[Any]:
    """Each line of a JSON Lines file that is whole: a run stopped at its first failure
    (`FUZZ_FAIL_FAST`) may end while a line, or the whole file, is still being written."""
    if not path.exists():
        return
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                try:
                    yield json.loads(line)
                except ValueError:
                    continue


def _iter_events(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    for record in _json_lines(path):
        if isinstance(record, dict) and record:
            name = next(iter(record))
            yield name, record[name]


def _body(recorded: Any) -> bytes | None:
    if isinstance(recorded, dict) and "$base64" in recorded:
        return base64.b64decode(recorded["$base64"])
    if isinstance(recorded, str):
        return recorded.encode()
    return None


def _headers(recorded: dict[str, Any], token_variable: str) -> dict[str, str]:
    """Recorded request headers; a filtered `Authorization` becomes the caller's variable."""
    headers = {}
    for name, values in recorded.items():
        value = ", ".join(values) if isinstance(values, list) else str(values)
        if name.lower() == "authorization" and "[Filtered]" in value:
            value = f"Bearer {token_variable}"
        headers[name] = value
    return headers


def schemathesis_failures(paths: FuzzReportPaths, started: float) -> list[Failure]:
    """The failures in schemathesis's events, one per check, operation and message."""
    failures: dict[tuple[str, str, str], Failure] = {}
    placeholder = "@@TOKEN@@"
    for name, event in _iter_events(paths.events):
        if name != "ScenarioFinished":
            continue
        recorder = event.get("recorder", {})
        interactions = recorder.get("interactions", {})
        for case_id, results in recorder.get("checks", {}).items():
            for result in results:
                info = result.get("failure_info")
                if result.get("status") != "failure" or not info:
                    continue
                failure = info.get("failure", {})
                operation = failure.get("operation") or recorder.get("label", "")
                message = f"{failure.get('title', '')}\n{failure.get('message', '')}".strip()
                key = (result["name"], operation, message.splitlines()[0] if message else "")
                if key in failures:
                    continue
                interaction = interactions.get(case_id, {})
                request = interaction.get("request", {})
                answer = interaction.get("response") or {}
                if answer:
                    content = (_body(answer.get("content")) or b"")[:400]
                    text = content.decode("utf-8", errors="replace")
                    message += f"\n[{answer.get('status_code')}] {text}"
                curl = ""
                if request:
                    curl = curl_line(
                        request.get("method", "GET"),
                        request.get("uri", ""),
                        _headers(request.get("headers", {}), placeholder),
                        _body(request.get("body")),
                        secrets={placeholder: "TARGET_TOKEN"},
                        body_dir=paths.bodies,
                    )
                failures[key] = Failure(
                    check=result["name"],
                    source="schemathesis",
                    operation=operation,
                    message=message,
                    curl=curl,
                    seconds=max(0.0, float(event.get("timestamp", started)) - started),
                )
    return list(failures.values())


def probe_failures(outcomes: list[ProbeOutcome], started: float) -> list[Failure]:
    """The probes' findings as failures, each timed from `started` (epoch seconds)."""
    return [
        Failure(
            check=finding.check,
            source=f"probe {outcome.name}",
            operation=finding.message.splitlines()[1] if "\n" in finding.message else "",
            message=finding.message,
            curl=finding.curl,
            seconds=max(0.0, finding.at - started),
        )
        for outcome in outcomes
        for finding in outcome.findings
    ]


def test_case_count(paths: FuzzReportPaths) -> int:
    """How many test cases schemathesis generated; 0 when it was stopped before its report."""
    try:
        verdict = json.loads(paths.verdict.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0
    count: int = (
        verdict.get("test_cases", {}).get("generated", 0) if isinstance(verdict, dict) else 0
    )
    return count


def spec_operations() -> list[str]:
    """The spec's operations, labelled as schemathesis labels them (`METHOD /path`)."""
    methods = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
    return [
        f"{method.upper()} {path}"
        for path, item in contract().document["paths"].items()
        for method in methods
        if method in item
    ]


@dataclass
class StatusTable:
    """The statuses schemathesis saw per operation (and per other method it tried on a path)."""

    statuses: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    chained: int = 0
    positive: Counter[str] = field(default_factory=Counter)
    """Positive cases: `sent`, `2xx`, and of those given a value the target issued (reference,
    `If-Match`: `fuzzing.positive_cases`), `supplied` and `supplied 2xx`."""

    @classmethod
    def read(cls, path: Path) -> StatusTable:
        table = cls()
        for entry in _json_lines(path):
            if "status" not in entry:  # a request going out (`fuzzing.liveness`)
                continue
            status = int(entry["status"])
            table.statuses[entry["operation"]][status] += 1
            table.chained += bool(entry.get("chained"))
            if entry.get("positive"):
                accepted = 200 <= status < 300
                table.positive["sent"] += 1
                table.positive["2xx"] += accepted
                if entry.get("supplied"):
                    table.positive["supplied"] += 1
                    table.positive["supplied 2xx"] += accepted
        return table

    def positive_share(self) -> str:
        """The share of positive cases answered 2xx, in words."""
        sent, accepted = self.positive["sent"], self.positive["2xx"]
        if not sent:
            return "no positive case was answered"
        supplied = self.positive["supplied"]
        return (
            f"{accepted} of {sent} positive cases answered 2xx ({100 * accepted / sent:.0f}%); "
            f"{self.positive['supplied 2xx']} of the {supplied} given a reference or If-Match "
            "the target issued"
        )

    @property
    def requests(self) -> int:
        return sum(sum(counter.values()) for counter in self.statuses.values())

    def without_2xx(self) -> list[str]:
        """Spec operations that never answered 2xx."""
        return [
            operation
            for operation in spec_operations()
            if not any(200 <= status < 300 for status in self.statuses.get(operation, Counter()))
        ]

    def render(self) -> str:
        operations = spec_operations()
        others = sorted(set(self.statuses) - set(operations))
        rows = [("operation", "2xx", "statuses seen (count)")]
        for operation in [*operations, *others]:
            counter = self.statuses.get(operation, Counter())
            reached = any(200 <= status < 300 for status in counter)
            mark = ("yes" if reached else "NO") if operation in operations else "-"
            seen = (
                " ".join(f"{status}x{count}" for status, count in sorted(counter.items())) or "none"
            )
            rows.append((operation, mark, seen))
        width = max(len(row[0]) for row in rows)
        lines = [f"{row[0]:<{width}}  {row[1]:<3}  {row[2]}" for row in rows]
        lines.insert(1, "-" * len(lines[0]))
        lines.append(f"add run, then update it (links): {self.chained} update(s) of a created run")
        lines.append(f"success path: {self.positive_share()}")
        return "\n".join(lines)

    def as_json(self) -> dict[str, dict[str, int]]:
        return {
            operation: {str(status): count for status, count in sorted(counter.items())}
            for operation, counter in sorted(self.statuses.items())
        }


def write_probes_junit(outcomes: list[ProbeOutcome], path: Path) -> None:
    """The probes as a JUnit test suite: one test case per probe, one failure per finding."""
    failures = sum(1 for outcome in outcomes if outcome.findings)
    suite = ET.Element(
        "testsuite",
        name="probes",
        tests=str(len(outcomes)),
        failures=str(failures),
        skipped=str(sum(1 for outcome in outcomes if outcome.skipped)),
        time=f"{sum(outcome.seconds for outcome in outcomes):.3f}",
    )
    for outcome in outcomes:
        case = ET.SubElement(suite, "testcase", classname="fuzzing.probes", name=outcome.name)
        case.set("time", f"{outcome.seconds:.3f}")
        if outcome.skipped:
            ET.SubElement(case, "skipped", message=outcome.skipped)
        for finding in outcome.findings:
            failure = ET.SubElement(
                case, "failure", message=f"{finding.check}: {finding.message.splitlines()[0]}"
            )
            failure.text = f"{finding.message}\n\nReproduce with:\n    {finding.curl}"
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)


def write_summary(path: Path, summary: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def failures_as_json(failures: list[Failure]) -> list[dict[str, Any]]:
    return [asdict(failure) for failure in failures]
