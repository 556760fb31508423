"""Loading keeps the line of every node, refuses repeated keys, and reads keys as JSON does."""

from __future__ import annotations

from pathlib import Path

import pytest

from contract.loading import SpecLoadError, load_document, load_spec
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


def test_keys_are_the_text_the_file_writes(tmp_path: Path) -> None:
    path = tmp_path / "openapi.yaml"
    path.write_text(
        "responses:\n  204: {}\n  '400': {}\nproperties:\n  on: {}\n  ~: {}\n", encoding="utf-8"
    )

    document = load_document(path)

    assert list(document["responses"]) == ["204", "400"]
    assert list(document["properties"]) == ["on", "~"]


def test_an_unquoted_and_a_quoted_status_are_one_key(tmp_path: Path) -> None:
    path = tmp_path / "openapi.yaml"
    path.write_text("responses:\n  204: {}\n  '204': {}\n", encoding="utf-8")

    with pytest.raises(SpecLoadError, match=r"openapi\.yaml:3: responses: key '204' appears twice"):
        load_document(path)


def test_merge_keys_still_merge(tmp_path: Path) -> None:
    path = tmp_path / "openapi.yaml"
    path.write_text("base: &b {a: 1, b: 2}\nmore:\n  <<: *b\n  b: 3\n", encoding="utf-8")

    assert load_document(path)["more"] == {"a": 1, "b": 3}
