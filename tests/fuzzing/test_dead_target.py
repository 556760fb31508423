"""A target that stops answering mid-run is one finding: fuzzing stops, the report says when and
after which request, and nothing after it (connection errors, probes that could not connect,
operations never reached) counts against it."""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path

import pytest

from fuzzing.liveness import Watch, sent_entry
from fuzzing.server import local_target
from tests.support.commands import environment, run_module
from tooling.processes import free_port

DYING = (sys.executable, "-m", "tests.support.dying_server", "--after")


@pytest.mark.slow
def test_a_target_that_dies_mid_run_is_one_finding_and_stops_the_run(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    with local_target([*DYING, "60"], tmp_path / "server.log") as target:
        env = environment(
            without_prefixes=("TARGET_", "FUZZ_"),
            extra={
                **target.environment(),
                "FUZZ_SEED": "1",
                "FUZZ_MAX_TIME": "120",
                "FUZZ_REPORTS_DIR": str(reports),
            },
        )
        started = time.monotonic()
        done = run_module("scripts.fuzz", env=env, timeout=300)
        waited = time.monotonic() - started
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    summary = json.loads((reports / "fuzz-summary.json").read_text(encoding="utf-8"))
    assert [failure["check"] for failure in summary["failures"]] == ["target_stopped_answering"]
    death = summary["target_stopped_answering"]
    assert death["last_answered"]["url"].startswith(target.base_url)
    assert death["last_status"] is not None
    (failure,) = summary["failures"]
    assert failure["curl"].startswith("curl -i -X ")
    assert "${TARGET_TOKEN}" in failure["curl"]
    assert "ConnectError" not in "".join(json.dumps(f) for f in summary["failures"][1:])
    assert "[transport]" not in output
    assert "never answered 2xx" not in output
    last_line = done.stdout.strip().splitlines()[-1]
    assert last_line.startswith("TARGET STOPPED ANSWERING "), last_line
    assert f"after {death['last_answered']['method']} {death['last_answered']['url']}" in last_line
    assert waited < 120  # stopped there, not at the time limit


def test_the_watch_asks_the_target_only_when_requests_go_unanswered(tmp_path: Path) -> None:
    deaths: list[int] = []
    watch = Watch(f"http://127.0.0.1:{free_port()}/beta", on_death=lambda: deaths.append(1))
    url = "http://127.0.0.1:1/beta/industryData/incomingFlows/f/runs/r"
    answered = sent_entry("a", "PATCH", url, {"Authorization": "Bearer x"}, b"{}")
    watch.read_line({**answered, "time": time.time() - 5})
    watch.read_line({"case": "a", "status": 200, "operation": "PATCH /x"})
    assert not watch.suspect()
    for key in ("b", "c"):
        entry = sent_entry(key, "POST", f"{url}/process/runs/$ref", {}, b'{"x": 1}')
        watch.read_line({**entry, "time": time.time() - 2})
    assert watch.suspect()
    assert watch.check(force=True)
    assert watch.check(force=True)
    assert deaths == [1]
    death = watch.death
    assert death is not None
    assert death.last_answered is not None
    assert (death.last_answered.method, death.last_status) == ("PATCH", 200)
    assert death.first_unanswered is not None
    assert death.first_unanswered.method == "POST"
    assert death.unanswered == 2
    assert "ConnectError" in death.error


def test_a_target_that_still_answers_is_not_dead(tmp_path: Path) -> None:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Answer(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        watch = Watch(f"http://127.0.0.1:{server.server_address[1]}/beta", on_death=lambda: None)
        for key in ("b", "c"):
            watch.read_line({**sent_entry(key, "POST", "http://x/", {}, None), "time": 0.0})
        assert watch.suspect()
        assert not watch.check(force=True)
        assert watch.death is None
        assert not watch.suspect()  # what went unanswered before the answer is not waited for
    finally:
        server.shutdown()
        server.server_close()
