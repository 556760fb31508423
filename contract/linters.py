"""Run Redocly CLI and Spectral (pinned in `package-lock.json`) and read their JSON reports.

Both must report nothing: zero errors and zero warnings from Redocly (and nothing silenced by an
ignore file), zero results of any severity from Spectral. The tools run from the project's
`node_modules` with its lint configs. Spectral matches its per-file overrides against the path
of `openapi.yaml` next to `.spectral.yaml`, so a spec elsewhere is linted as a copy named
`openapi.yaml` in a scratch folder beside copies of the configs, and reported under its own name.
Each linter starts at once and is read when its stage comes (`Lint`), so both work while the
Python stages run.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tooling.node import ToolMissingError, start_node_tool
from tooling.paths import ROOT

REDOCLY_CONFIG = "redocly.yaml"
SPECTRAL_RULESET = ".spectral.yaml"
TIMEOUT_SECONDS = 300
SPECTRAL_SCRIPT = Path(__file__).resolve().parent / "spectral.cjs"


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


class Lint:
    """One linter started on a target: it works while the caller does something else, and its
    report is read once (`lines`). A tool that is not installed fails when the report is asked
    for, as the stage that needs it runs."""

    def __init__(
        self,
        tool: str,
        target: LintTarget,
        args: list[str],
        read: Callable[[LintTarget, str, subprocess.CompletedProcess[str]], list[str]],
        script: Path | None = None,
    ) -> None:
        self._read, self._target = read, target
        self._missing: ToolMissingError | None = None
        self._process: subprocess.Popen[str] | None = None
        try:
            self._process = start_node_tool(tool, args, cwd=target.root, script=script)
        except ToolMissingError as error:
            self._missing = error
        self._lines: list[str] | None = None
        self._ended = False

    def lines(self) -> list[str]:
        """One line per problem (none when it passes); waits for the tool to end."""
        if self._lines is None:
            if self._process is None:
                assert self._missing is not None
                raise self._missing
            if self._ended:
                raise RuntimeError("the linter was stopped before its report was read")
            try:
                stdout, stderr = self._process.communicate(timeout=TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self.stop()
                raise
            self._ended = True
            result = subprocess.CompletedProcess(
                self._process.args, self._process.returncode, stdout, stderr
            )
            self._lines = self._read(self._target, stdout, result)
        return self._lines

    def stop(self) -> None:
        """End the tool if it still runs, and close its pipes: its report is no longer wanted."""
        if self._process is not None and not self._ended:
            if self._process.poll() is None:
                self._process.kill()
            self._process.communicate()
            self._ended = True


def _failure(tool: str, result: subprocess.CompletedProcess[str]) -> list[str]:
    output = (result.stderr.strip() or result.stdout.strip())[-2000:]
    return [f"{tool} exited with {result.returncode} without a report: {output}"]


def start_redocly(target: LintTarget) -> Lint:
    """Redocly `lint` with `redocly.yaml`, started."""
    command = [
        "lint",
        "--config",
        str(target.root / REDOCLY_CONFIG),
        "--format=json",
        "--max-problems=1000",
        str(target.spec),
    ]
    return Lint("redocly", target, command, _redocly_lines)


def redocly_lint(target: LintTarget) -> list[str]:
    """Redocly `lint` with `redocly.yaml`: one line per error, warning or ignored problem."""
    return start_redocly(target).lines()


def _redocly_lines(
    target: LintTarget, stdout: str, result: subprocess.CompletedProcess[str]
) -> list[str]:
    try:
        report = json.loads(stdout)
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


def start_spectral(target: LintTarget) -> Lint:
    """Spectral with `.spectral.yaml`, started: by `SPECTRAL_SCRIPT`, which reports what the
    CLI's `lint --format=json` does at less cost."""
    command = [str(target.root / SPECTRAL_RULESET), str(target.spec)]
    return Lint("spectral", target, command, _spectral_lines, script=SPECTRAL_SCRIPT)


def spectral_lint(target: LintTarget) -> list[str]:
    """Spectral with `.spectral.yaml`: one line per result, whatever its severity."""
    return start_spectral(target).lines()


def _spectral_lines(
    target: LintTarget, stdout: str, result: subprocess.CompletedProcess[str]
) -> list[str]:
    try:
        results = json.loads(stdout)
    except ValueError:
        return _failure("spectral lint", result)
    if not isinstance(results, list) or result.returncode:
        return _failure("spectral lint", result)
    return [_spectral_line(target, item) for item in results]


_SPECTRAL_SEVERITIES = {0: "error", 1: "warning", 2: "info", 3: "hint"}


def _spectral_line(target: LintTarget, item: dict[str, Any]) -> str:
    source = target.show(str(item.get("source") or target.spec))
    line = item.get("range", {}).get("start", {}).get("line")
    place = f"{source}:{line + 1}" if isinstance(line, int) else source
    pointer = ".".join(str(part) for part in item.get("path", []))
    severity = _SPECTRAL_SEVERITIES.get(item.get("severity", 0), "error")
    return f"{place}: {pointer}: [{item.get('code')}] {severity}: {item.get('message')}"


LINTERS: dict[str, Callable[[LintTarget], Lint]] = {
    "redocly lint": start_redocly,
    "spectral lint": start_spectral,
}
"""Every linter by the name of its stage, in the order the stages report them."""


@contextmanager
def started_linters(spec: Path, shown_as: str) -> Iterator[dict[str, Lint]]:
    """Every linter started on `spec` at once; those still running at the end are stopped."""
    with lint_target(spec, shown_as) as target:
        lints: dict[str, Lint] = {}
        try:
            for name, start in LINTERS.items():
                lints[name] = start(target)
            yield lints
        finally:
            for lint in lints.values():
                lint.stop()
