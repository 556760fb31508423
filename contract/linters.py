"""Run Redocly CLI and Spectral (pinned in `package-lock.json`) and read their JSON reports.

Both must report nothing: zero errors and zero warnings from Redocly (and nothing silenced by an
ignore file), zero results of any severity from Spectral. The tools run from the project's
`node_modules` with its lint configs. Spectral matches its per-file overrides against the path
of `openapi.yaml` next to `.spectral.yaml`, so a spec elsewhere is linted as a copy named
`openapi.yaml` in a scratch folder beside copies of the configs, and reported under its own name.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tooling.node import run_node_tool
from tooling.paths import ROOT

REDOCLY_CONFIG = "redocly.yaml"
SPECTRAL_RULESET = ".spectral.yaml"
TIMEOUT_SECONDS = 300


@dataclass(frozen=True)
class LintTarget:
    """The spec as the tools see it, and the name to report it under."""

    spec: Path
    root: Path
    shown_as: str

    def show(self, source: str) -> str:
        """`source` as a tool wrote it, with a scratch copy's path replaced by the real name."""
        try:
            if Path(self.root, source).resolve() == self.spec.resolve():
                return self.shown_as
        except OSError:
            pass
        return source


@contextmanager
def lint_target(spec: Path, shown_as: str) -> Iterator[LintTarget]:
    """The project's own `openapi.yaml` in place; any other spec as a copy in a scratch folder."""
    if spec.resolve() == (ROOT / "openapi.yaml").resolve():
        yield LintTarget(ROOT / "openapi.yaml", ROOT, shown_as)
        return
    with tempfile.TemporaryDirectory(prefix="validate-") as scratch:
        root = Path(scratch)
        shutil.copyfile(spec, root / "openapi.yaml")
        for config in (REDOCLY_CONFIG, SPECTRAL_RULESET):
            shutil.copyfile(ROOT / config, root / config)
        # Spectral resolves the packages its ruleset extends from the ruleset's folder.
        (root / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
        yield LintTarget(root / "openapi.yaml", root, shown_as)


def _run(tool: str, args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_node_tool(tool, args, cwd=cwd, timeout=TIMEOUT_SECONDS)


def _failure(tool: str, result: subprocess.CompletedProcess[str]) -> list[str]:
    output = (result.stderr.strip() or result.stdout.strip())[-2000:]
    return [f"{tool} exited with {result.returncode} without a report: {output}"]


def redocly_lint(target: LintTarget) -> list[str]:
    """Redocly `lint` with `redocly.yaml`: one line per error, warning or ignored problem."""
    command = [
        "lint",
        "--config",
        str(target.root / REDOCLY_CONFIG),
        "--format=json",
        "--max-problems=1000",
        str(target.spec),
    ]
    result = _run("redocly", command, target.root)
    try:
        report = json.loads(result.stdout)
        totals, problems = report["totals"], report["problems"]
    except (ValueError, KeyError, TypeError):
        return _failure("redocly lint", result)
    lines = [_redocly_line(target, problem) for problem in problems]
    if totals.get("ignored"):
        lines.append(
            f"{totals['ignored']} problem(s) silenced by an ignore file: turn a rule off in "
            f"{REDOCLY_CONFIG} with its reason instead"
        )
    if not lines and (totals.get("errors") or totals.get("warnings") or result.returncode):
        lines = _failure("redocly lint", result)
    return lines


def _redocly_line(target: LintTarget, problem: dict[str, Any]) -> str:
    location = (problem.get("location") or [{}])[0]
    source = target.show(str(location.get("source", {}).get("ref", target.spec)))
    line = location.get("start", {}).get("line")
    place = f"{source}:{line}" if line else source
    pointer = location.get("pointer", "")
    return (
        f"{place}: {pointer}: [{problem.get('ruleId')}] {problem.get('severity')}: "
        f"{problem.get('message')}"
    )


def spectral_lint(target: LintTarget) -> list[str]:
    """Spectral with `.spectral.yaml`: one line per result, whatever its severity."""
    with tempfile.TemporaryDirectory(prefix="spectral-") as scratch:
        report_path = Path(scratch, "report.json")
        command = [
            "lint",
            "--quiet",
            "--ruleset",
            str(target.root / SPECTRAL_RULESET),
            "--fail-severity=hint",
            "--format=json",
            "--output",
            str(report_path),
            str(target.spec),
        ]
        result = _run("spectral", command, target.root)
        try:
            results = json.loads(report_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return _failure("spectral lint", result)
    if not isinstance(results, list):
        return _failure("spectral lint", result)
    lines = [_spectral_line(target, item) for item in results]
    if not lines and result.returncode:
        lines = _failure("spectral lint", result)
    return lines


_SPECTRAL_SEVERITIES = {0: "error", 1: "warning", 2: "info", 3: "hint"}


def _spectral_line(target: LintTarget, item: dict[str, Any]) -> str:
    source = target.show(str(item.get("source") or target.spec))
    line = item.get("range", {}).get("start", {}).get("line")
    place = f"{source}:{line + 1}" if isinstance(line, int) else source
    pointer = ".".join(str(part) for part in item.get("path", []))
    severity = _SPECTRAL_SEVERITIES.get(item.get("severity", 0), "error")
    return f"{place}: {pointer}: [{item.get('code')}] {severity}: {item.get('message')}"
