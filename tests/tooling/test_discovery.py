"""A package's modules are found by looking, in name order, and imported only when asked."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tooling.discovery import import_all, module_names


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A package `found_here` with modules `b`, `a`, a subpackage `c` and an importing log."""
    root = tmp_path / "found_here"
    (root / "c").mkdir(parents=True)
    (root / "__init__.py").write_text("IMPORTED: list[str] = []\n")
    (root / "c" / "__init__.py").write_text("")
    for name in ("b", "a"):
        (root / f"{name}.py").write_text(
            f"from found_here import IMPORTED\nIMPORTED.append({name!r})\n"
        )
    (root / "notes.txt").write_text("not a module\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "found_here"
    for name in [name for name in sys.modules if name.split(".")[0] == "found_here"]:
        del sys.modules[name]


def test_the_modules_of_a_package_are_named_in_order_without_importing_them(package: str) -> None:
    assert module_names(package) == ("a", "b", "c")
    assert sys.modules[package].IMPORTED == []
    assert f"{package}.a" not in sys.modules


def test_importing_all_imports_each_in_name_order(package: str) -> None:
    modules = import_all(package)
    assert [module.__name__ for module in modules] == [f"{package}.{n}" for n in ("a", "b", "c")]
    assert sys.modules[package].IMPORTED == ["a", "b"]
