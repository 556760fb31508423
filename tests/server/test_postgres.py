"""The PostgreSQL engine's own promises: URL parameters, and a pool that never hands out a broken
connection nor lets a caller wait for one longer than the timeout."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from reference_server.storage.base import FlowRecord, RunRecord, UnavailableError
from reference_server.storage.postgres import PostgresStore, split_url
from tests.support.postgres import PostgresCluster

DATA = [FlowRecord(id="flow", runs=(RunRecord(id="run", fields={"status": "running"}),))]


def test_the_url_names_timeout_and_pool_size_and_passes_the_rest_to_libpq() -> None:
    conninfo, timeout, size = split_url(
        "postgres://u@db.example:6432/runs?timeout=2.5&sslmode=require&pool_size=3"
    )
    assert (conninfo, timeout, size) == (
        "postgresql://u@db.example:6432/runs?sslmode=require",
        2.5,
        3,
    )
    assert split_url("postgresql://u@h/runs")[1:] == (5.0, 10)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://h/runs", "not a PostgreSQL URL"),
        ("postgresql://h/runs?timeout=soon", "number of seconds"),
        ("postgresql://h/runs?timeout=0", r"\(0, 300\]"),
        ("postgresql://h/runs?pool_size=101", "1..100"),
        ("postgresql://h/runs?colour=blue", "colour"),  # libpq knows no such parameter
    ],
)
def test_a_bad_url_is_refused_before_any_connection(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        split_url(url)


def _backends(admin: psycopg.Connection[Any], database: str) -> int:
    row = admin.execute(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = %s AND application_name = 'reference_server'",
        (database,),
    ).fetchone()
    assert row is not None
    return int(row[0])


def test_a_connection_broken_behind_the_stores_back_is_replaced_before_use(
    postgres: PostgresCluster,
) -> None:
    url = postgres.create_database()
    database = url.rsplit("/", 1)[1]
    with (
        PostgresStore(url + "?timeout=1") as store,
        psycopg.connect(postgres.url(), autocommit=True) as admin,
    ):
        store.load(DATA)
        terminated = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND application_name = 'reference_server'",
            (database,),
        ).fetchall()
        assert terminated  # the store's pooled connection, now broken
        # Not a 503: the pool checks a connection before it hands it out and makes a new one.
        updated = store.update_run("flow", "run", {"status": "completed"})
        assert updated.version == 2
        assert _backends(admin, database) >= 1


def test_no_free_connection_within_the_timeout_is_unavailable(postgres: PostgresCluster) -> None:
    url = postgres.create_database() + "?timeout=1&pool_size=1"
    store = PostgresStore(url)
    with store:
        store.load(DATA)
        with store._db.pool.connection(), pytest.raises(UnavailableError):  # the only one, held
            store.get_run("flow", "run")
        run = store.get_run("flow", "run")  # given back: usable again
        assert run is not None
