"""How the suite's tests are handed to pytest-xdist's workers.

One worker per file (`--dist loadfile`), so that a file's module fixtures (a proxy that counts
the traffic of the file's tests, a publish) serve all of its tests. Not `--dist loadgroup`: with
pytest 9.2 its group names no longer reach the scheduler (pytest-xdist issue 1386), and the
tests of a file went to both workers. The files with a `heavy` test come first: such a test runs
a whole command (the zoo, `make fuzz`, the bench) for a minute or more, and one left for the end
would keep the run waiting on a single worker. xdist hands work out in the order collected, so
this order is the schedule (`--no-loadscope-reorder` keeps xdist from sorting files by size).
"""

from __future__ import annotations

import pytest

HEAVY = "heavy"
XDIST_ARGS = ("--dist", "loadfile", "--no-loadscope-reorder")
"""The options `make test` passes with `-n`."""


def shared_ids(items: list[pytest.Item]) -> list[str]:
    """Node ids that more than one test has. pytest-xdist knows a test by its id and runs one of
    them; pytest 9.2 builds a parametrized test's id from the function's name and its own
    parameters only, so a plugin that names items itself (`schema.parametrize()` over several
    operations) can give them one id."""
    seen: set[str] = set()
    shared: list[str] = []
    for item in items:
        if item.nodeid in seen and item.nodeid not in shared:
            shared.append(item.nodeid)
        seen.add(item.nodeid)
    return shared


def heavy_first(items: list[pytest.Item]) -> list[pytest.Item]:
    """`items` with the files that hold a heavy test ahead of the rest, in order otherwise."""
    heavy_files = {item.path for item in items if item.get_closest_marker(HEAVY) is not None}
    return sorted(items, key=lambda item: item.path not in heavy_files)
