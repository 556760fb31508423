"""The HTTP-level server tests run against each storage engine: SQLite and PostgreSQL.

Only the shared session server is parametrized: one extra process (and one database) per
engine, so running both costs little. Tests that need a server of their own keep SQLite unless
they ask for an engine themselves.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.postgres import ENGINES, fresh_database_url
from tests.support.server_process import ServerProcess


@pytest.fixture(scope="session", params=ENGINES)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    """One reference server per storage engine for the whole session (see tests/conftest.py), with
    two worker processes: parallel requests (If-Match races, merges) land on both."""
    url = fresh_database_url(request.param, request, tmp_path_factory.mktemp("sqlite"))
    with ServerProcess(env={"DATABASE_URL": url}, workers=2) as process:
        yield process
