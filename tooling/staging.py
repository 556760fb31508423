"""Replace a folder with a freshly built one, so that a failed build leaves the old one whole.

The new folder is built beside the old (same file system) and moved in with renames; until the
last rename the old folder is untouched, and if that rename fails the old one is put back.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path


class StagingError(Exception):
    """The folder in place may not be replaced."""


def swap_in(
    staged: Path,
    target: Path,
    *,
    replaceable: Callable[[Path], str | None] | None = None,
) -> None:
    """Put `staged` in the place of `target` and delete the old `target`.

    `replaceable(target)` may return a reason not to replace an existing `target` (say, a folder
    that this tool did not write); `StagingError` carries that reason and nothing is touched.
    """
    if target.exists() and replaceable is not None:
        reason = replaceable(target)
        if reason is not None:
            raise StagingError(reason)
    attic = staged.with_name(f"{staged.name}.previous")
    if target.exists():
        target.rename(attic)
    try:
        staged.rename(target)
    except OSError:
        if attic.exists():
            attic.rename(target)
        raise
    if attic.exists():
        shutil.rmtree(attic)
