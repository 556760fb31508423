"""`make soak` (`soak/`): a short soak on each engine, and its checks catch lost writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from soak import FLOW, OwnRun, Soak, main, new_run
from tests.support.commands import environment, run_module
from tests.support.postgres import ENGINES, fresh_database_url
from tests.support.server_process import ServerProcess


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_make_soak_passes_on_each_engine(
    engine: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    env = environment(
        without=("DATABASE_URL", "SOAK_URL"),
        extra={"SOAK_CLIENTS": "6", "SOAK_SECONDS": "1", "WORKERS": "2"},
    )
    if engine == "postgresql":
        env["DATABASE_URL"] = fresh_database_url(engine, request, tmp_path)
    result = run_module("scripts.soak", env=env, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"local server on {engine}, workers: 2" in result.stdout
    assert "soak passed" in result.stdout
    assert "counter increments" in result.stdout


@pytest.mark.slow
def test_the_soak_check_finds_missing_changed_and_lost_writes() -> None:
    with ServerProcess() as server:
        load = Soak([server.base_url], server.token(), clients=3, seed=3)
        load.prepare()
        load.drive(1.0)
        server.stop()
        with server.open_store() as store:
            assert load.verify(store) == []
            changed_id = next(iter(load.tally.own))
            store.update_run(FLOW, changed_id, {"displayName": "not what was acknowledged"})
            load.tally.own["never-stored"] = OwnRun(parent="demo-run", acked=new_run("x", {}))
            load.tally.increments += 1  # one more acknowledged than applied: a lost update
            store.update_run(FLOW, load.blind_run, {"displayName": "an unacknowledged write"})
            problems = "\n".join(load.verify(store))
    assert f"run {changed_id} holds" in problems
    assert "acknowledged run never-stored is missing" in problems
    assert "increments were acknowledged" in problems
    assert "blind writes were acknowledged" in problems


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"SOAK_URL": "http://192.0.2.1:8000/beta"}, "loopback"),
        ({"SOAK_URL": "http://127.0.0.1:8000/beta"}, "SOAK_TOKEN"),
        ({"SOAK_CLIENTS": "0"}, "between 1"),
        ({"SOAK_SECONDS": "forever"}, "whole number"),
    ],
)
def test_the_soak_stays_bounded_and_on_loopback(env: dict[str, str], words: str) -> None:
    with pytest.raises(SystemExit, match=words):
        main(env)
