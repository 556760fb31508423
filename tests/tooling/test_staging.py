"""`tooling.staging.swap_in`: the new folder in place, or the old one untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from tooling.staging import StagingError, swap_in


def _folder(path: Path, content: str) -> Path:
    path.mkdir(parents=True)
    (path / "file.txt").write_text(content, encoding="utf-8")
    return path


def test_the_staged_folder_replaces_the_old_one(tmp_path: Path) -> None:
    target = _folder(tmp_path / "out", "old")
    staged = _folder(tmp_path / "scratch" / "out", "new")
    swap_in(staged, target)
    assert (target / "file.txt").read_text(encoding="utf-8") == "new"
    assert not staged.exists()
    assert list((tmp_path / "scratch").iterdir()) == []


def test_a_missing_target_is_created(tmp_path: Path) -> None:
    staged = _folder(tmp_path / "scratch" / "out", "new")
    swap_in(staged, tmp_path / "out")
    assert (tmp_path / "out" / "file.txt").read_text(encoding="utf-8") == "new"


def test_a_refusal_leaves_both_folders_as_they_were(tmp_path: Path) -> None:
    target = _folder(tmp_path / "out", "someone else's")
    staged = _folder(tmp_path / "scratch" / "out", "new")
    with pytest.raises(StagingError, match="not ours"):
        swap_in(staged, target, replaceable=lambda folder: f"{folder.name} is not ours")
    assert (target / "file.txt").read_text(encoding="utf-8") == "someone else's"
    assert (staged / "file.txt").read_text(encoding="utf-8") == "new"
