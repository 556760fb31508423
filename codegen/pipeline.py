"""Regenerating the typed client under `generated/` from `openapi.yaml` (`make generate`).

generate -> ruff (the generator's post-hooks) -> mypy --strict -> import smoke test, all in a
staging folder; `generated/` is replaced only when every step passed, so a failed run leaves the
committed client as it was.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from codegen.generator import OUTPUT, PACKAGE, GenerationError, generate_into, tool_bin
from tooling.paths import ROOT
from tooling.staging import swap_in

# Imports every module of the package, so that a template that renders broken code fails here.
SMOKE_TEST = f"""
import importlib, pkgutil
import {PACKAGE} as package
for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
    importlib.import_module(module.name)
"""


def type_check(project: Path) -> None:
    """`mypy --strict` on the package alone, with no project config and no cache left behind."""
    result = subprocess.run(
        [
            str(tool_bin() / "mypy"),
            "--strict",
            "--config-file",
            "",
            "--python-version",
            "3.11",
            "--cache-dir",
            os.devnull,
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


def generate(output: Path = OUTPUT) -> None:
    """Generate, type-check and import the client in a staging folder, then swap it in.

    Raises `GenerationError`; `output` is then left as it was.
    """
    # Staged in the repository (git-ignored .cache/, so no linter or `git status` sees it) so
    # that the final renames stay on one file system.
    cache = ROOT / ".cache"
    cache.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache, prefix="generate-") as work:
        staged = Path(work) / "generated"
        generate_into(staged)
        type_check(staged)
        smoke_test(staged)
        swap_in(staged, output)
