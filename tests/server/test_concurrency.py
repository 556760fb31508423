"""Parallel PATCHes to one run: every merge is atomic, so the run stays consistent."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.support.api import add_run, read_run, run_path
from tests.support.server_process import ServerProcess


def _in_parallel(count: int, work: Callable[[int], list[httpx.Response]]) -> list[httpx.Response]:
    start = threading.Barrier(count)

    def run(worker: int) -> list[httpx.Response]:
        start.wait()
        return work(worker)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return [r for responses in pool.map(run, range(count)) for r in responses]


@pytest.mark.slow
def test_parallel_patches_leave_a_consistent_run(server: ServerProcess) -> None:
    headers = server.auth_headers()
    with server.client(headers=headers) as api:
        run_id = add_run(api, {})
    writers, rounds = 8, 12

    def work(worker: int) -> list[httpx.Response]:
        with server.client(headers=headers) as client:
            return [
                client.patch(
                    run_path(run_id),
                    json={
                        "displayName": f"w{worker}-{i}",
                        "statistics": {"worker": worker, "round": i},
                    },
                )
                for i in range(rounds)
            ]

    responses = _in_parallel(writers, work)
    assert all(r.status_code == 200 for r in responses), {r.status_code for r in responses}
    for response in responses:
        run = response.json()
        stats = run["statistics"]
        assert run["displayName"] == f"w{stats['worker']}-{stats['round']}"
    etags = [r.headers["ETag"] for r in responses]
    assert len(set(etags)) == len(etags)  # every update saw its own version
    with server.client(headers=headers) as api:
        final = read_run(api, {}, run_id)
    stats = final["statistics"]
    assert final["displayName"] == f"w{stats['worker']}-{stats['round']}"
    assert stats["round"] == rounds - 1  # the last write of some writer is the one that stayed


@pytest.mark.slow
def test_parallel_patches_of_different_properties_lose_nothing(server: ServerProcess) -> None:
    headers = server.auth_headers()
    with server.client(headers=headers) as api:
        run_id = add_run(api, {})
    rounds = 25

    def work(worker: int) -> list[httpx.Response]:
        name = ("displayName", "status")[worker]
        values = [f"name-{i}" for i in range(rounds)] if worker == 0 else ["running", "failed"] * 12
        values = values + (["completed"] if worker == 1 else [])
        with server.client(headers=headers) as client:
            return [client.patch(run_path(run_id), json={name: value}) for value in values]

    responses = _in_parallel(2, work)
    assert all(r.status_code == 200 for r in responses)
    with server.client(headers=headers) as api:
        final = read_run(api, {}, run_id)
    assert (final["displayName"], final["status"]) == (f"name-{rounds - 1}", "completed")


def test_parallel_conditional_patches_let_exactly_one_win(server: ServerProcess) -> None:
    headers = server.auth_headers()
    with server.client(headers=headers) as api:
        run_id = add_run(api, {})
        etag = api.patch(run_path(run_id), json={"displayName": "base"}).headers["ETag"]
    writers = 6

    def work(worker: int) -> list[httpx.Response]:
        with server.client(headers={**headers, "If-Match": etag}) as client:
            return [client.patch(run_path(run_id), json={"displayName": f"winner-{worker}"})]

    responses = _in_parallel(writers, work)
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [412] * (writers - 1)
    winner = next(r for r in responses if r.status_code == 200).json()["displayName"]
    with server.client(headers=headers) as api:
        assert read_run(api, {}, run_id)["displayName"] == winner
