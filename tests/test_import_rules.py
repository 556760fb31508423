"""The import rules of ARCHITECTURE.md are import-linter contracts in `pyproject.toml`, checked by
`make lint`. Every package is under them, the real tree keeps them, and each contract is broken in
a scratch copy by imports derived from the contract itself: a new contract is tested unedited."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grimp
import pytest

from tooling.paths import ROOT

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
SETTINGS: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
    "tool"
]["importlinter"]
CONTRACTS: list[dict[str, Any]] = SETTINGS["contracts"]
NAMES = [contract["name"] for contract in CONTRACTS]
UNDECLARED = "_undeclared_layer"
"""A module added to an exhaustive layers contract's container, named in none of its layers."""


@dataclass(frozen=True)
class Breach:
    """One offending change: `line` added to `path` (created if missing), and what lint-imports
    prints for it under the broken contract."""

    path: str
    line: str
    reported: str


def _file_of(module: str) -> str | None:
    """The file that holds `module` (a package's `__init__.py`), relative to the root."""
    base = Path(*module.split("."))
    for candidate in (base / "__init__.py", base.with_suffix(".py")):
        if (ROOT / candidate).is_file():
            return candidate.as_posix()
    return None


def _children(module: str) -> list[str]:
    """The submodules and subpackages of `module`, by name; none for a plain module."""
    folder = ROOT.joinpath(*module.split("."))
    if not (folder / "__init__.py").is_file():
        return []
    names = {
        entry.stem if entry.suffix == ".py" else entry.name
        for entry in folder.iterdir()
        if (entry.suffix == ".py" or (entry / "__init__.py").is_file())
        and not entry.name.startswith("__")
    }
    return [f"{module}.{name}" for name in sorted(names)]


def _overlap(one: str, other: str) -> bool:
    return one == other or one.startswith(f"{other}.") or other.startswith(f"{one}.")


def _ignored(importer: str, imported: str, expressions: list[str]) -> bool:
    """Whether one of the contract's `ignore_imports` lets this import through (grimp matches)."""
    graph = grimp.ImportGraph()
    graph.add_import(importer=importer, imported=imported)
    return any(graph.find_matching_direct_imports(import_expression=e) for e in expressions)


def _module_in(module: str) -> str:
    """A plain module standing for `module`: itself, or a package's first module (so that the
    contract's `pkg.** -> ...` allowances apply to it as to any real importer)."""
    plain = [child for child in _children(module) if not _children(child)]
    return plain[0] if plain else module


def _import(importer: str, imported: str) -> Breach:
    """`import imported` written into the module `importer`."""
    path = _file_of(importer)
    assert path is not None, f"{importer} has no file"
    return Breach(path, f"import {imported}", f"{importer} -> {imported} (l.")


def _forbidden(contract: dict[str, Any]) -> list[Breach]:
    """The first source module that exists imports the first forbidden module it may not: a
    submodule before its package, so an allowlist is shown refusing a real module."""
    ignores = contract.get("ignore_imports", [])
    sources = [_module_in(m) for m in contract["source_modules"] if _file_of(m)]
    for expression in contract["forbidden_modules"]:
        stem = expression.removesuffix(".**").removesuffix(".*")
        wildcard = stem != expression
        candidates = _children(stem) + ([] if wildcard else [stem])
        for source in sources:
            for target in candidates:
                if not _overlap(source, target) and not _ignored(source, target, ignores):
                    return [_import(source, target)]
    return []


def _protected(contract: dict[str, Any]) -> list[Breach]:
    """The first root package that is no allowed importer imports each protected module."""
    allowed = contract["allowed_importers"]
    importer = next(
        _module_in(p) for p in SETTINGS["root_packages"] if not any(_overlap(p, a) for a in allowed)
    )
    return [_import(importer, module) for module in contract["protected_modules"]]


def _members(layer: str, container: str | None) -> list[str]:
    """A layer's modules that exist, in the order written (optional ones in parentheses)."""
    separator = "|" if "|" in layer else ":"
    names = [part.strip().strip("()") for part in layer.split(separator)]
    full = [f"{container}.{name}" if container else name for name in names]
    return [name for name in full if _file_of(name)]


def _layers(contract: dict[str, Any]) -> list[Breach]:
    """Each layer imports the one above it, each independent sibling the next one, and an
    exhaustive contract's containers get a module no layer names."""
    breaches = []
    for container in contract.get("containers", [None]):
        layers = [(layer, _members(layer, container)) for layer in contract["layers"]]
        layers = [(layer, members) for layer, members in layers if members]
        for (_, upper), (_, lower) in itertools.pairwise(layers):
            breaches.append(_import(_module_in(lower[0]), upper[0]))
        for layer, members in layers:
            if "|" in layer:
                for importer, imported in zip(members, members[1:] + members[:1], strict=True):
                    breaches.append(_import(_module_in(importer), imported))
        if contract.get("exhaustive") and container:
            module = f"{container}.{UNDECLARED}"
            path = f"{container.replace('.', '/')}/{UNDECLARED}.py"
            breaches.append(Breach(path, '"""Named in no layer."""', f"- {module}\n"))
    return breaches


BREAKERS = {"forbidden": _forbidden, "protected": _protected, "layers": _layers}


def breaches_of(contract: dict[str, Any]) -> list[Breach]:
    """What breaks `contract`, derived from its own fields; none for a type not known here."""
    breaker = BREAKERS.get(contract["type"])
    return breaker(contract) if breaker else []


# Imports a reader would try first, each with words of the contract it must break.
FORBIDDEN = [
    ("reference_server/storage/base.py", "import starlette.responses", "Storage knows no HTTP"),
    ("reference_server/storage/sqlite.py", "import reference_server.settings", "Storage knows"),
    ("fuzzing/checks/rule_helpers.py", "import reference_server.auth", "Layers"),
    ("release/publish.py", "import industrydata_runs_client", "generated client"),
    ("bug_zoo/leniency.py", "import reference_server.auth", "The bug zoo wraps"),
    ("bug_zoo/store.py", "import reference_server.storage.sqlite", "The bug zoo wraps"),
    ("bug_zoo/catalog.py", "import contract.rules", "use of contract/ only its core"),
    ("soak/run.py", "import reference_server.settings", "The soak drives"),
    ("soak/run.py", "import fuzzing.target", "The soak drives"),
    ("tooling/processes.py", "import fuzzing.target", "Layers"),
    ("tooling/paths.py", "import traffic", "Layers"),
    ("contract/validate.py", "import traffic.observer", "Layers"),
    ("reference_server/app.py", "import traffic", "Layers"),
    ("reference_server/app.py", "import contract.rules", "use of contract/ only its core"),
    ("reference_server/app.py", "import tooling.processes", "The reference server stands alone"),
    ("fuzzing/runner.py", "import contract.examples", "use of contract/ only its core"),
    ("contract/refs.py", "import contract.rules", "contract/: the core imports none"),
    ("contract/loading.py", "import tooling.paths", "The contract core imports nothing"),
    ("traffic/observer.py", "import reference_server.auth", "Traffic checks judge"),
    ("traffic/observer.py", "import fuzzing.runner", "Traffic checks judge"),
    ("bench/suite.py", "import reference_server.app", "The benchmarks start every server"),
    ("release/notes.py", "import fuzzing.checks", "Publishing is a library"),
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
    # Wide lines: a long contract name is printed on one line, as the parsing below reads it.
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "COLUMNS": "1000"},
    )


def _verdicts(stdout: str) -> dict[str, str]:
    """Each contract's name -> KEPT or BROKEN, from the summary lines."""
    verdicts = {}
    for line in stdout.splitlines():
        for name in NAMES:
            rest = line.removeprefix(f"{name} ")
            if rest != line and rest.split(" ")[0] in {"KEPT", "BROKEN"}:
                verdicts[name] = rest.split(" ")[0]
    return verdicts


def _section(stdout: str, name: str) -> str:
    """What lint-imports prints under the underlined name of a broken contract."""
    _, _, after = stdout.partition(f"\n{name}\n{'-' * len(name)}\n")
    starts = [after.find(f"\n{other}\n{'-' * len(other)}\n") for other in NAMES]
    return after[: min([s for s in starts if s >= 0], default=len(after))]


def _break(tree: Path, breaches: list[Breach]) -> None:
    for breach in breaches:
        path = tree / breach.path
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        path.write_text(f"{text}\n{breach.line}  # noqa\n", encoding="utf-8")


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _scratch_copy(tmp_path_factory.mktemp("tree"))


def _broken_copy(pristine: Path, into: Path, breaches: list[Breach]) -> str:
    """lint-imports' report on a copy of `pristine` with every breach in it: one run for all."""
    tree = into / "tree"
    shutil.copytree(pristine, tree)
    _break(tree, breaches)
    result = _lint_imports(tree)
    assert result.returncode != 0, result.stdout
    return result.stdout


@pytest.fixture(scope="module")
def derived_report(pristine: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    breaches = [breach for contract in CONTRACTS for breach in breaches_of(contract)]
    return _broken_copy(pristine, tmp_path_factory.mktemp("derived"), breaches)


@pytest.fixture(scope="module")
def table_report(pristine: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    breaches = [Breach(module, line, "") for module, line, _ in FORBIDDEN]
    return _broken_copy(pristine, tmp_path_factory.mktemp("table"), breaches)


def test_every_package_is_under_the_import_rules() -> None:
    """A top-level folder with `__init__.py` is a root package and a layer: `make lint` then fails
    for a forbidden import from it, and for any import of a layer above it."""
    packages = {path.parent.name for path in ROOT.glob("*/__init__.py")}
    assert set(SETTINGS["root_packages"]) == packages
    package_layers = [c for c in CONTRACTS if c["type"] == "layers" and not c.get("containers")]
    assert len(package_layers) == 1, "one layers contract orders the packages"
    layered = {name.strip() for layer in package_layers[0]["layers"] for name in layer.split("|")}
    assert layered == packages


def test_the_core_contract_names_every_core_module() -> None:
    """The core is the bottom layer of the `contract/` layers, and the contract that keeps the
    core from the rest of the kit names the same modules: a module added to one is in the other."""
    (inner,) = [
        c for c in CONTRACTS if c["type"] == "layers" and c.get("containers") == ["contract"]
    ]
    (core,) = [
        c
        for c in CONTRACTS
        if c["type"] == "forbidden" and all(m.startswith("contract.") for m in c["source_modules"])
    ]
    assert set(core["source_modules"]) == set(_members(inner["layers"][-1], "contract"))


def test_every_contract_has_a_breaking_case() -> None:
    assert len(set(NAMES)) == len(NAMES), "the test tells contracts apart by name"
    for contract in CONTRACTS:
        assert breaches_of(contract), f"no breaking import derived for {contract['name']!r}"


def test_the_tree_keeps_every_import_rule(pristine: Path) -> None:
    result = _lint_imports(pristine)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
    assert _verdicts(result.stdout) == dict.fromkeys(NAMES, "KEPT")


@pytest.mark.parametrize("contract", CONTRACTS, ids=NAMES)
def test_each_contract_is_broken_by_its_case(derived_report: str, contract: dict[str, Any]) -> None:
    """Each contract is reported broken, naming each of its own breaches (all in one copy)."""
    assert _verdicts(derived_report)[contract["name"]] == "BROKEN", derived_report
    section = _section(derived_report, contract["name"])
    for breach in breaches_of(contract):
        assert breach.reported in section, f"{breach}\n{derived_report}"


@pytest.mark.parametrize(
    ("module", "line", "words"), FORBIDDEN, ids=[f"{f[0]}:{f[1]}" for f in FORBIDDEN]
)
def test_a_forbidden_import_breaks_its_contract(
    table_report: str, module: str, line: str, words: str
) -> None:
    (name,) = [n for n in NAMES if words in n]
    assert _verdicts(table_report)[name] == "BROKEN", table_report
    importer = module.removesuffix(".py").replace("/", ".")
    imported = line.split()[-1]
    if imported.split(".")[0] not in SETTINGS["root_packages"]:
        imported = imported.split(".")[0]  # lint-imports names an external package, not its parts
    assert f"{importer} -> {imported} (l." in _section(table_report, name), table_report
