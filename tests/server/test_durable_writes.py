"""SQLite writes are acknowledged only after an fsync of the WAL that began after their commit;
writers that commit during one fsync share the next; a failed or stuck fsync is a 503, not an
acknowledgement."""

from __future__ import annotations

import errno
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reference_server.storage.base import FlowRecord, RunRecord, StoredRun, UnavailableError
from reference_server.storage.sqlite import SqliteStore

DATA = [FlowRecord(id="flow", runs=(RunRecord(id="run", fields={"displayName": "Run"}),))]
WAIT = 10.0


class GatedFsync:
    """An fsync that, once `close()`d, holds every fsync of the WAL until `open()`; it counts
    the WAL's fsyncs and can fail the next one."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.gate.set()
        self.entered = threading.Event()
        self.wal_syncs = 0
        self.fail_next = False

    def __call__(self, fd: int) -> None:
        if not os.readlink(f"/proc/self/fd/{fd}").endswith("-wal"):
            os.fsync(fd)  # the folder, synced once when the WAL is first opened
            return
        self.wal_syncs += 1
        self.entered.set()
        assert self.gate.wait(WAIT), "the test never opened the gate"
        if self.fail_next:
            self.fail_next = False
            raise OSError(errno.EIO, "I/O error")
        os.fsync(fd)


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


def _committed_version(path: Path) -> int:
    """The run's version as another connection (another process) sees it."""
    with sqlite3.connect(path) as other:
        (version,) = other.execute("SELECT version FROM runs WHERE id = 'run'").fetchone()
        return int(version)


def _start(call: Callable[[], object]) -> tuple[threading.Thread, list[object]]:
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(call())
        except Exception as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def test_a_write_returns_only_after_an_fsync_that_began_after_its_commit(
    store: SqliteStore, fsync: GatedFsync, path: Path
) -> None:
    fsync.gate.clear()
    fsync.entered.clear()
    thread, outcome = _start(lambda: store.update_run("flow", "run", {"displayName": "new"}))
    assert fsync.entered.wait(WAIT)
    assert _committed_version(path) == 2  # committed before the fsync began ...
    thread.join(0.2)
    assert thread.is_alive()  # ... and not acknowledged while it runs
    assert not outcome
    fsync.gate.set()
    thread.join(WAIT)
    assert isinstance(outcome[0], StoredRun)
    assert outcome[0].version == 2


def test_writers_that_commit_during_an_fsync_share_the_next_one(
    store: SqliteStore, fsync: GatedFsync, path: Path
) -> None:
    fsync.gate.clear()
    fsync.entered.clear()
    before = fsync.wal_syncs
    first, _ = _start(lambda: store.update_run("flow", "run", {"displayName": "first"}))
    assert fsync.entered.wait(WAIT)
    writers = 12

    def writer(n: int) -> Callable[[], StoredRun]:
        return lambda: store.update_run("flow", "run", {"statistics": {"n": n}})

    started = [_start(writer(n)) for n in range(writers)]
    deadline = time.monotonic() + WAIT
    while _committed_version(path) < 2 + writers:  # all committed, none acknowledged yet
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert first.is_alive()
    fsync.gate.set()
    for thread, _ in [(first, None), *started]:
        thread.join(WAIT)
    versions = sorted(o[0].version for _, o in started if isinstance(o[0], StoredRun))
    assert versions == list(range(3, 3 + writers))
    assert fsync.wal_syncs - before == 2  # the first write's fsync, then one for the twelve


def test_a_failed_fsync_is_unavailable_and_the_next_write_is_confirmed(
    store: SqliteStore, fsync: GatedFsync
) -> None:
    fsync.fail_next = True
    with pytest.raises(UnavailableError, match="could not confirm"):
        store.update_run("flow", "run", {"displayName": "unconfirmed"})
    confirmed = store.update_run("flow", "run", {"displayName": "confirmed"})
    assert confirmed.version == 3


def test_a_writer_waiting_behind_a_stuck_fsync_is_unavailable_in_bounded_time(
    path: Path, fsync: GatedFsync
) -> None:
    store = SqliteStore(path, timeout=0.3, fsync=fsync)
    try:
        store.load(DATA)
        fsync.gate.clear()
        fsync.entered.clear()
        stuck, _ = _start(lambda: store.update_run("flow", "run", {"displayName": "a"}))
        assert fsync.entered.wait(WAIT)
        with pytest.raises(UnavailableError, match="could not confirm"):
            store.update_run("flow", "run", {"displayName": "b"})
        fsync.gate.set()
        stuck.join(WAIT)
    finally:
        fsync.gate.set()
        store.close()
