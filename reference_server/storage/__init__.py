"""Storage engines behind one interface, chosen by `DATABASE_URL`'s scheme.

An engine is one module of this package that declares `ENGINE = Engine(...)` (`base.Engine`):
the schemes it serves, its `RunStore` and its `BucketStore`. The modules are found by looking,
on the first store opened, so that a process that never opens one imports no engine; a URL whose
scheme is a module's name (`sqlite`) is served by that module without importing the others, so a
server on SQLite never loads PostgreSQL's driver.
"""

from __future__ import annotations

import functools
import importlib
from urllib.parse import urlsplit

from reference_server.storage.base import Engine, RunStore
from tooling.discovery import import_all, module_names


@functools.cache
def engines() -> dict[str, Engine]:
    """Every engine of this package by each scheme it serves, from the modules in name order."""
    found: dict[str, Engine] = {}
    for module in import_all(__name__):
        engine = getattr(module, "ENGINE", None)
        if not isinstance(engine, Engine):
            continue
        for scheme in engine.schemes:
            if found.setdefault(scheme, engine) is not engine:
                raise ValueError(f"two storage engines serve {scheme!r} URLs")
    return found


def _named(scheme: str) -> Engine | None:
    """The engine of the module named `scheme`, when there is one and it serves that scheme."""
    if scheme not in module_names(__name__):
        return None
    engine = getattr(importlib.import_module(f"{__name__}.{scheme}"), "ENGINE", None)
    return engine if isinstance(engine, Engine) and scheme in engine.schemes else None


def engine_for(url: str) -> Engine:
    """The engine that serves `url`'s scheme; `ValueError` when none does."""
    scheme = urlsplit(url).scheme.lower()
    engine = _named(scheme) or engines().get(scheme)
    if engine is None:
        known = ", ".join(sorted(engines()))
        raise ValueError(f"no storage engine for {scheme or url!r} URLs (known: {known})")
    return engine


def open_store(url: str) -> RunStore:
    """Open the store that `url` names, like `sqlite:///state/runs.sqlite3` or
    `postgresql://user@host:5432/runs`."""
    return engine_for(url).runs(url)
