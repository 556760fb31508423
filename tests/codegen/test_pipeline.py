"""`make generate` (`codegen.pipeline.run`) in a scratch workspace: nothing changed is nothing done,
and any changed input or edited output is done again; an invalid spec never reaches the output."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from codegen.freshness import GenerationPaths
from codegen.generator import OUTPUT, PACKAGE, tree_files
from codegen.pipeline import Plan, plan, run
from tooling.paths import SPEC

pytestmark = pytest.mark.slow

RUN_DESCRIPTION = "A run of an inbound flow, as the service returns it"
# Valid for the generator, which ignores examples; the examples stage refuses it.
EXAMPLE_TIME = "'2026-11-23T22:15:04+01:00'"
MODEL = f"{PACKAGE}/models/run.py"

Snapshot = dict[str, tuple[int, int, bytes]]


def snapshot(folder: Path) -> Snapshot:
    """Every file's inode, modification time and bytes, and the folder's own inode."""
    files = {
        path.relative_to(folder).as_posix(): (
            path.stat().st_ino,
            path.stat().st_mtime_ns,
            path.read_bytes(),
        )
        for path in folder.rglob("*")
        if path.is_file()
    }
    return {".": (folder.stat().st_ino, 0, b""), **files}


@pytest.fixture(scope="module")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mypy-cache")


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory, mypy_cache: Path) -> Path:
    """The committed spec and client in a scratch folder, run once so that both stamps hold."""
    root = tmp_path_factory.mktemp("pristine")
    shutil.copyfile(SPEC, root / "openapi.yaml")
    shutil.copytree(OUTPUT, root / "generated", ignore=shutil.ignore_patterns("__pycache__"))
    assert run(_workspace(root), mypy_cache=mypy_cache, out=lambda line: None)
    return root


def _workspace(root: Path) -> GenerationPaths:
    return GenerationPaths(
        spec=root / "openapi.yaml", output=root / "generated", stamps=root / "stamps"
    )


@pytest.fixture
def workspace(pristine: Path, tmp_path: Path) -> GenerationPaths:
    """A copy of the pristine workspace, stamps included, for one test to change."""
    shutil.copytree(pristine, tmp_path / "copy")
    return _workspace(tmp_path / "copy")


def _run(space: GenerationPaths, mypy_cache: Path) -> tuple[bool, list[str]]:
    lines: list[str] = []
    return run(space, mypy_cache=mypy_cache, out=lines.append), lines


def test_nothing_changed_means_nothing_done(workspace: GenerationPaths, mypy_cache: Path) -> None:
    before = snapshot(workspace.output)
    ok, lines = _run(workspace, mypy_cache)
    assert ok
    assert len(lines) == 1
    assert "is up to date" in lines[0]
    assert snapshot(workspace.output) == before


def test_the_first_run_writes_what_the_committed_client_holds(workspace: GenerationPaths) -> None:
    assert tree_files(workspace.output) == tree_files(OUTPUT)


def test_a_hand_edited_or_added_file_is_generated_again(
    workspace: GenerationPaths, mypy_cache: Path
) -> None:
    model = workspace.output / MODEL
    generated = model.read_bytes()
    model.write_bytes(generated + b"EDITED = True\n")
    (workspace.output / PACKAGE / "by_hand.py").write_text("X = 1\n", encoding="utf-8")
    assert plan(workspace).generate
    assert not plan(workspace).validate

    ok, lines = _run(workspace, mypy_cache)

    assert ok
    assert not any(line.startswith("validate:") for line in lines), lines
    assert lines[-1].startswith("generate: wrote")
    assert model.read_bytes() == generated
    assert not (workspace.output / PACKAGE / "by_hand.py").exists()
    assert plan(workspace).nothing


def test_a_spec_change_is_validated_and_generated(
    workspace: GenerationPaths, mypy_cache: Path
) -> None:
    text = workspace.spec.read_text(encoding="utf-8")
    assert text.count(RUN_DESCRIPTION) == 1
    workspace.spec.write_text(text.replace(RUN_DESCRIPTION, "A run, changed."), encoding="utf-8")

    ok, lines = _run(workspace, mypy_cache)

    assert ok
    assert any(line.endswith("passes every stage") for line in lines), lines
    assert lines[-1].startswith("generate: wrote")
    assert "A run, changed." in (workspace.output / MODEL).read_text(encoding="utf-8")
    assert plan(workspace).nothing


def test_a_spec_that_fails_validation_leaves_the_client_as_it_was(
    workspace: GenerationPaths, mypy_cache: Path
) -> None:
    text = workspace.spec.read_text(encoding="utf-8")
    assert text.count(EXAMPLE_TIME) == 1
    workspace.spec.write_text(text.replace(EXAMPLE_TIME, "'yesterday'"), encoding="utf-8")
    before = snapshot(workspace.output)

    ok, lines = _run(workspace, mypy_cache)

    assert not ok
    assert "validate: examples failed" in lines, lines
    assert snapshot(workspace.output) == before
    assert plan(workspace).validate
    assert plan(workspace).generate


def test_force_plans_every_stage_even_with_nothing_changed(workspace: GenerationPaths) -> None:
    assert plan(workspace).nothing
    assert plan(workspace, force=True) == Plan(validate=True, generate=True)
