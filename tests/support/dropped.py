"""A module dropped into a package, as a contributor adds one, without touching the repository.

Each part that grows by one file (a check family, a probe, a zoo variant, a storage engine, a
serving stack) finds its modules by scanning its package. A test proves it by writing a module
into a folder of its own that the package's `__path__` then also holds, so the scan sees it
exactly where a real file would be, and nothing is left behind for the other tests.
"""

from __future__ import annotations

import importlib
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def dropped_module(package: str, name: str, source: str, folder: Path) -> Iterator[str]:
    """`package.name`, holding `source`, findable in `package` until the block ends; yields its
    dotted name. The module is forgotten afterwards, so a later import would not see it."""
    found = importlib.import_module(package)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    dotted = f"{package}.{name}"
    original = list(found.__path__)
    found.__path__ = [*original, str(folder)]
    importlib.invalidate_caches()
    try:
        yield dotted
    finally:
        found.__path__ = original
        sys.modules.pop(dotted, None)
        if hasattr(found, name):
            delattr(found, name)
