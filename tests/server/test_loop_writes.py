"""SQLite writes on the event loop (decision D-perf-2): committed in the request's own task, and
acknowledged only after an fsync of the WAL that began after the commit; a write lock held
elsewhere sends the write to a worker thread, having done nothing on the loop."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest

from reference_server.storage.base import StoredRun, UnavailableError
from reference_server.storage.file_sync import FileSync
from reference_server.storage.loop_writes import run_on_loop
from reference_server.storage.sqlite import SqliteStore
from tests.server.test_durable_writes import DATA, WAIT, GatedFsync, _committed_version


@pytest.fixture
def fsync() -> GatedFsync:
    return GatedFsync()


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "runs.sqlite3"


@pytest.fixture
def store(path: Path, fsync: GatedFsync) -> Iterator[SqliteStore]:
    opened = SqliteStore(path, timeout=5, fsync=fsync)
    opened.load(DATA)
    yield opened
    fsync.gate.set()
    opened.close()


def _never_in_thread() -> Callable[[], Awaitable[StoredRun]]:
    async def in_thread() -> StoredRun:
        raise AssertionError("the write should have run on the event loop")

    return in_thread


def test_a_loop_write_is_acknowledged_only_after_an_fsync_that_began_after_its_commit(
    store: SqliteStore, fsync: GatedFsync, path: Path
) -> None:
    async def scenario() -> StoredRun:
        fsync.gate.clear()
        fsync.entered.clear()
        write = asyncio.create_task(
            run_on_loop(
                lambda: store.update_run("flow", "run", {"displayName": "new"}),
                _never_in_thread(),
            )
        )
        assert await asyncio.to_thread(fsync.entered.wait, WAIT)
        assert _committed_version(path) == 2  # committed before the fsync began ...
        await asyncio.sleep(0.2)
        assert not write.done()  # ... and not acknowledged while it runs
        fsync.gate.set()
        return await asyncio.wait_for(write, WAIT)

    stored = asyncio.run(scenario())
    assert stored.version == 2
    assert stored.fields["displayName"] == "new"


def test_loop_writes_that_commit_during_an_fsync_share_the_next_one(
    store: SqliteStore, fsync: GatedFsync
) -> None:
    async def scenario() -> list[StoredRun]:
        fsync.gate.clear()
        fsync.entered.clear()
        before = fsync.wal_syncs
        first = asyncio.create_task(
            run_on_loop(
                lambda: store.update_run("flow", "run", {"displayName": "first"}),
                _never_in_thread(),
            )
        )
        assert await asyncio.to_thread(fsync.entered.wait, WAIT)

        def writer(n: int) -> Callable[[], StoredRun]:
            return lambda: store.update_run("flow", "run", {"statistics": {"n": n}})

        others = [asyncio.create_task(run_on_loop(writer(n), _never_in_thread())) for n in range(8)]
        await asyncio.sleep(0.1)
        fsync.gate.set()
        done = await asyncio.wait_for(asyncio.gather(first, *others), WAIT)
        assert fsync.wal_syncs - before == 2  # the first write's fsync, then one for the eight
        return done

    done = asyncio.run(scenario())
    assert sorted(stored.version for stored in done) == list(range(2, 11))


def test_a_loop_write_whose_fsync_fails_is_unavailable_and_the_next_is_confirmed(
    store: SqliteStore, fsync: GatedFsync
) -> None:
    async def write(name: str) -> StoredRun:
        return await run_on_loop(
            lambda: store.update_run("flow", "run", {"displayName": name}), _never_in_thread()
        )

    fsync.fail_next = True
    with pytest.raises(UnavailableError, match="could not confirm"):
        asyncio.run(write("unconfirmed"))
    assert asyncio.run(write("confirmed")).version == 3


def test_a_write_lock_held_elsewhere_sends_the_write_to_a_thread_untouched(
    store: SqliteStore, path: Path
) -> None:
    """Another process's writer holds the lock: the loop neither waits for it nor writes."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    handed_over: list[int] = []

    def call() -> StoredRun:
        return store.update_run("flow", "run", {"displayName": "after"})

    async def in_thread() -> StoredRun:
        handed_over.append(_committed_version(path))  # nothing written while the lock was held
        other.execute("COMMIT")
        return await asyncio.to_thread(call)

    try:
        stored = asyncio.run(run_on_loop(call, in_thread))
    finally:
        other.close()
    assert handed_over == [1]
    assert stored.version == 2
    assert _committed_version(path) == 2


def test_the_loop_is_free_while_the_fsync_runs(store: SqliteStore, fsync: GatedFsync) -> None:
    """The fsync runs in another thread: other work on the loop goes on meanwhile."""

    async def scenario() -> int:
        fsync.gate.clear()
        fsync.entered.clear()
        write = asyncio.create_task(
            run_on_loop(
                lambda: store.update_run("flow", "run", {"displayName": "x"}), _never_in_thread()
            )
        )
        assert await asyncio.to_thread(fsync.entered.wait, WAIT)
        ticks = 0
        for _ in range(5):
            await asyncio.sleep(0)
            ticks += 1
        fsync.gate.set()
        await asyncio.wait_for(write, WAIT)
        return ticks

    assert asyncio.run(scenario()) == 5


def test_an_event_loop_waits_for_an_fsync_that_starts_after_its_call(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_bytes(b"x")
    synced = FileSync(target, timeout=5)

    async def scenario() -> tuple[int, tuple[int, int]]:
        called = time.monotonic_ns()
        return called, await synced.wait()

    try:
        called, (started, ended) = asyncio.run(scenario())
    finally:
        synced.stop()
    assert called <= started <= ended
