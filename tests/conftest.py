"""Fixtures shared by every test folder, and how the suite spreads over processes.

`make test` runs pytest-xdist (`-n auto --dist loadfile`): each test file goes to one worker as
a whole, so its module fixtures (a publish, a server of its own) are built once and see all of
its tests. Fixtures keep to what is safe side by side: free ports, temporary folders, a
PostgreSQL cluster and session servers per worker.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.order import heavy_first, shared_ids
from tests.support.postgres import ENGINES, PostgresCluster, cluster_or_skip, fresh_database_url
from tests.support.server_process import ServerProcess


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    shared = shared_ids(items)
    if shared:
        raise pytest.UsageError(f"tests that share a node id would run once under xdist: {shared}")
    if hasattr(config, "workerinput"):  # a pytest-xdist worker: the controller schedules its list
        items[:] = heavy_first(items)


@pytest.fixture(scope="session")
def server() -> Iterator[ServerProcess]:
    """One reference server for the whole session (dev mode, responses validated).

    Shared: tests that change data should use ids of their own (create runs with Add run) or
    `fresh_server`.
    """
    with ServerProcess() as process:
        yield process


@pytest.fixture
def fresh_server() -> Iterator[ServerProcess]:
    """A reference server of this test alone, with the demo data as shipped."""
    with ServerProcess() as process:
        yield process


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    """A throwaway PostgreSQL cluster on 127.0.0.1 for the session; users create databases in it.

    Without PostgreSQL installed the tests that need it skip, except in CI, where they fail.
    """
    with cluster_or_skip() as cluster:
        cluster.keep_spares(1)  # the next test's database is made while this one runs
        yield cluster


@pytest.fixture(params=ENGINES)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each storage engine in turn (`DATABASE_URL` syntax)."""
    return fresh_database_url(request.param, request, tmp_path)
