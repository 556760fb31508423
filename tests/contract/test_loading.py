"""Loading keeps the line of every node, refuses repeated keys, and follows local `$ref`s."""

from __future__ import annotations

from pathlib import Path

import pytest

from contract.loading import (
    SpecLoadError,
    json_pointer,
    load_spec,
    parse_ref,
    render_pointer,
    resolve,
)
from tooling.paths import SPEC

SPEC_PATH = SPEC


def test_lines_point_at_the_key_in_the_file() -> None:
    spec = load_spec(SPEC_PATH)
    lines = SPEC_PATH.read_text(encoding="utf-8").splitlines()

    line = spec.line_of(("components", "schemas", "runStatistics"))

    assert line is not None
    assert lines[line - 1].strip() == "runStatistics:"


def test_a_pointer_the_file_lacks_falls_back_to_its_nearest_ancestor() -> None:
    spec = load_spec(SPEC_PATH)

    assert spec.line_of(("components", "schemas", "run", "no", "such")) == spec.line_of(
        ("components", "schemas", "run")
    )


def test_a_repeated_key_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "openapi.yaml"
    path.write_text("openapi: 3.1.0\npaths:\n  /a: {}\n  /b: {}\n  /a: {}\n", encoding="utf-8")

    with pytest.raises(SpecLoadError, match=r"openapi\.yaml:5: paths: key '/a' appears twice"):
        load_spec(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("openapi: [3.1.0\n", "not valid YAML"),
        ("- openapi\n", "not a mapping"),
        ("", "empty"),
    ],
)
def test_what_is_not_an_openapi_mapping_is_refused(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "openapi.yaml"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(SpecLoadError, match=message):
        load_spec(path)


def test_pointers_round_trip_through_ref_syntax() -> None:
    pointer = ("paths", "/runs/{runId}", "patch", "a~b")

    assert json_pointer(pointer) == "#/paths/~1runs~1{runId}/patch/a~0b"
    assert parse_ref(json_pointer(pointer)) == pointer
    assert parse_ref("other.yaml#/a") is None
    assert render_pointer(()) == "(root)"


def test_resolve_follows_a_chain_and_stops_at_a_cycle() -> None:
    spec = {
        "a": {"$ref": "#/b"},
        "b": {"$ref": "#/c"},
        "c": {"type": "string"},
        "x": {"$ref": "#/y"},
        "y": {"$ref": "#/x"},
    }

    assert resolve(spec, spec["a"], ("a",)) == ({"type": "string"}, ("c",))
    node, at = resolve(spec, spec["x"], ("x",))
    assert at in {("x",), ("y",)}
    assert "$ref" in node
