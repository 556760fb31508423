"""Several server processes on one database (PostgreSQL, and SQLite's WAL file, as `WORKERS` runs
them): parallel writes through all of them leave every run consistent and lose no acknowledged
write, If-Match decides across processes, and the rate limit is shared."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from reference_server.storage import open_store
from soak import Soak
from tests.support.api import ODATA_TYPE, add_run, assert_odata_error, read_run, run_path
from tests.support.postgres import ENGINES, fresh_database_url
from tests.support.server_process import ServerProcess, side_by_side

PROCESSES = 3


def _start(
    stack: ExitStack, url: str, state_dir: Path, count: int, **env: str
) -> list[ServerProcess]:
    """`count` servers on the database `url`, stopped with `stack`. They share one state folder,
    so one dev signing key: a token is good for all of them, as with one identity provider."""
    servers = [
        ServerProcess(env={"DATABASE_URL": url, **env}, state_dir=state_dir) for _ in range(count)
    ]
    return list(stack.enter_context(side_by_side(*servers)))


@pytest.fixture(scope="module", params=ENGINES)
def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    return fresh_database_url(request.param, request, tmp_path_factory.mktemp("sqlite"))


@pytest.fixture(scope="module")
def servers(
    database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[ServerProcess]]:
    with ExitStack() as stack:
        yield _start(stack, database, tmp_path_factory.mktemp("shared") / "state", PROCESSES)


@pytest.mark.slow
def test_parallel_writes_through_several_servers_lose_nothing(
    servers: list[ServerProcess], database: str
) -> None:
    load = Soak([s.base_url for s in servers], servers[0].token(), clients=12, seed=8)
    load.prepare()
    load.drive(4.0)
    with open_store(database) as store:
        assert load.verify(store) == []
    tally = load.tally
    # The checks had something to check: every kind of write, and real contention.
    assert tally.own
    assert tally.increments > 0
    assert tally.blind
    assert tally.statuses[412] > 0
    assert set(tally.statuses) <= {200, 204, 412}


@pytest.mark.slow
def test_if_match_decides_between_writers_on_different_servers(
    servers: list[ServerProcess],
) -> None:
    headers = servers[0].auth_headers()
    clients = [s.client(headers=headers) for s in servers]
    try:
        run_id = add_run(clients[0], {})
        etags = {read_run_etag(c, run_id) for c in clients}
        assert len(etags) == 1  # every process sees the same version
        (etag,) = etags
        start = threading.Barrier(len(clients))
        answers: dict[int, httpx.Response] = {}

        def write(index: int) -> None:
            start.wait()
            answers[index] = clients[index].patch(
                run_path(run_id),
                headers={"If-Match": etag},
                json={"displayName": f"from server {index}"},
            )

        threads = [threading.Thread(target=write, args=(i,)) for i in range(len(clients))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        responses = [answers[i] for i in range(len(clients))]
        winners = [r for r in responses if r.status_code == 200]
        assert len(winners) == 1, [r.status_code for r in responses]
        for loser in (r for r in responses if r.status_code != 200):
            assert_odata_error(loser, 412, "PreconditionFailed")
        final = read_run(clients[-1], {}, run_id)
        assert final["displayName"] == winners[0].json()["displayName"]
        assert read_run_etag(clients[1], run_id) == winners[0].headers["ETag"]
    finally:
        for client in clients:
            client.close()


def read_run_etag(client: httpx.Client, run_id: str) -> str:
    response = client.patch(run_path(run_id), json={"@odata.type": ODATA_TYPE})
    assert response.status_code == 200, response.text
    return response.headers["ETag"]


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_the_rate_limit_is_shared_by_the_servers(
    engine: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    url = fresh_database_url(engine, request, tmp_path)
    with ExitStack() as stack:
        first, second = _start(
            stack, url, tmp_path / "state", 2, RATE_LIMIT_PER_MINUTE="0.5", RATE_LIMIT_BURST="3"
        )
        headers = first.auth_headers(sub="shared-caller")
        with first.client(headers=headers) as a, second.client(headers=headers) as b:
            for client in (a, b, a):  # the burst, spent across both servers
                read_run_etag(client, "demo-run")
            assert_odata_error(b.patch(run_path(), json={"@odata.type": ODATA_TYPE}), 429)
            assert_odata_error(a.patch(run_path(), json={"@odata.type": ODATA_TYPE}), 429)
