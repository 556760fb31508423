"""How the suite is spread over pytest-xdist's workers (`tests/support/order.py`, the Makefile)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any, cast

import pytest

from tests.support.order import XDIST_ARGS, heavy_first, shared_ids
from tooling.paths import ROOT

RECORDER = """
def test_{n}(request):
    record = pathlib.Path(os.environ["SEEN_DIR"]) / f"{{__name__}}.{{request.node.name}}"
    record.write_text(os.environ["PYTEST_XDIST_WORKER"])
"""


class FakeItem:
    """The little of a `pytest.Item` that the ordering reads and writes."""

    def __init__(self, nodeid: str, *marks: pytest.MarkDecorator) -> None:
        self.nodeid = nodeid
        self.path = Path(nodeid.split("::", 1)[0])
        self.marks = [mark.mark for mark in marks]

    def get_closest_marker(self, name: str) -> Any:
        return next((mark for mark in self.marks if mark.name == name), None)


def _items(*items: FakeItem) -> list[pytest.Item]:
    return cast(list[pytest.Item], list(items))


def test_make_test_spreads_the_suite_as_this_module_says() -> None:
    recipe = (ROOT / "Makefile").read_text(encoding="utf-8").split("\ntest:", 1)[1]
    assert " ".join(XDIST_ARGS) in recipe


@pytest.mark.slow
def test_each_file_runs_whole_on_one_worker(tmp_path: Path) -> None:
    # A file's module fixtures see all its tests: a proxy shared by a file counts its traffic.
    suite, seen = tmp_path / "suite", tmp_path / "seen"
    suite.mkdir()
    seen.mkdir()
    (suite / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    for name in ("test_a", "test_b", "test_c"):
        tests = "".join(RECORDER.format(n=n) for n in range(8))
        (suite / f"{name}.py").write_text("import os\nimport pathlib\n" + tests, "utf-8")
    # Only xdist is loaded: the other installed plugins take seconds to import in each of the
    # three processes and have no say in how xdist spreads the files.
    options = ["-p", "xdist.plugin", "-n", "2", *XDIST_ARGS, "-p", "no:cacheprovider", "-q"]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", *options],
        cwd=suite,
        env={**os.environ, "SEEN_DIR": str(seen), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    workers: dict[str, set[str]] = {}
    for record in seen.iterdir():
        workers.setdefault(record.name.split(".")[0], set()).add(record.read_text())
    assert sorted(workers) == ["test_a", "test_b", "test_c"]
    assert all(len(ran_on) == 1 for ran_on in workers.values()), workers


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


def test_tests_that_share_a_node_id_are_named() -> None:
    items = _items(
        FakeItem("tests/a.py::test_op"),
        FakeItem("tests/a.py::test_op"),
        FakeItem("tests/a.py::test_other"),
        FakeItem("tests/a.py::test_op"),
    )
    assert shared_ids(items) == ["tests/a.py::test_op"]
    assert shared_ids(items[2:3]) == []
