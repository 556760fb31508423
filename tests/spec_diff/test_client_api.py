"""`spec_diff.client_api`: what breaks code that uses a generated client, on small packages."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from spec_diff import BREAKING
from spec_diff.client_api import client_changes

OLD = {
    "__init__.py": "",
    "status.py": (
        "from enum import Enum\n\n\n"
        "class Status(str, Enum):\n"
        "    RUNNING = 'running'\n"
        "    COMPLETED_WITH_ERRORS = 'completedWithErrors'\n"
    ),
    "update_run.py": "def sync(run_id: str, *, if_match: str) -> None: ...\n",
}


def _package(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "client" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _changes(tmp_path: Path, edits: Mapping[str, str | None]) -> list[str]:
    new = {name: text for name, text in {**OLD, **edits}.items() if text is not None}
    old_root, new_root = _package(tmp_path / "old", OLD), _package(tmp_path / "new", new)
    changes = client_changes(old_root, new_root, "client")
    assert all(change.level == BREAKING and change.where == "client" for change in changes)
    return [f"{change.rule} {change.message}" for change in changes]


def test_the_same_client_has_no_changes(tmp_path: Path) -> None:
    assert _changes(tmp_path, {}) == []


@pytest.mark.parametrize(
    ("edits", "expected"),
    [
        pytest.param(
            {"status.py": OLD["status.py"].replace("COMPLETED_WITH_ERRORS", "COMPLETEDWITHERRORS")},
            "local-client-object-removed client.status.Status.COMPLETED_WITH_ERRORS: "
            "public object was removed",
            id="renamed-enum-member",
        ),
        pytest.param(
            {"update_run.py": None},
            "local-client-object-removed client.update_run: public object was removed",
            id="removed-module",
        ),
        pytest.param(
            {"status.py": OLD["status.py"].replace("class Status", "class RunStatus")},
            "local-client-object-removed client.status.Status: public object was removed",
            id="renamed-class",
        ),
        pytest.param(
            {"update_run.py": "def sync(run_id: str) -> None: ...\n"},
            "local-client-parameter-removed client.update_run.sync: parameter was removed "
            "(parameter if_match)",
            id="removed-parameter",
        ),
        pytest.param(
            {"update_run.py": "def sync(run_id: str, *, etag: str) -> None: ...\n"},
            "local-client-parameter-removed client.update_run.sync: parameter was removed "
            "(parameter if_match)",
            id="renamed-parameter",
        ),
    ],
)
def test_a_removed_or_renamed_name_is_breaking(
    tmp_path: Path, edits: dict[str, str | None], expected: str
) -> None:
    assert expected in _changes(tmp_path, edits)


def test_an_added_optional_parameter_and_member_are_not(tmp_path: Path) -> None:
    edits = {
        "update_run.py": "def sync(run_id: str, *, if_match: str, note: str = '') -> None: ...\n",
        "status.py": OLD["status.py"] + "    FAILED = 'failed'\n",
    }
    assert _changes(tmp_path, edits) == []
