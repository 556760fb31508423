"""Names that explain themselves: no two classes (or type aliases) of the kit share a name, and no
two modules do unless they do the same job in parallel places (listed below, each with why).

A shared name makes a reader open both to learn which is meant, and an import of the wrong one
still type-checks when the two look alike. The packages are those import-linter checks
(`pyproject.toml`), so a new package is covered without a change here.
"""

from __future__ import annotations

import ast
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

from tooling.paths import ROOT

# Module names shared on purpose: the same job in parallel places.
PARALLEL = {
    # One module per concern of the contract, in each family that judges it.
    "responses": "the responses' lint rules, fuzz checks and diff",
    "operations": "the operations' lint rules and diff (contract.rules, spec_diff)",
    "schemas": "the schemas' lint rules and diff (contract.rules, spec_diff)",
    "bodies": "the bodies' probes and diff (fuzzing.probes, spec_diff)",
    "values": "the request values' fuzz checks and probes (fuzzing.checks, fuzzing.probes)",
    "preferences": "`Prefer`'s fuzz checks and probes (fuzzing.checks, fuzzing.probes)",
    "retries": "a create sent again: its fuzz checks and probes (fuzzing.checks, fuzzing.probes)",
    # One module per tool for the same part of it.
    "registry": "where lint rules and fuzz checks register (contract.rules, fuzzing.checks)",
    "freshness": "when `make validate` and `make generate` may skip (contract, codegen)",
    "reports": "what `make fuzz` and a traffic check leave under reports/ (fuzzing, traffic)",
    "settings": "the server's and the fuzzer's settings from their environment",
    "run": "`make bench` and `make soak` end to end (bench, soak)",
    "runner": "`make fuzz` and `make fuzz-zoo` end to end (fuzzing, bug_zoo)",
}

# `scripts/<target>.py` is the entry point of `make <target>` and named after it (`proxy`,
# `validate`, `publish`, `bench`, `soak`): it shares its name with what it runs by design.
NAMED_AFTER_MAKE_TARGETS = "scripts"


def kit_packages() -> list[str]:
    """The hand-written top-level packages: import-linter's roots but the tests."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    roots: list[str] = config["tool"]["importlinter"]["root_packages"]
    return [root for root in roots if root != "tests"]


def sources(root: Path, packages: Iterable[str]) -> Iterator[Path]:
    for package in packages:
        yield from sorted((root / package).rglob("*.py"))


def module_names(root: Path, packages: Iterable[str]) -> dict[str, list[str]]:
    """Each module's last name (a package's is its folder's), with where it is."""
    found: dict[str, list[str]] = defaultdict(list)
    for path in sources(root, packages):
        where = path.relative_to(root)
        if where.parts[0] == NAMED_AFTER_MAKE_TARGETS and where.name != "__init__.py":
            continue
        name = where.parent.name if where.name == "__init__.py" else where.stem
        found[name].append(where.as_posix())
    return found


def _is_type_expression(node: ast.expr) -> bool:
    return isinstance(node, ast.Subscript) or (
        isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr)
    )


def _type_names(tree: ast.Module) -> Iterator[str]:
    """Classes anywhere in the module, and its type aliases (`Name = X[...]` or `X | Y`)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            yield node.name
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target, value = statement.targets[0], statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            target, value = statement.target, statement.value
        else:
            continue
        if (
            isinstance(target, ast.Name)
            and _is_type_expression(value)
            and target.id[0].isupper()
            and not target.id.isupper()
        ):
            yield target.id


def type_names(root: Path, packages: Iterable[str]) -> dict[str, list[str]]:
    """Each class and type alias name, with the modules that define one by it."""
    found: dict[str, list[str]] = defaultdict(list)
    for path in sources(root, packages):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for name in _type_names(tree):
            found[name].append(path.relative_to(root).as_posix())
    return found


def shared(found: dict[str, list[str]]) -> dict[str, list[str]]:
    return {name: places for name, places in sorted(found.items()) if len(places) > 1}


def test_no_two_classes_or_type_aliases_share_a_name() -> None:
    assert shared(type_names(ROOT, kit_packages())) == {}


def test_modules_share_a_name_only_when_they_do_the_same_job_in_parallel_places() -> None:
    unexplained = {
        name: places
        for name, places in shared(module_names(ROOT, kit_packages())).items()
        if name not in PARALLEL
    }
    assert unexplained == {}


def test_every_parallel_name_is_still_shared() -> None:
    # A name that no longer repeats has no reason to stay allowed.
    names = shared(module_names(ROOT, kit_packages()))
    assert sorted(set(PARALLEL) - set(names)) == []


def test_the_walk_finds_shared_names_in_a_scratch_tree(tmp_path: Path) -> None:
    for path, text in {
        "one/__init__.py": "",
        "one/ledger.py": "class Entry: ...\nKey = tuple[str, str]\n",
        "one/parts/__init__.py": "",
        "one/parts/ledger.py": "def make() -> None:\n    class Entry: ...\n",
        "two/__init__.py": "",
        "two/parts.py": "Key = int | str\nLIMIT = 3\nAlias = dict\n",
        "scripts/__init__.py": "",
        "scripts/ledger.py": "",
    }.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text, encoding="utf-8")
    packages = ("one", "two", "scripts")
    assert shared(module_names(tmp_path, packages)) == {
        "ledger": ["one/ledger.py", "one/parts/ledger.py"],
        "parts": ["one/parts/__init__.py", "two/parts.py"],
    }
    assert shared(type_names(tmp_path, packages)) == {
        "Entry": ["one/ledger.py", "one/parts/ledger.py"],
        "Key": ["one/ledger.py", "two/parts.py"],
    }
