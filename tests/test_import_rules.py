"""The import rules of ARCHITECTURE.md are checked by `make lint` (import-linter contracts in
`pyproject.toml`): the real tree keeps them, and a forbidden import in a scratch copy fails."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tooling.paths import ROOT

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

# (file to edit, the import added, words of the contract it must break)
FORBIDDEN = [
    ("reference_server/storage/base.py", "import starlette.responses", "Storage knows no HTTP"),
    ("fuzzing/checks/rule_helpers.py", "import reference_server.auth", "Fuzzing judges any target"),
    ("release/publish.py", "import industrydata_runs_client", "generated client"),
    ("bug_zoo/leniency.py", "import reference_server.auth", "The bug zoo wraps"),
    ("soak/run.py", "import reference_server.settings", "The soak drives"),
    ("tooling/processes.py", "import fuzzing.target", "The shared helpers"),
    ("reference_server/app.py", "import contract.rules", "The reference server stands alone"),
    ("traffic/observer.py", "import reference_server.auth", "Traffic checks judge"),
]


def _scratch_copy(into: Path) -> Path:
    """The tracked Python sources and `pyproject.toml`, as `make lint` sees them."""
    listed = subprocess.run(
        ["git", "ls-files", "*.py", "pyproject.toml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for name in listed:
        source = ROOT / name
        if source.exists():
            target = into / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    return into


def _lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _scratch_copy(tmp_path_factory.mktemp("tree"))


def test_the_tree_keeps_every_import_rule(pristine: Path) -> None:
    result = _lint_imports(pristine)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(("module", "line", "contract"), FORBIDDEN, ids=[f[0] for f in FORBIDDEN])
def test_a_forbidden_import_breaks_its_contract(
    pristine: Path, tmp_path: Path, module: str, line: str, contract: str
) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(pristine, tree)
    path = tree / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")
    result = _lint_imports(tree)
    assert result.returncode != 0, result.stdout
    assert contract in result.stdout, result.stdout
    importer = module.removesuffix(".py").replace("/", ".")
    assert f"{importer} -> {line.split()[-1].split('.')[0]}" in result.stdout, result.stdout
