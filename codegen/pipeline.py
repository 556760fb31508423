"""Regenerating the typed client under `generated/` from `openapi.yaml` (`make generate`).

Two independent jobs run side by side: validating the spec (`contract.validate`, whose Node
linters, the longest chain, start first of all and run alongside everything else) and building
the client in a staging folder (generate with ruff as the generator's post-hooks, then mypy
--strict and an import smoke test, those two together). `generated/` is replaced only when both
passed, so a failed run leaves the committed client as it was. Each job records a stamp when it
passes; a job whose stamp still matches is skipped (`codegen.freshness`, `contract.freshness`),
so a run with nothing changed does nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from codegen.freshness import GenerationPaths, inputs_digest
from codegen.generator import PACKAGE, GenerationError, generate_into, tool_bin
from contract.freshness import validate_record, validate_stamp
from contract.linters import Lint, started_linters
from tooling.paths import ROOT
from tooling.staging import swap_in

MYPY_CACHE = ROOT / ".cache" / "mypy-generated"
"""mypy's cache for the client: after a spec change it checks again only the modules that changed
(and those that depend on what changed in them). Safe to delete; the next run is slower."""

# Imports every module of the package, so that a template that renders broken code fails here.
SMOKE_TEST = f"""
import importlib, pkgutil
import {PACKAGE} as package
for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
    importlib.import_module(module.name)
"""


def type_check(project: Path, cache: Path | None = None) -> None:
    """`mypy --strict` on the package alone, with no project config; its cache in `cache`, or
    none left behind."""
    result = subprocess.run(
        [
            str(tool_bin() / "mypy"),
            "--strict",
            "--config-file",
            "",
            "--python-version",
            "3.11",
            "--cache-dir",
            str(cache) if cache is not None else os.devnull,
            "-p",
            PACKAGE,
        ],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise GenerationError(f"mypy --strict failed on the generated client:\n{result.stdout}")


def smoke_test(project: Path) -> None:
    # -B: write no __pycache__ into the tree that becomes generated/.
    result = subprocess.run(
        [sys.executable, "-B", "-c", SMOKE_TEST],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise GenerationError(f"the generated client does not import:\n{result.stderr}")


def build(staged: Path, spec: Path, mypy_cache: Path | None) -> None:
    """Generate into `staged`, then type-check and import it, those two side by side."""
    generate_into(staged, spec)
    with ThreadPoolExecutor(max_workers=1) as pool:
        imported = pool.submit(smoke_test, staged)
        type_check(staged, mypy_cache)
        imported.result()


@dataclass(frozen=True)
class Plan:
    """What a run has to do; nothing at all when both stamps still match."""

    validate: bool
    generate: bool

    @property
    def nothing(self) -> bool:
        return not (self.validate or self.generate)


def plan(workspace: GenerationPaths, force: bool = False) -> Plan:
    if force:
        return Plan(validate=True, generate=True)
    validated = validate_stamp(workspace.stamps).matches(validate_record(workspace.spec))
    return Plan(validate=not validated, generate=not workspace.up_to_date())


def _validate(
    workspace: GenerationPaths, out: Callable[[str], None], lints: Mapping[str, Lint] | None
) -> bool:
    from contract.validate import validate  # its imports take a while: only when it runs

    record = validate_record(workspace.spec)
    if not validate(workspace.spec, out, shown_as=_shown(workspace.spec), lints=lints):
        return False
    validate_stamp(workspace.stamps).write(record)
    return True


def generate(
    workspace: GenerationPaths | None = None,
    *,
    todo: Plan | None = None,
    mypy_cache: Path | None = MYPY_CACHE,
    out: Callable[[str], None] = print,
) -> bool:
    """Do what `todo` (by default: `plan(workspace)`) says; False when validation failed.

    Raises `GenerationError` when the client could not be built; `output` is then left as it was.
    """
    workspace = workspace or GenerationPaths()
    todo = todo or plan(workspace)
    inputs = inputs_digest(workspace.spec)  # taken first: an edit during the run is seen next time
    # Staged in the repository (git-ignored .cache/, so no linter or `git status` sees it) so
    # that the final renames stay on one file system as `output`.
    cache = workspace.output.parent / ".cache"
    cache.mkdir(exist_ok=True)
    with (
        ExitStack() as linting,
        tempfile.TemporaryDirectory(dir=cache, prefix="generate-") as work,
        ThreadPoolExecutor(max_workers=1) as pool,
    ):
        # The linters are the longest chain: they start before anything else.
        lints = (
            linting.enter_context(started_linters(workspace.spec, _shown(workspace.spec)))
            if todo.validate and workspace.spec.is_file()
            else None
        )
        staged = Path(work) / "generated"
        built = pool.submit(build, staged, workspace.spec, mypy_cache) if todo.generate else None
        valid = _validate(workspace, out, lints) if todo.validate else True
        if built is not None:
            built.result()
            if valid:
                swap_in(staged, workspace.output)
                workspace.generate_stamp.write(workspace.record(inputs))
    return valid


def run(
    workspace: GenerationPaths | None = None,
    *,
    force: bool = False,
    mypy_cache: Path | None = MYPY_CACHE,
    out: Callable[[str], None] = print,
) -> bool:
    """`make generate`: what has to be done, saying what was; False when validation failed.

    Raises `GenerationError` when the client could not be built.
    """
    workspace = workspace or GenerationPaths()
    todo = plan(workspace, force)
    shown = _shown(workspace.output)
    if todo.nothing:
        out(
            f"generate: {shown}/ is up to date (the spec, the generator's config, templates and "
            "tools unchanged since it passed; FORCE=1 to run anyway)"
        )
        return True
    if not generate(workspace, todo=todo, mypy_cache=mypy_cache, out=out):
        out(f"generate: {shown}/ left as it was: the spec fails validation")
        return False
    out(f"generate: wrote {shown}/" if todo.generate else f"generate: {shown}/ is up to date")
    return True


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
