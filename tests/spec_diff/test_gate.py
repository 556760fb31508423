"""`make breaking` (`scripts.breaking` over `spec_diff.gate`): exit statuses and what it prints."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from contract.loading import load_document
from spec_diff.gate import major_version
from tests.spec_diff.breaking_edits import remove_request_enum_value
from tests.spec_diff.safe_edits import add_optional_request_property
from tests.spec_diff.shapes import Doc
from tooling.paths import ROOT
from tooling.paths import SPEC as SPEC_PATH


@pytest.fixture(scope="module")
def spec() -> Doc:
    return load_document(SPEC_PATH)


def _run(tmp_path: Path, base: Doc | str, rev: Doc | str) -> subprocess.CompletedProcess[str]:
    paths = []
    for name, content in (("base.yaml", base), ("rev.yaml", rev)):
        path = tmp_path / name
        text = content if isinstance(content, str) else yaml.safe_dump(content, sort_keys=False)
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    command = [sys.executable, "-m", "scripts.breaking", "--base", paths[0], "--revision", paths[1]]
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )


def test_cli_fails_on_breaking_change(spec: Doc, tmp_path: Path) -> None:
    rev = copy.deepcopy(spec)
    remove_request_enum_value(spec, rev)
    result = _run(tmp_path, spec, rev)
    assert result.returncode == 1, result.stdout + result.stderr
    line = next(ln for ln in result.stdout.splitlines() if "enum-value-removed" in ln)
    assert line.startswith("breaking ")
    assert "request-property-enum-value-removed" in line
    assert "FAIL" in result.stdout


def test_cli_allows_breaking_change_with_major_bump(spec: Doc, tmp_path: Path) -> None:
    rev = copy.deepcopy(spec)
    remove_request_enum_value(spec, rev)
    major = major_version(spec)
    assert major is not None
    rev["info"]["version"] = f"{major + 1}.0.0"
    result = _run(tmp_path, spec, rev)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "request-property-enum-value-removed" in result.stdout
    assert "allowed" in result.stdout


def test_cli_passes_identical_spec(spec: Doc, tmp_path: Path) -> None:
    result = _run(tmp_path, spec, spec)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 breaking, 0 non-breaking" in result.stdout


def test_cli_passes_non_breaking_change(spec: Doc, tmp_path: Path) -> None:
    rev = copy.deepcopy(spec)
    add_optional_request_property(spec, rev)
    result = _run(tmp_path, spec, rev)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "new-optional-request-property" in result.stdout


def test_cli_rejects_missing_file(spec: Doc, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.yaml"
    command = [sys.executable, "-m", "scripts.breaking", "--base", str(missing)]
    result = subprocess.run(
        [*command, "--revision", str(SPEC_PATH)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "nowhere.yaml" in result.stderr


@pytest.mark.parametrize("text", ["paths: [unclosed\n", "- just\n- a list\n"])
def test_cli_rejects_non_yaml_or_non_mapping(spec: Doc, tmp_path: Path, text: str) -> None:
    result = _run(tmp_path, spec, text)
    assert result.returncode == 2
    assert "rev.yaml" in result.stderr


def test_cli_rejects_a_repeated_key_naming_its_line(spec: Doc, tmp_path: Path) -> None:
    text = "openapi: 3.1.0\npaths: {}\ninfo: {title: t, version: 1.0.0}\npaths: {}\n"
    result = _run(tmp_path, spec, text)
    assert result.returncode == 2
    assert f"{tmp_path / 'rev.yaml'}:4: (root): key 'paths' appears twice" in result.stderr


@pytest.mark.parametrize(
    ("version", "major"),
    [("1.0.0", 1), ("v2.3", 2), ("10", 10), ("beta", None), ("", None)],
)
def test_major_version(version: str, major: int | None) -> None:
    assert major_version({"info": {"version": version}}) == major
