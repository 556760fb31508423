"""The turn at writing that processes sharing a SQLite file take (`storage.writer_lock`).

Two `WriterLock`s on one file exclude each other as two processes' do: an flock belongs to the
open file, and each instance opens its own.
"""

from __future__ import annotations

import threading
from pathlib import Path

from reference_server.storage.writer_lock import WriterLock


def test_a_taken_turn_is_refused_within_the_timeout_and_given_once_free(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite3-writer"
    first, second = WriterLock(path), WriterLock(path)
    try:
        assert first.acquire(1.0)
        assert not second.acquire(0.05)
        first.release()
        assert second.acquire(1.0)
        second.release()
    finally:
        first.close()
        second.close()


def test_a_waiting_writer_gets_the_turn_when_the_holder_lets_go(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite3-writer"
    holder, waiter = WriterLock(path), WriterLock(path)
    got: list[bool] = []
    try:
        assert holder.acquire(1.0)
        waiting = threading.Thread(target=lambda: got.append(waiter.acquire(30.0)))
        waiting.start()
        holder.release()
        waiting.join(30.0)
        assert got == [True]
        assert not holder.acquire(0.05)  # the waiter holds it now
        waiter.release()
    finally:
        holder.close()
        waiter.close()


def test_a_turn_that_came_too_late_is_let_go_for_the_next_writer(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite3-writer"
    holder, late, third = WriterLock(path), WriterLock(path), WriterLock(path)
    try:
        assert holder.acquire(1.0)
        assert not late.acquire(0.05)  # its keeper still waits in flock()
        holder.release()
        assert third.acquire(30.0)  # the keeper got the turn for nobody and let it go
        third.release()
        assert late.acquire(30.0)  # and it serves the next writer of its own lock
        late.release()
    finally:
        for lock in (holder, late, third):
            lock.close()


def test_a_writer_that_never_pauses_does_not_starve_a_waiting_one(tmp_path: Path) -> None:
    """SQLite's busy wait sleeps and retries, so a process that commits without a pause takes
    its lock again before the sleeper wakes; the turn is queued, so the waiter gets it."""
    path = tmp_path / "runs.sqlite3-writer"
    busy, waiter = WriterLock(path), WriterLock(path)
    stop = threading.Event()

    def write_without_pause() -> None:
        while not stop.is_set():
            if busy.acquire(1.0):
                busy.release()

    writing = threading.Thread(target=write_without_pause)
    writing.start()
    try:
        assert waiter.acquire(30.0)
        waiter.release()
    finally:
        stop.set()
        writing.join(30.0)
        busy.close()
        waiter.close()
