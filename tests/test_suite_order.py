"""How the suite is spread over pytest-xdist's workers (`tests/support/order.py`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest

from tests.support.order import group_by_file, heavy_first


class FakeItem:
    """The little of a `pytest.Item` that the ordering reads and writes."""

    def __init__(self, nodeid: str, *marks: pytest.MarkDecorator) -> None:
        self.nodeid = nodeid
        self.path = Path(nodeid.split("::", 1)[0])
        self.marks = [mark.mark for mark in marks]

    def get_closest_marker(self, name: str) -> Any:
        return next((mark for mark in self.marks if mark.name == name), None)

    def add_marker(self, marker: pytest.MarkDecorator) -> None:
        self.marks.append(marker.mark)


def _items(*items: FakeItem) -> list[pytest.Item]:
    return cast(list[pytest.Item], list(items))


def test_each_file_is_a_group_unless_a_test_names_its_own() -> None:
    items = _items(
        FakeItem("tests/a.py::test_one"),
        FakeItem("tests/a.py::test_two"),
        FakeItem("tests/b.py::test_three", pytest.mark.xdist_group("postgres-crash")),
    )
    group_by_file(items)
    marks = [item.get_closest_marker("xdist_group") for item in items]
    groups = [mark.args[0] if mark is not None else None for mark in marks]
    assert groups == ["tests/a.py", "tests/a.py", "postgres-crash"]


def test_files_with_a_heavy_test_come_first_and_keep_their_order() -> None:
    items = _items(
        FakeItem("tests/a.py::test_one"),
        FakeItem("tests/b.py::test_quick"),
        FakeItem("tests/b.py::test_zoo", pytest.mark.heavy),
        FakeItem("tests/c.py::test_two"),
        FakeItem("tests/d.py::test_fuzz", pytest.mark.heavy),
    )
    ordered = [item.nodeid for item in heavy_first(items)]
    assert ordered == [
        "tests/b.py::test_quick",
        "tests/b.py::test_zoo",
        "tests/d.py::test_fuzz",
        "tests/a.py::test_one",
        "tests/c.py::test_two",
    ]
