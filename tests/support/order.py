"""How the suite's tests are handed to pytest-xdist's workers.

One worker per file (`--dist loadgroup`, each test marked with its file's group unless it names a
group itself), and the files with a `heavy` test first: such a test runs a whole command (the
zoo, `make fuzz`, the bench) for a minute or more, and one left for the end would keep the run
waiting on a single worker. xdist hands work out in the order collected, so this order is the
schedule (`--no-loadscope-reorder` keeps xdist from sorting groups by size instead).
"""

from __future__ import annotations

import pytest

HEAVY = "heavy"


def group_by_file(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::", 1)[0]))


def heavy_first(items: list[pytest.Item]) -> list[pytest.Item]:
    """`items` with the files that hold a heavy test ahead of the rest, in order otherwise."""
    heavy_files = {item.path for item in items if item.get_closest_marker(HEAVY) is not None}
    return sorted(items, key=lambda item: item.path not in heavy_files)
