"""The database down, frozen or locked: 503 ServiceUnavailable with Retry-After within a bounded
time, never a 500 or a hang; the server recovers by itself once the database is back.

The servers here wait at most one second per database wait (`?timeout=1`), so a 503 comes within
a few seconds; the client's own timeout is far above that, so a hang fails the test.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psycopg
import pytest

from tests.support.api import add_run, add_run_path, assert_odata_error, new_run_body, run_path
from tests.support.postgres import PostgresCluster, cluster_or_skip
from tests.support.server_process import ServerError, ServerProcess, side_by_side
from tooling.processes import free_port

RECOVERY_ATTEMPTS = 100


def _assert_unavailable(response: httpx.Response) -> None:
    error = assert_odata_error(response, 503, "ServiceUnavailable")
    retry_after = response.headers["Retry-After"]
    assert retry_after.isdigit()
    assert int(retry_after) >= 1
    assert f"Retry after {retry_after} second" in error["message"]


def _servers(url: str, tmp_path: Path) -> tuple[ServerProcess, ServerProcess]:
    """Two servers on one database: one plain, one rate limited (the limiter's buckets are in
    the database too, so it meets the outage first)."""
    return (
        ServerProcess(env={"DATABASE_URL": url}, state_dir=tmp_path / "plain"),
        ServerProcess(
            env={"DATABASE_URL": url, "RATE_LIMIT_PER_MINUTE": "60000"},
            state_dir=tmp_path / "limited",
        ),
    )


def _all_unavailable(first: httpx.Client, second: httpx.Client, runs: list[str]) -> None:
    """An Update run and an Add run through each server are 503s. Sent all at once: each waits
    out the server's database deadline, and none of them waits for another."""
    with ThreadPoolExecutor(4) as pool:
        answers = [
            call
            for api, run_id in zip((first, second), runs, strict=True)
            for call in (
                pool.submit(api.patch, run_path(run_id), json={"status": "failed"}),
                pool.submit(api.post, add_run_path(), json=new_run_body()),
            )
        ]
        for answer in answers:
            _assert_unavailable(answer.result())


def _client(server: ServerProcess) -> httpx.Client:
    return server.client(headers=server.auth_headers())  # a 30 s timeout: a hang fails


def _recovers(api: httpx.Client, path: str) -> httpx.Response:
    """PATCH until it is not a 503 (each 503 checked); the server must get there by itself."""
    for _ in range(RECOVERY_ATTEMPTS):
        response = api.patch(path, json={"status": "completed"})
        if response.status_code != 503:
            return response
        _assert_unavailable(response)
        time.sleep(0.1)
    raise AssertionError(f"still 503 after {RECOVERY_ATTEMPTS} attempts")


@pytest.fixture(scope="module")
def module_cluster() -> Iterator[PostgresCluster]:
    """A cluster of this file's tests alone, not the session's: they stop or freeze it."""
    with cluster_or_skip() as cluster:
        yield cluster


@pytest.fixture
def own_cluster(module_cluster: PostgresCluster) -> PostgresCluster:
    """The file's cluster running and thawed, whatever the test before left it as; each test
    takes a database of its own in it."""
    if module_cluster.frozen:
        module_cluster.thaw()
    if not module_cluster.running:
        module_cluster.start()
    return module_cluster


@pytest.mark.slow
def test_postgres_down_is_503_and_the_servers_recover_when_it_is_back(
    own_cluster: PostgresCluster, tmp_path: Path
) -> None:
    url = own_cluster.create_database() + "?timeout=1"
    plain, limited = _servers(url, tmp_path)
    with side_by_side(plain, limited), _client(plain) as first, _client(limited) as second:
        runs = [add_run(api, {}) for api in (first, second)]
        for api, run_id in zip((first, second), runs, strict=True):
            acknowledged = api.patch(run_path(run_id), json={"displayName": "before the crash"})
            assert acknowledged.status_code == 200
        own_cluster.stop(mode="immediate")  # a crash: no checkpoint, recovery from the WAL
        _all_unavailable(first, second, runs)
        own_cluster.start()
        for api, run_id in zip((first, second), runs, strict=True):
            # At once: a connection broken by the restart is replaced before it is used.
            response = api.patch(run_path(run_id), json={"status": "completed"})
            assert response.status_code == 200, response.text
            # The write acknowledged before the crash is there.
            assert response.json()["displayName"] == "before the crash"
            assert response.json()["status"] == "completed"
            assert add_run(api, {})
    assert "Traceback" not in plain.log() + limited.log()


@pytest.mark.slow
def test_postgres_that_stops_answering_is_503_not_a_hang(
    own_cluster: PostgresCluster, tmp_path: Path
) -> None:
    url = own_cluster.create_database() + "?timeout=1"
    plain, limited = _servers(url, tmp_path)
    with side_by_side(plain, limited), _client(plain) as first, _client(limited) as second:
        runs = [add_run(api, {}) for api in (first, second)]
        own_cluster.freeze()
        try:
            # Each of these waits out the server's deadline: one of each kind is enough, sent
            # together.
            with ThreadPoolExecutor(2) as pool:
                patched = pool.submit(first.patch, run_path(runs[0]), json={"status": "failed"})
                posted = pool.submit(second.post, add_run_path(), json=new_run_body())
                _assert_unavailable(patched.result())
                _assert_unavailable(posted.result())
        finally:
            own_cluster.thaw()
        # The pooled connections hung: the deadline, not a driver timeout, gave the 503s.
        assert "did not answer within" in plain.log()
        assert "did not answer within" in limited.log()
        for api, run_id in zip((first, second), runs, strict=True):
            assert _recovers(api, run_path(run_id)).status_code == 200


@pytest.mark.slow
def test_a_run_locked_in_postgres_is_503_and_writable_once_released(
    postgres: PostgresCluster, tmp_path: Path
) -> None:
    url = postgres.create_database()
    with ServerProcess(env={"DATABASE_URL": url + "?timeout=1"}) as server, _client(server) as api:
        locked, free = add_run(api, {}), add_run(api, {})
        with psycopg.connect(url) as other, other.transaction():
            other.execute("SELECT 1 FROM runs WHERE id = %s FOR UPDATE", (locked,))
            _assert_unavailable(api.patch(run_path(locked), json={"status": "failed"}))
            assert api.patch(run_path(free), json={"status": "failed"}).status_code == 200
        response = api.patch(run_path(locked), json={"status": "failed"})
        assert response.status_code == 200, response.text


@pytest.mark.slow
def test_sqlite_locked_by_another_process_is_503_and_writable_once_released(
    tmp_path: Path,
) -> None:
    database = tmp_path / "runs.sqlite3"
    plain, limited = _servers(f"sqlite:///{database}?timeout=1", tmp_path)
    with side_by_side(plain, limited), _client(plain) as first, _client(limited) as second:
        runs = [add_run(api, {}) for api in (first, second)]
        locker = sqlite3.connect(database, isolation_level=None)
        try:
            locker.execute("BEGIN EXCLUSIVE")  # the write lock, held until ROLLBACK
            _all_unavailable(first, second, runs)
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        for api, run_id in zip((first, second), runs, strict=True):
            response = api.patch(run_path(run_id), json={"status": "completed"})
            assert response.status_code == 200, response.text


def test_a_database_that_is_down_at_start_stops_the_start_in_one_line(tmp_path: Path) -> None:
    closed = free_port()  # nothing listens there
    url = f"postgresql://postgres@127.0.0.1:{closed}/runs?timeout=1"
    process = ServerProcess(env={"DATABASE_URL": url}, state_dir=tmp_path / "state")
    with pytest.raises(ServerError, match="exited with 2"):
        process.start()
    process.close()
    assert "cannot start: The storage is unavailable." in process.log()
    assert "Traceback" not in process.log()
