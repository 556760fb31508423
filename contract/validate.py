"""The validation pipeline of `make validate`: `openapi.yaml` stage by stage, stopping at the
first stage that fails.

Stages, cheapest and most specific first: parse (YAML, no repeated keys), the project's own checks
(`contract.rules`; before the schema validator, whose message about a repeated path parameter
names a symptom rather than the cause), openapi-spec-validator, examples against their schemas
(`contract.examples`), Redocly lint, Spectral lint. Each problem names its place as
`file:line: pointer: message`. Exit status 0 when every stage passes, 1 otherwise.

The Node linters take most of the time and need nothing the stages before them produce, so they
start at once, alongside the others; the stages are still reported in order, up to the first
that fails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contract.linters import lint_target, redocly_lint, spectral_lint
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
class Stage:
    """One named step; `run` returns a short note for the OK line, or raises StageFailedError.

    `alongside`: the step runs another program and may start before the steps listed ahead of it.
    """

    name: str
    run: Callable[[LoadedSpec, str], str]
    alongside: bool = False


def _show(spec: LoadedSpec, shown_as: str, problems: Iterable[Problem]) -> list[str]:
    lines = []
    for problem in problems:
        line = spec.line_of(problem.pointer)
        place = f"{shown_as}:{line}" if line else shown_as
        lines.append(f"{place}: {problem.where}: {problem.message}")
    return lines


def project_checks(spec: LoadedSpec, shown_as: str) -> str:
    problems = run_checks(spec.data)
    if problems:
        raise StageFailedError(_show(spec, shown_as, problems))
    return f"{len(CHECKS)} checks"


def spec_validator(spec: LoadedSpec, shown_as: str) -> str:
    # Imported here, as the stage runs: its imports take half a second, and the Node linters
    # start (alongside) only once this module is imported and the spec parsed.
    from openapi_spec_validator import OpenAPIV31SpecValidator

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


def examples(spec: LoadedSpec, shown_as: str) -> str:
    from contract.examples import check_examples  # as the stage runs: see spec_validator

    report = check_examples(spec.data)
    if report.problems:
        raise StageFailedError(_show(spec, shown_as, report.problems))
    return f"{report.checked} examples"


def _linter(run: Callable[..., list[str]]) -> Callable[[LoadedSpec, str], str]:
    def stage(spec: LoadedSpec, shown_as: str) -> str:
        try:
            with lint_target(spec.path, shown_as) as target:
                lines = run(target)
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
    Stage("redocly lint", _linter(redocly_lint), alongside=True),
    Stage("spectral lint", _linter(spectral_lint), alongside=True),
)


def validate(
    path: Path, out: Callable[[str], None] = print, *, shown_as: str | None = None
) -> bool:
    """Run every stage on `path`, printing one line per stage (naming it `shown_as`, by default
    `path`); False at the first failure."""
    shown_as = shown_as or str(path)
    try:
        spec = load_spec(path)
    except SpecLoadError as error:
        out("validate: parse failed")
        out(f"  {error}")
        return False
    paths = spec.data.get("paths")
    out(f"validate: parse OK ({len(paths) if isinstance(paths, dict) else 0} paths)")
    alongside = [stage for stage in STAGES if stage.alongside]
    # On a failure the linters already started are waited for: their processes end on their own.
    with ThreadPoolExecutor(max_workers=max(1, len(alongside))) as pool:
        started = {stage.name: pool.submit(stage.run, spec, shown_as) for stage in alongside}
        for stage in STAGES:
            try:
                note = _outcome(stage, started.get(stage.name), spec, shown_as)
            except StageFailedError as failure:
                out(f"validate: {stage.name} failed")
                for line in failure.problems:
                    out(f"  {line}")
                return False
            out(f"validate: {stage.name} OK ({note})")
    out(f"validate: {shown_as} passes every stage")
    return True


def _outcome(stage: Stage, started: Future[str] | None, spec: LoadedSpec, shown_as: str) -> str:
    return started.result() if started is not None else stage.run(spec, shown_as)
