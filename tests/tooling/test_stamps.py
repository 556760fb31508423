"""`tooling.stamps`: digests of contents (not times), and stamps written whole."""

from __future__ import annotations

import os
from pathlib import Path

from tooling.stamps import Stamp, digest, forced


def _tree(root: Path) -> Path:
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "a.py").write_text("A = 1\n", encoding="utf-8")
    (root / "spec.yaml").write_text("openapi: 3.1.0\n", encoding="utf-8")
    return root


def test_a_digest_follows_contents_not_times(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    paths = [root / "spec.yaml", root / "pkg"]
    before = digest(paths)
    os.utime(root / "pkg" / "a.py", (0, 0))
    assert digest(paths) == before
    (root / "pkg" / "a.py").write_text("A = 2\n", encoding="utf-8")
    assert digest(paths) != before


def test_a_digest_sees_added_and_removed_files_but_not_skipped_ones(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    paths = [root / "pkg"]
    before = digest(paths, skip=lambda relative: relative.suffix == ".pyc")
    (root / "pkg" / "a.pyc").write_bytes(b"\0")
    assert digest(paths, skip=lambda relative: relative.suffix == ".pyc") == before
    (root / "pkg" / "b.py").write_text("", encoding="utf-8")
    assert digest(paths, skip=lambda relative: relative.suffix == ".pyc") != before


def test_a_missing_input_is_not_an_empty_one(tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    assert digest([empty]) != digest([tmp_path / "absent.yaml"])
    assert digest([empty], extra=["ruff==1"]) != digest([empty], extra=["ruff==2"])


def test_a_stamp_matches_only_the_record_it_holds(tmp_path: Path) -> None:
    stamp = Stamp(tmp_path / "stamps" / "step.json")
    assert stamp.read() is None
    assert not stamp.matches({"inputs": "x"})
    stamp.write({"inputs": "x"})
    assert stamp.matches({"inputs": "x"})
    assert not stamp.matches({"inputs": "y"})
    assert [p.name for p in stamp.path.parent.iterdir()] == ["step.json"]
    stamp.path.write_text("{not json", encoding="utf-8")
    assert stamp.read() is None
    stamp.remove()
    assert not stamp.path.exists()


def test_force_comes_from_the_flag_or_the_environment() -> None:
    assert forced(True, {})
    assert not forced(False, {})
    assert forced(False, {"FORCE": "1"})
    assert not forced(False, {"FORCE": "0"})
