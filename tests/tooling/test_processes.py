"""`tooling.processes`: one environment policy, ready on an HTTP answer, nothing outlives stop."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from tooling.processes import ProcessError, Service, child_env, free_port

# Serves HTTP on the port given, after forking a child that sleeps and prints its pid: stopping
# the service must take that child down too.
FORKING_SERVER = """
import http.server, os, sys, time
child = os.fork()
if child == 0:
    time.sleep(600)
    os._exit(0)
print(f"child {child}", flush=True)
handler = http.server.SimpleHTTPRequestHandler
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), handler).serve_forever()
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); it is gone once its state says so.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _child_pid(service: Service) -> int:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for line in service.log().splitlines():
            if line.startswith("child "):
                return int(line.split()[1])
        time.sleep(0.05)
    raise AssertionError(f"the server printed no child pid:\n{service.log()}")


def test_child_env_drops_a_developers_server_settings_unless_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://somewhere/prod")
    monkeypatch.setenv("STATE_DIR", "/srv/state")
    monkeypatch.setenv("UNRELATED", "kept")
    env = child_env({"EXTRA": "1"})
    assert "DATABASE_URL" not in env
    assert "STATE_DIR" not in env
    assert env["UNRELATED"] == "kept"
    assert env["EXTRA"] == "1"
    assert env["PYTHONUNBUFFERED"] == "1"
    assert child_env(keep={"DATABASE_URL"})["DATABASE_URL"] == "postgresql://somewhere/prod"


def test_a_service_is_ready_on_answer_and_stop_takes_its_children(tmp_path: Path) -> None:
    port = free_port()
    command = [sys.executable, "-c", FORKING_SERVER, str(port)]
    with Service("forking", command, port=port, log_path=tmp_path / "log") as service:
        child = _child_pid(service)
        assert _alive(child)
        assert service.running
    assert not _alive(service.pid)
    deadline = time.monotonic() + 5
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child), "a forked child outlived the service"


def test_a_process_that_exits_at_once_is_an_error_with_its_log(tmp_path: Path) -> None:
    command = [sys.executable, "-c", "import sys; print('no such setting'); sys.exit(2)"]
    service = Service("broken", command, port=free_port(), log_path=tmp_path / "log")
    with pytest.raises(ProcessError, match=r"broken exited with 2:\n.*no such setting"):
        service.start()
    assert service.returncode == 2


def test_a_restart_keeps_the_port_and_appends_to_the_log(tmp_path: Path) -> None:
    port = free_port()
    command = [sys.executable, "-c", FORKING_SERVER, str(port)]
    service = Service("restarted", command, port=port, log_path=tmp_path / "log")
    try:
        service.start()
        first = _child_pid(service)
        service.restart()
        assert service.running
        assert service.port == port
        assert service.log().count("child ") == 2
        assert not _alive(first)
    finally:
        service.stop()
