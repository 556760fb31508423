"""`kill -9` of the server and its two workers in the middle of a load, then a restart: every
acknowledged write is there."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import pytest

from reference_server.storage import open_store
from soak import Soak
from tests.support.postgres import ENGINES, fresh_database_url
from tests.support.server_process import ServerProcess


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_acknowledged_writes_survive_kill_9_under_load(
    engine: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    url = fresh_database_url(engine, request, tmp_path)
    with ServerProcess(env={"DATABASE_URL": url}, workers=2) as server:
        # Dropped connections are expected here: their writes count as "maybe applied".
        load = Soak([server.base_url], server.token(), clients=8, seed=9, tolerate_drops=True)
        load.prepare()
        driver = threading.Thread(target=load.drive, args=(6.0,))
        driver.start()
        try:
            # Well into the load: each kind of write acknowledged at least once before the kill
            # (on a busy machine 1.5 s was sometimes not enough for a counter increment).
            time.sleep(1.0)
            deadline = time.monotonic() + 4.0
            while not all(load.acknowledged()):
                if time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            server.kill()
            assert server.returncode == -signal.SIGKILL
            server.start()  # the clients carry on against the new process
        finally:
            driver.join()
        server.stop()
    with open_store(url) as store:
        assert load.verify(store) == []
    tally = load.tally
    assert tally.transport_errors > 0  # the kill hit the load
    assert tally.own
    assert tally.increments > 0
    assert tally.blind
