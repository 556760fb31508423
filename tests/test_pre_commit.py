"""`.pre-commit-config.yaml`: it parses, every hook is local and offline (the project's own tools
from .venv), each entry exists, each hook runs on the files its check reads, and a hook's entry
runs as pre-commit runs it."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from codegen.generator import CONFIG, LOCK, OUTPUT, TEMPLATES
from contract.freshness import JUDGES
from tooling.paths import ROOT, SPEC

CONFIG_FILE = ROOT / ".pre-commit-config.yaml"


def hooks() -> dict[str, dict[str, Any]]:
    loaded = yaml.safe_load(CONFIG_FILE.read_text(encoding="utf-8"))
    assert [repo["repo"] for repo in loaded["repos"]] == ["local"]
    return {hook["id"]: hook for repo in loaded["repos"] for hook in repo["hooks"]}


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _some_file(path: Path) -> str:
    """`path` itself, or a file inside it (a folder is matched by the files it holds)."""
    return _relative(path if path.is_file() else next(p for p in path.rglob("*") if p.is_file()))


def test_the_hooks_are_ruff_the_spec_lint_and_the_drift_check() -> None:
    assert set(hooks()) == {"ruff-format", "ruff-check", "spec-lint", "check-generated"}


@pytest.mark.parametrize("hook_id", sorted(hooks()))
def test_each_hook_runs_a_pinned_tool_of_the_project_offline(hook_id: str) -> None:
    hook = hooks()[hook_id]
    assert hook["language"] == "system"  # no environment of pre-commit's own to download
    program, *args = shlex.split(hook["entry"])
    assert program.startswith(".venv/bin/")
    assert (ROOT / program).exists(), program
    if args[:1] == ["-m"]:
        module = args[1].split(".")
        assert (ROOT.joinpath(*module[:-1]) / f"{module[-1]}.py").is_file(), args[1]


def test_the_spec_lint_runs_when_anything_validate_reads_changes() -> None:
    pattern = re.compile(hooks()["spec-lint"]["files"])
    for path in (SPEC, *JUDGES):
        assert pattern.search(_some_file(path)), path
    assert not pattern.search("fuzzing/runner.py")


def test_the_drift_check_runs_when_anything_generation_reads_or_writes_changes() -> None:
    pattern = re.compile(hooks()["check-generated"]["files"])
    for path in (SPEC, CONFIG, TEMPLATES, LOCK, OUTPUT):
        assert pattern.search(_some_file(path)), path
    assert not pattern.search("README.md")


def test_the_ruff_check_hook_runs_as_pre_commit_runs_it(tmp_path: Path) -> None:
    """pre-commit appends the touched files to the entry: a clean file passes, a file with an
    unused import fails."""
    entry = shlex.split(hooks()["ruff-check"]["entry"])
    clean = subprocess.run([*entry, "tooling/paths.py"], cwd=ROOT, capture_output=True, check=False)
    assert clean.returncode == 0, clean.stdout
    scratch = tmp_path / "touched.py"
    scratch.write_text("import os\n", encoding="utf-8")
    dirty = subprocess.run(
        [*entry, str(scratch)], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert dirty.returncode == 1
    assert "F401" in dirty.stdout
