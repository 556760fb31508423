"""The modules of a package, found by looking: a part that grows by one file keeps no list of them.

The fuzzer's checks and probes and the zoo's variants are each a module of their own package that
declares what it adds (a decorator, or a `VARIANT`); the package finds them here, in name order,
so that what they register, run and print comes out the same on every machine.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def module_names(package: str) -> tuple[str, ...]:
    """The modules directly in `package` (a dotted name), sorted, none of them imported."""
    found = importlib.import_module(package)
    return tuple(sorted(info.name for info in pkgutil.iter_modules(found.__path__)))


def import_all(package: str) -> list[ModuleType]:
    """Every module directly in `package`, imported in name order (what they register at import
    is registered in that order)."""
    return [importlib.import_module(f"{package}.{name}") for name in module_names(package)]
