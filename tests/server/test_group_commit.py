"""Group commit on SQLite: writes that queue up while a commit runs share the next one, a write
that fails is undone alone, and a writer that cannot start in time gets `UnavailableError`."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reference_server.storage.base import (
    FlowRecord,
    IdempotencyKey,
    KeyAnsweredError,
    KeyedAnswer,
    NotFoundError,
    RunRecord,
    StoredRun,
    UnavailableError,
)
from reference_server.storage.sqlite import SqliteStore

FIELDS: dict[str, object] = {"displayName": "Run", "status": "running", "statistics": {}}
DATA = [FlowRecord(id="flow", runs=(RunRecord(id="run", fields=FIELDS),))]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    opened = SqliteStore(tmp_path / "runs.sqlite3", timeout=5)
    opened.load(DATA)
    yield opened
    opened.close()


def _until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.005)


def _in_threads(
    calls: list[Callable[[], StoredRun]],
) -> tuple[list[threading.Thread], list[object]]:
    outcomes: list[object] = [None] * len(calls)

    def call(index: int) -> None:
        try:
            outcomes[index] = calls[index]()
        except Exception as exc:
            outcomes[index] = exc

    threads = [threading.Thread(target=call, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    return threads, outcomes


def test_queued_writes_share_one_commit_and_a_failing_one_is_undone_alone(
    store: SqliteStore, tmp_path: Path
) -> None:
    commits: list[str] = []
    store._db.set_trace_callback(lambda sql: commits.append(sql) if sql == "COMMIT" else None)
    store._lock.acquire()  # as a reader would: writers must wait for the connection
    first, first_outcome = _in_threads(
        [lambda: store.update_run("flow", "run", {"displayName": "first"})]
    )
    _until(lambda: store._writes._committing)
    calls: list[Callable[[], StoredRun]] = [
        lambda: store.create_linked_run("flow", "run", "child-1", FIELDS),
        lambda: store.update_run("flow", "missing", {"displayName": "x"}),
        lambda: store.create_linked_run("flow", "run", "child-2", FIELDS),
        lambda: store.update_run("flow", "run", {"status": "completed"}),
    ]
    rest, outcomes = _in_threads(calls)
    _until(lambda: len(store._writes._queue) == len(calls))
    store._lock.release()
    for thread in first + rest:
        thread.join(10)

    assert commits == ["COMMIT", "COMMIT"]  # the first write alone, then the four together
    assert isinstance(first_outcome[0], StoredRun)
    assert isinstance(outcomes[1], NotFoundError)
    assert [type(o) for i, o in enumerate(outcomes) if i != 1] == [StoredRun] * 3
    with SqliteStore(tmp_path / "runs.sqlite3") as reopened:  # on disk, as acknowledged
        run = reopened.get_run("flow", "run")
        assert run is not None
        assert run.version == 3
        assert run.fields["displayName"] == "first"
        assert run.fields["status"] == "completed"
        # Both links, in the order the threads reached the queue (the scheduler's choice).
        assert sorted(reopened.process_runs("flow", "run")) == ["child-1", "child-2"]
        assert reopened.get_run("flow", "missing") is None


def test_many_writers_get_one_version_each(store: SqliteStore) -> None:
    def writer(n: int) -> Callable[[], StoredRun]:
        return lambda: store.update_run("flow", "run", {"statistics": {"n": n}})

    calls = [writer(n) for n in range(60)]
    threads, outcomes = _in_threads(calls)
    for thread in threads:
        thread.join(30)
    versions = sorted(o.version for o in outcomes if isinstance(o, StoredRun))
    assert versions == list(range(2, 62))
    run = store.get_run("flow", "run")
    assert run is not None
    assert run.version == 61


def test_a_writer_that_cannot_start_in_time_is_unavailable(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "runs.sqlite3", timeout=0.2)
    try:
        store.load(DATA)
        store._lock.acquire()
        try:
            threads, outcomes = _in_threads(
                [
                    lambda: store.update_run("flow", "run", {"displayName": "a"}),
                    lambda: store.update_run("flow", "run", {"displayName": "b"}),
                ]
            )
            for thread in threads:
                thread.join(10)
        finally:
            store._lock.release()
        assert all(isinstance(o, UnavailableError) for o in outcomes), outcomes
        run = store.get_run("flow", "run")
        assert run is not None
        assert run.version == 1  # neither was written
    finally:
        store.close()


def test_a_replayed_key_is_answered_once_the_run_it_names_is_on_disk(store: SqliteStore) -> None:
    """A replay tells the caller a run is stored: the first write may be another process's whose
    sync is still on its way, so the replay waits for a sync of its own before it answers."""
    syncs: list[None] = []
    durable = store._writes._durable

    def counted() -> None:
        syncs.append(None)
        durable()

    store._writes._durable = counted
    key = IdempotencyKey(
        scope="caller+flow/run",
        key='"k-1"',
        fingerprint="body",
        answer=KeyedAnswer(status=204, location="https://example.test/runs/new"),
        now=1000.0,
        retention=60.0,
    )
    store.create_linked_run("flow", "run", "new", FIELDS, key=key)
    assert len(syncs) == 1
    with pytest.raises(KeyAnsweredError):
        store.create_linked_run("flow", "run", "again", FIELDS, key=key)
    assert len(syncs) == 2
    with pytest.raises(NotFoundError):  # a refusal names nothing stored: no sync to wait for
        store.create_linked_run("flow", "missing", "other", FIELDS)
    assert len(syncs) == 2
