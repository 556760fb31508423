"""`make generate` and `make check-generated`: deterministic output, an honest drift report."""

from __future__ import annotations

import hashlib
import shutil
import tomllib
from pathlib import Path

import pytest

from codegen.drift import check
from codegen.generator import (
    OUTPUT,
    PACKAGE,
    GenerationError,
    check_tool_versions,
    generate_into,
    tree_files,
)
from codegen.pipeline import type_check
from tooling.paths import SPEC

# A path that names the same parameter twice: the generator drops the operation with a warning.
DROPPED_OPERATION_SPEC = """\
openapi: 3.1.0
info: {title: Dropped, version: 1.0.0}
paths:
  /flows/{runId}/runs/{runId}:
    get:
      operationId: getRun
      parameters:
        - {name: runId, in: path, required: true, schema: {type: string}}
      responses:
        '204': {description: No content.}
"""


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The client as the spec produces it now."""
    target = tmp_path_factory.mktemp("fresh") / "generated"
    generate_into(target)
    return target


def test_two_runs_give_identical_bytes(fresh: Path, tmp_path: Path) -> None:
    again = tmp_path / "generated"
    generate_into(again)
    first, second = tree_files(fresh), tree_files(again)
    assert f"{PACKAGE}/py.typed" in first
    assert first == second


def test_the_committed_client_is_what_the_spec_produces(fresh: Path) -> None:
    assert check(OUTPUT, fresh) is None


def test_the_project_is_installable_and_typed(fresh: Path) -> None:
    project = tomllib.loads((fresh / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["build-system"]["build-backend"] == "poetry.core.masonry.api"
    assert project["tool"]["poetry"]["name"] == "industrydata-runs-client"
    assert (fresh / PACKAGE / "py.typed").is_file()
    assert not (fresh / ".ruff_cache").exists()


def test_the_spec_hash_names_the_spec_it_came_from(fresh: Path) -> None:
    digest = hashlib.sha256(SPEC.read_bytes()).hexdigest()
    assert (fresh / "SPEC_SHA256").read_text(encoding="utf-8") == f"{digest}  openapi.yaml\n"


def test_the_drift_report_names_added_missing_and_changed_files(
    fresh: Path, tmp_path: Path
) -> None:
    committed = tmp_path / "committed"
    shutil.copytree(fresh, committed)
    (committed / PACKAGE / "by_hand.py").write_text("X = 1\n", encoding="utf-8")
    (committed / PACKAGE / "errors.py").unlink()
    types_py = committed / PACKAGE / "types.py"
    types_py.write_text(types_py.read_text(encoding="utf-8") + "EDITED = True\n", encoding="utf-8")

    report = check(committed, fresh)

    assert report is not None
    assert f"added by hand (not generated): {PACKAGE}/by_hand.py" in report
    assert f"missing (generated, not present): {PACKAGE}/errors.py" in report
    assert f"changed: {PACKAGE}/types.py" in report
    assert "+EDITED = True" in report


def test_byproducts_of_building_and_importing_are_not_drift(fresh: Path, tmp_path: Path) -> None:
    committed = tmp_path / "committed"
    shutil.copytree(fresh, committed)
    (committed / PACKAGE / "__pycache__").mkdir()
    (committed / PACKAGE / "__pycache__" / "client.cpython-311.pyc").write_bytes(b"\0")
    (committed / ".mypy_cache").mkdir()
    (committed / ".mypy_cache" / "CACHEDIR.TAG").write_text("x", encoding="utf-8")
    assert check(committed, fresh) is None


def test_a_generator_warning_fails_generation(tmp_path: Path) -> None:
    spec = tmp_path / "dropped.yaml"
    spec.write_text(DROPPED_OPERATION_SPEC, encoding="utf-8")
    with pytest.raises(GenerationError, match="Endpoint will not be generated"):
        generate_into(tmp_path / "generated", spec)


def test_generation_refuses_tools_other_than_the_pinned_ones(tmp_path: Path) -> None:
    lock = tmp_path / "requirements.lock"
    lock.write_text("openapi-python-client==0.29.1\nruff==0.0.1\n", encoding="utf-8")
    with pytest.raises(GenerationError, match=r"ruff='0\.0\.1'"):
        check_tool_versions(lock)


def test_the_committed_client_passes_mypy_strict() -> None:
    type_check(OUTPUT)
