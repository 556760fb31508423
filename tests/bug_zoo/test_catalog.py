"""The catalog: one module per variant, each with one bug, none of it inside the server."""

from __future__ import annotations

import copy
import dataclasses
import importlib
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bug_zoo import variant_table
from bug_zoo.catalog import (
    CONFORMING,
    CONTROL,
    NAMES,
    Context,
    bug_variants,
    conforming_variants,
    is_conforming,
    load,
)
from bug_zoo.conforming.open_errors import errors_are_open
from contract.loading import SpecLoadError, load_document
from reference_server.settings import from_args
from tests.support.dropped import dropped_module
from tooling.paths import ROOT


def test_at_least_twelve_variants_each_in_its_own_module() -> None:
    assert len(NAMES) >= 12
    assert len(set(NAMES)) == len(NAMES)
    for name in NAMES:
        variant = load(name)
        assert variant.name == name
        assert variant.bug
        assert (ROOT / "bug_zoo" / "variants" / f"{name}.py").is_file()
        wrappers = (variant.middleware, variant.store, variant.settings)
        assert sum(wrapper is not None for wrapper in wrappers) == 1, name


def test_conforming_variants_each_in_its_own_module_wrap_the_server_once() -> None:
    assert len(CONFORMING) >= 5
    assert not set(CONFORMING) & set(NAMES)
    for name in CONFORMING:
        variant = load(name)
        assert variant.name == name
        assert (ROOT / "bug_zoo" / "conforming" / f"{name}.py").is_file()
        wrappers = (variant.middleware, variant.store, variant.settings)
        assert sum(wrapper is not None for wrapper in wrappers) == 1, name


def test_a_conforming_variant_conforms_only_to_a_spec_that_grants_its_freedom() -> None:
    spec = load_document(ROOT / "openapi.yaml")
    assert all(is_conforming(name, spec) for name in (CONTROL, *CONFORMING))
    assert not any(is_conforming(name, spec) for name in NAMES)
    closed = {"components": {"schemas": {"ODataMainError": {"additionalProperties": False}}}}
    opened = {"components": {"schemas": {"ODataMainError": {"type": "object"}}}}
    assert (errors_are_open(closed), errors_are_open(opened)) == (False, True)
    assert is_conforming("open_errors", opened)
    assert not is_conforming("open_errors", closed)
    closed_run = {"components": {"schemas": {"run": {"additionalProperties": False}}}}
    annotated_run = {
        "components": {
            "schemas": {"run": {"additionalProperties": False, "patternProperties": {"@": {}}}}
        }
    }
    assert not is_conforming("odata_annotations", closed_run)
    assert is_conforming("odata_annotations", annotated_run)
    challenged = copy.deepcopy(spec)
    challenged["components"]["responses"]["Forbidden"]["headers"]["WWW-Authenticate"] = {
        "$ref": "#/components/headers/WWW-Authenticate"
    }
    assert not is_conforming("no_challenge_on_403", challenged)


def test_the_control_changes_nothing() -> None:
    control = load(CONTROL)
    assert (control.middleware, control.store, control.settings) == (None, None, None)


def test_the_reference_server_knows_nothing_of_the_zoo() -> None:
    sources = (ROOT / "reference_server").rglob("*.py")
    assert not [path for path in sources if "bug_zoo" in path.read_text(encoding="utf-8")]


def test_serve_refuses_a_variant_the_catalog_does_not_list(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "bug_zoo.serve", "no_such_bug"]
    result = subprocess.run(
        [*command, "--port", "1", "--state-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_the_readme_lists_every_variant() -> None:
    readme = (ROOT / "bug_zoo" / "README.md").read_text(encoding="utf-8")
    assert [name for name in (*NAMES, *CONFORMING) if f"| `{name}` |" not in readme] == []


def test_the_readme_rows_are_the_variants_own_words_in_name_order() -> None:
    readme = (ROOT / "bug_zoo" / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(\w+)` \| (.*) \|$", readme, re.MULTILINE)
    assert [name for name, _ in rows] == [*NAMES, *CONFORMING]
    assert tuple(sorted(NAMES)) == NAMES
    assert tuple(sorted(CONFORMING)) == CONFORMING
    for name, said in rows:
        assert load(name).bug.removeprefix(variant_table.NO_BUG) == said, name
    assert all(load(name).bug.startswith(variant_table.NO_BUG) for name in CONFORMING)
    assert not any(load(name).bug.startswith(variant_table.NO_BUG) for name in NAMES)


_DROPPED = """
    from bug_zoo.catalog import Variant

    VARIANT = Variant(name="dropped_variant", bug="none: a variant no list names")
"""


@pytest.mark.parametrize(
    ("package", "found"),
    [("bug_zoo.variants", bug_variants), ("bug_zoo.conforming", conforming_variants)],
)
def test_a_variant_dropped_into_its_folder_is_in_the_catalog(
    package: str, found: Callable[[], tuple[str, ...]], tmp_path: Path
) -> None:
    with dropped_module(package, "dropped_variant", _DROPPED, tmp_path) as dotted:
        assert "dropped_variant" in found()
        assert found() == tuple(sorted(found()))
        assert importlib.import_module(dotted).VARIANT.name == "dropped_variant"
    assert "dropped_variant" not in found()


def test_a_variant_that_copies_the_spec_reads_it_with_the_kits_loader(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text("openapi: 3.1.0\ninfo: {x-max-request-body-bytes: 1}\ninfo: {}\n")
    settings = dataclasses.replace(from_args([]), spec_path=spec)
    build = load("body_limit_missing").settings
    assert build is not None
    with pytest.raises(SpecLoadError, match=r"openapi\.yaml:3: \(root\): key 'info' appears twice"):
        build(settings, Context(settings, tmp_path))
