"""Storage engines behind one interface, chosen by `DATABASE_URL`'s scheme."""

from __future__ import annotations

import importlib
from urllib.parse import urlsplit

from reference_server.storage.base import RunStore

# scheme -> "module:class"; the class has `from_url(url) -> RunStore`.
# A new engine is one line here.
ENGINES = {
    "sqlite": "reference_server.storage.sqlite:SqliteStore",
    "postgresql": "reference_server.storage.postgres:PostgresStore",
    "postgres": "reference_server.storage.postgres:PostgresStore",
}


def open_store(url: str) -> RunStore:
    """Open the store that `url` names, like `sqlite:///state/runs.sqlite3` or
    `postgresql://user@host:5432/runs`."""
    scheme = urlsplit(url).scheme.lower()
    target = ENGINES.get(scheme)
    if target is None:
        known = ", ".join(sorted(ENGINES))
        raise ValueError(f"no storage engine for {scheme or url!r} URLs (known: {known})")
    module_name, _, class_name = target.partition(":")
    engine = getattr(importlib.import_module(module_name), class_name)
    store: RunStore = engine.from_url(url)
    return store
