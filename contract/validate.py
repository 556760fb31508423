"""The validation pipeline of `make validate`: `openapi.yaml` stage by stage, stopping at the
first stage that fails.

Stages, cheapest and most specific first: parse (YAML, no repeated keys), the project's own checks
(`contract.rules`; before the schema validator, whose message about a repeated path parameter
names a symptom rather than the cause), openapi-spec-validator, examples against their schemas
(`contract.examples`), Redocly lint, Spectral lint. Each problem names its place as
`file:line: pointer: message`. Exit status 0 when every stage passes, 1 otherwise.

The Node linters take most of the time and need nothing the stages before them produce, so they
start first, before the spec is even parsed (`make generate` starts them before anything else,
and hands them in), and work while the Python stages run; the stages are still reported in order,
up to the first that fails, and linters still running then are stopped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contract.linters import Lint, started_linters
from contract.loading import LoadedSpec, SpecLoadError, load_spec
from contract.rules import CHECKS, Problem, run_checks
from tooling.node import ToolMissingError

TOP_LEVEL_KEYS = frozenset(
    [
        "openapi",
        "info",
        "jsonSchemaDialect",
        "servers",
        "paths",
        "webhooks",
        "components",
        "security",
        "tags",
        "externalDocs",
    ]
)


class StageFailedError(Exception):
    """A stage found problems; each line of `problems` names its place."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = list(problems)


@dataclass(frozen=True)
class Checked:
    """What a stage looks at: the parsed spec, the name to show it under, the started linters."""

    spec: LoadedSpec
    shown_as: str
    lints: Mapping[str, Lint]


@dataclass(frozen=True)
class Stage:
    """One named step; `run` returns a short note for the OK line, or raises StageFailedError."""

    name: str
    run: Callable[[Checked], str]


def _show(spec: LoadedSpec, shown_as: str, problems: Iterable[Problem]) -> list[str]:
    lines = []
    for problem in problems:
        line = spec.line_of(problem.pointer)
        place = f"{shown_as}:{line}" if line else shown_as
        lines.append(f"{place}: {problem.where}: {problem.message}")
    return lines


def project_checks(checked: Checked) -> str:
    problems = run_checks(checked.spec.data)
    if problems:
        raise StageFailedError(_show(checked.spec, checked.shown_as, problems))
    return f"{len(CHECKS)} checks"


def spec_validator(checked: Checked) -> str:
    # Imported here, as the stage runs: its imports take a while, and a run that fails earlier
    # never needs them.
    from openapi_spec_validator import OpenAPIV31SpecValidator

    spec, shown_as = checked.spec, checked.shown_as
    lines: list[str] = []
    try:
        for error in OpenAPIV31SpecValidator(spec.data).iter_errors():
            lines.append(_validator_line(spec, shown_as, error))
    except Exception as error:  # the validator raises whatever its reference resolver raises
        lines.append(f"{shown_as}: openapi-spec-validator stopped: {type(error).__name__}: {error}")
    if lines:
        raise StageFailedError(lines)
    return f"OpenAPI {spec.data.get('openapi')}"


def _validator_line(spec: LoadedSpec, shown_as: str, error: Any) -> str:
    message = str(getattr(error, "message", error)).splitlines()[0]
    path = tuple(str(part) for part in getattr(error, "path", ()))
    if path and path[0] in TOP_LEVEL_KEYS:
        return _show(spec, shown_as, [Problem(path, message)])[0]
    # Errors inside a schema carry a path relative to that schema only.
    relative = f" (at {'.'.join(path)} of a schema)" if path else ""
    return f"{shown_as}: {message}{relative}"


def examples(checked: Checked) -> str:
    from contract.examples import check_examples  # as the stage runs: see spec_validator

    report = check_examples(checked.spec.data)
    if report.problems:
        raise StageFailedError(_show(checked.spec, checked.shown_as, report.problems))
    return f"{report.checked} examples"


def _linter(name: str) -> Callable[[Checked], str]:
    def stage(checked: Checked) -> str:
        try:
            lines = checked.lints[name].lines()
        except ToolMissingError as error:
            raise StageFailedError([str(error)]) from error
        if lines:
            raise StageFailedError(lines)
        return "no errors, no warnings"

    return stage


STAGES = (
    Stage("project checks", project_checks),
    Stage("openapi-spec-validator", spec_validator),
    Stage("examples", examples),
    Stage("redocly lint", _linter("redocly lint")),
    Stage("spectral lint", _linter("spectral lint")),
)


def validate(
    path: Path,
    out: Callable[[str], None] = print,
    *,
    shown_as: str | None = None,
    lints: Mapping[str, Lint] | None = None,
) -> bool:
    """Run every stage on `path`, printing one line per stage (naming it `shown_as`, by default
    `path`); False at the first failure. `lints`: the linters already started on `path`
    (`contract.linters.started_linters`), stopped at the end if still running; by default they
    start here, before the parse."""
    shown_as = shown_as or str(path)
    with ExitStack() as stack:
        if lints is None and path.is_file():  # no file: the parse says so
            lints = stack.enter_context(started_linters(path, shown_as))
        for lint in (lints or {}).values():  # handed in or not, none outlives the stages
            stack.callback(lint.stop)
        try:
            spec = load_spec(path)
        except SpecLoadError as error:
            out("validate: parse failed")
            out(f"  {error}")
            return False
        paths = spec.data.get("paths")
        out(f"validate: parse OK ({len(paths) if isinstance(paths, dict) else 0} paths)")
        checked = Checked(spec, shown_as, lints or {})
        for stage in STAGES:
            try:
                note = stage.run(checked)
            except StageFailedError as failure:
                out(f"validate: {stage.name} failed")
                for line in failure.problems:
                    out(f"  {line}")
                return False
            out(f"validate: {stage.name} OK ({note})")
    out(f"validate: {shown_as} passes every stage")
    return True
