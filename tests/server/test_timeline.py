"""`SERVER_TIMELINE`: a server started with it writes each request's steps, in order, for the
bench; the client's own clock in `x-bench-sent` comes first."""

from __future__ import annotations

import json
import time
from pathlib import Path

from reference_server.storage.file_sync import FileSync
from tests.support.api import run_path
from tests.support.server_process import ServerProcess

STEPS = (
    "sent",
    "app",
    "auth",
    "routed",
    "submit",
    "thread",
    "batch",
    "committed",
    "sync_start",
    "sync_end",
    "done",
    "resumed",
    "answer",
    "end",
)


def test_a_timed_server_writes_every_step_of_an_update_in_order(tmp_path: Path) -> None:
    folder = tmp_path / "timeline"
    with ServerProcess(env={"SERVER_TIMELINE": str(folder)}) as server, server.client() as client:
        headers = server.auth_headers()
        for n in range(3):
            headers["X-Bench-Sent"] = str(time.monotonic_ns())
            answer = client.patch(run_path(), json={"displayName": f"timed {n}"}, headers=headers)
            assert answer.status_code == 200, answer.text
    written = [
        json.loads(line)
        for path in folder.glob("timeline-*.jsonl")
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    updates = [marks for marks in written if "committed" in marks]
    assert len(updates) == 3
    for marks in updates:
        assert marks["status"] == 200
        assert [marks[step] for step in STEPS] == sorted(marks[step] for step in STEPS), marks


def test_a_sync_says_when_the_fsync_it_waited_for_began_and_ended(tmp_path: Path) -> None:
    """The timeline's fsync is the one the write waited for: it began after the call."""
    target = tmp_path / "file"
    target.write_bytes(b"x")
    synced = FileSync(target, timeout=5)
    try:
        called = time.monotonic_ns()
        started, ended = synced.sync()
    finally:
        synced.close()
    assert called <= started <= ended
