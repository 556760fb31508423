"""`SERVER_STACK` and `WORKERS`: every stack serves the API alike with two worker processes on one
port, stops cleanly, and leaves no worker behind when its supervisor is killed."""

from __future__ import annotations

import importlib
import os
import re
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from reference_server.settings import DEFAULT_STACK, ServerSettingsError, cores, from_args
from reference_server.stacks import STACKS, runner, stacks
from reference_server.workers import CRASH_LOOP_SECONDS
from tests.support.api import add_run, add_run_path, assert_odata_error, new_run_body, run_path
from tests.support.dropped import dropped_module
from tests.support.server_process import ServerProcess
from tooling.processes import child_env
from tooling.reference import server_command

LIMIT = 65536
STARTED_SECONDS = 1.0  # after the workers said they are ready, before they are stopped


def test_stack_and_workers_come_from_flags_or_the_environment() -> None:
    default = from_args([], env={})
    assert (default.stack, default.workers) == (DEFAULT_STACK, cores())
    from_env = from_args([], env={"SERVER_STACK": "granian", "WORKERS": "3"})
    assert (from_env.stack, from_env.workers) == ("granian", 3)
    flags = from_args(["--stack", "uvicorn-asyncio", "--workers", "1"], env={"WORKERS": "3"})
    assert (flags.stack, flags.workers) == ("uvicorn-asyncio", 1)


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"SERVER_STACK": "gunicorn"}, "SERVER_STACK must be one of"),
        ({"WORKERS": "0"}, "WORKERS must be between 1"),
        ({"WORKERS": "two"}, "whole number"),
    ],
)
def test_a_stack_or_worker_count_that_cannot_run_stops_the_start(
    env: dict[str, str], words: str
) -> None:
    with pytest.raises(ServerSettingsError, match=words):
        from_args(["--dev"], env).check()


@pytest.fixture(scope="module", params=STACKS)
def stack_server(request: pytest.FixtureRequest) -> Iterator[ServerProcess]:
    with ServerProcess(env={"SERVER_STACK": request.param, "WORKERS": "2"}) as process:
        yield process


@pytest.mark.slow
def test_every_stack_serves_the_api_alike(stack_server: ServerProcess) -> None:
    """The exchanges whose handling an HTTP server could change: bodies, limits, errors."""
    headers = stack_server.auth_headers()
    with stack_server.client(headers=headers) as api:
        run_id = add_run(api, {})
        patched = api.patch(run_path(run_id), json={"status": "completed"})
        assert patched.status_code == 200
        assert patched.headers["ETag"] == '"2"'
        assert re.fullmatch(r"[0-9a-f-]{36}", patched.headers["request-id"])
        stale = api.patch(run_path(run_id), headers={"If-Match": '"1"'}, json={"status": "failed"})
        assert_odata_error(stale, 412, "PreconditionFailed")
        assert_odata_error(api.patch(run_path(run_id), content=b'{"status": '), 400, "BadRequest")
        assert_odata_error(api.patch(run_path(run_id), json={"status": "nope"}), 400)
        too_big = b'{"displayName": "' + b"x" * LIMIT + b'"}'
        assert_odata_error(api.post(add_run_path(), content=too_big), 413)
        chunks = iter([too_big[i : i + 4096] for i in range(0, len(too_big), 4096)])
        assert_odata_error(api.post(add_run_path(), content=chunks), 413)
        assert_odata_error(api.get("/nowhere"), 404, "ResourceNotFound")
        not_allowed = assert_odata_error(api.get(run_path(run_id)), 405, "MethodNotAllowed")
        assert "PATCH" in not_allowed["message"]
        created = api.post(add_run_path(run_id), json=new_run_body())
        assert created.status_code == 204
        assert created.headers["Location"].startswith(stack_server.base_url)
    anonymous = httpx.patch(stack_server.base_url + run_path(run_id), json={"status": "failed"})
    assert_odata_error(anonymous, 401, "InvalidAuthenticationToken")
    assert httpx.get(stack_server.root_url + "/openapi.json").status_code == 200


@pytest.mark.slow
@pytest.mark.parametrize("stack", STACKS)
def test_two_workers_start_and_stop_cleanly(stack: str) -> None:
    with ServerProcess(env={"SERVER_STACK": stack, "WORKERS": "2"}) as process:
        _until(lambda: len(re.findall(r"process \d+ ready", process.log())) == 2)
        if stack == "granian":
            # "ready" is logged from the app's start-up; granian's worker sets up its own stop
            # signal after that, and one stopped in between was killed at the grace period on a
            # loaded machine (once in CI). A server is stopped after it has served: give it that
            # moment. uvicorn takes its signals before it starts the app.
            time.sleep(STARTED_SECONDS)
        assert process.stop(signal.SIGTERM) == 0
        log = process.log()
    assert f"{stack}, 2 worker processes" in log
    assert log.count("storage closed") == 3  # the start-up check, then each worker
    assert "Traceback" not in log


@pytest.mark.slow
@pytest.mark.parametrize("stack", STACKS)
def test_workers_stop_when_their_supervisor_is_killed(stack: str) -> None:
    with ServerProcess(env={"SERVER_STACK": stack, "WORKERS": "2"}) as process:
        _until(lambda: len(re.findall(r"process \d+ ready", process.log())) == 2)
        if stack == "granian":
            time.sleep(STARTED_SECONDS)  # as above: its workers take their stop signal after that
        workers = [int(pid) for pid in re.findall(r"process (\d+) ready", process.log())]
        os.kill(process.pid, signal.SIGKILL)  # the supervisor alone, not its process group
        _until(lambda: not any(_alive(pid) for pid in workers))
        assert process.log().count("storage closed") == 3  # each worker closed its storage


@pytest.mark.slow
@pytest.mark.parametrize("stack", ["uvicorn-uvloop", "granian"])
def test_a_worker_that_dies_is_replaced_and_the_port_keeps_serving(stack: str) -> None:
    with ServerProcess(env={"SERVER_STACK": stack, "WORKERS": "2"}) as process:
        _until(lambda: len(_workers(process)) == 2)
        if stack != "granian":  # granian has no such window for the workers it first started
            # Past the start, where a death stops the server: the supervisor forked both before
            # they said "ready", so the window, counted from the fork, ends before this does.
            time.sleep(CRASH_LOOP_SECONDS + 0.2)
        victim = _workers(process)[0]
        os.kill(victim, signal.SIGKILL)
        _until(lambda: len(_workers(process)) == 3)  # a new worker took its place
        assert not _alive(victim)
        with process.client(headers=process.auth_headers()) as api:
            for _ in range(4):  # whichever worker serves them
                assert api.patch(run_path(), json={"status": "failed"}).status_code == 200
        assert process.stop() == 0


def _workers(process: ServerProcess) -> list[int]:
    return [int(pid) for pid in re.findall(r"process (\d+) ready", process.log())]


def _alive(pid: int) -> bool:
    """Whether `pid` still runs; a zombie (ended, not yet reaped) no longer serves."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_stack_dropped_into_the_folder_is_one_to_serve_on(tmp_path: Path) -> None:
    source = """
        SERVED = []


        def run(settings):
            SERVED.append(settings)
    """
    settings = from_args([])
    with dropped_module("reference_server.stacks", "dropped_stack", source, tmp_path):
        assert "dropped-stack" in stacks()
        runner("dropped-stack")(settings)
        assert [settings] == importlib.import_module("reference_server.stacks.dropped_stack").SERVED
    assert "dropped-stack" not in stacks()
    with pytest.raises(ValueError, match="no stack 'dropped-stack'"):
        runner("dropped-stack")


def test_the_stacks_are_the_modules_of_the_folder_each_with_its_run() -> None:
    assert STACKS == stacks() == tuple(sorted(STACKS))
    assert DEFAULT_STACK in STACKS
    assert all(callable(runner(stack)) for stack in STACKS)


@pytest.fixture(scope="module")
def first_server() -> Iterator[ServerProcess]:
    """A server with two workers on its port, for each stack's second server to be refused."""
    with ServerProcess(env={"SERVER_STACK": "uvicorn-uvloop", "WORKERS": "2"}) as first:
        _until(lambda: len(_workers(first)) == 2)
        yield first


@pytest.mark.slow
@pytest.mark.parametrize("stack", STACKS)
def test_a_second_server_on_a_port_in_use_is_refused_at_start(
    stack: str, first_server: ServerProcess, tmp_path: Path
) -> None:
    """The first server's workers share the port; a second server, on any stack, does not join
    it (with `SO_REUSEPORT` it would, and take half the connections) but stops in one line."""
    first = first_server
    second = subprocess.run(
        server_command(first.port, tmp_path / "state"),
        env=child_env({"SERVER_STACK": stack, "WORKERS": "2"}),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert second.returncode == 2
    assert f"cannot start: port {first.port} on 127.0.0.1 is in use" in second.stderr
    assert "Traceback" not in second.stderr
    assert "ready" not in second.stderr  # no worker of the second server ever started
    with first.client(headers=first.auth_headers()) as api:
        for _ in range(4):  # whichever worker answers, it is the first server's
            assert api.patch(run_path(), json={"status": "failed"}).status_code == 200
    assert len(_workers(first)) == 2  # and it still has its own two workers, none replaced
