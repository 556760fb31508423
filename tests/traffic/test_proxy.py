"""`make proxy` end to end: the README's client example and curl example through it give no
finding in front of the reference server, and the same traffic in front of a zoo variant reports
its bug and exits 1, also when it stops by itself after PROXY_MAX_TIME."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from bug_zoo.hosted import hosted_variant
from tests.client.test_readme_example import EXAMPLE, README_URL
from tests.support.commands import run_module
from tests.support.server_process import ServerProcess
from tests.traffic.conftest import proxy_in_front
from tooling.paths import ROOT
from tooling.processes import Service, child_env, free_port, wait_for_answer

pytestmark = pytest.mark.slow


def readme_curl() -> str:
    """The README's curl example, as written (its server's URL and `$TOKEN` still in it)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The reference server", 1)[1]
    match = re.search(r"^(curl .*?)\n```", section, re.MULTILINE | re.DOTALL)
    assert match, "no curl example in the README"
    return match.group(1)


def readme_traffic(base_url: str, token: str, work: Path) -> dict[str, Any]:
    """The README's client example (with `generated/` on its path) and its curl example."""
    script = work / "example.py"
    script.write_text(EXAMPLE.read_text(encoding="utf-8").replace(README_URL, base_url), "utf-8")
    env = child_env({"PYTHONPATH": str(ROOT / "generated"), "RUNS_TOKEN": token, "TOKEN": token})
    example = subprocess.run(
        [sys.executable, str(script)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert example.returncode == 0, example.stderr
    curl = readme_curl().replace(README_URL, base_url)
    done = subprocess.run(
        ["bash", "-c", curl], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    answer: dict[str, Any] = json.loads(done.stdout)
    return answer


def summary(reports: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((reports / "proxy-summary.json").read_text("utf-8"))
    return loaded


def test_the_readme_examples_through_the_proxy_give_no_finding(
    fresh_server: ServerProcess, tmp_path: Path
) -> None:
    with proxy_in_front(fresh_server.base_url, tmp_path / "reports") as proxy:
        answer = readme_traffic(f"{proxy.root_url}/beta", fresh_server.token(), tmp_path)
        status = proxy.stop()
    assert answer["endDateTime"] == "2026-11-24T02:41:37.5000001Z"
    found = summary(tmp_path / "reports")
    assert status == 0, proxy.output()[-3000:]
    assert (found["documented"], found["failures"], found["notes"]) == (2, 0, 0), found
    assert found["drift"]["error"] is None
    assert "FAIL" not in proxy.output()


def test_in_front_of_a_zoo_variant_the_same_traffic_reports_its_bug(tmp_path: Path) -> None:
    # truncates_fraction keeps 6 fractional digits: the curl example's seventh shows it. The
    # variant is served from this process (the test is about the proxy, not `bug_zoo.serve`).
    proxy_port = free_port()
    reports = tmp_path / "reports"
    with (
        tempfile.TemporaryDirectory(prefix="traffic-test-") as state,
        hosted_variant("truncates_fraction", Path(state), tmp_path / "server.log") as target,
    ):
        env = {**os.environ, "PROXY_MAX_TIME": "15", "TARGET_URL": target.base_url}
        proxy = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "scripts.proxy",
                "--port",
                str(proxy_port),
                "--reports-dir",
                str(reports),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            assert wait_for_answer(proxy, f"http://127.0.0.1:{proxy_port}/ready", timeout=60)
            readme_traffic(f"http://127.0.0.1:{proxy_port}/beta", target.token, tmp_path)
            output = proxy.communicate(timeout=180)[0].decode()  # it stops by itself
        finally:
            if proxy.poll() is None:
                proxy.kill()
                proxy.wait()
            if proxy.stdout is not None:
                proxy.stdout.close()
    assert proxy.returncode == 1, output[-3000:]
    found = summary(reports)
    rules = {(f["rule"], f["source"]) for f in found["findings"] if f["severity"] == "failure"}
    assert ("patch_echoes_request", "check") in rules
    assert "FAIL" in output
    assert "not the same instant to 100 ns" in output
    assert "${TOKEN}" in output  # the curl line leaves the token to the shell
    assert (reports / "proxy-junit.xml").exists()
    assert (reports / "proxy.har").exists()


def test_a_session_without_traffic_keeps_earlier_reports(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    earlier = reports / "proxy-summary.json"
    earlier.write_text("{}", encoding="utf-8")
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "scripts.proxy",
        "--port",
        str(port),
        "--reports-dir",
        str(reports),
        "--target-url",
        f"http://127.0.0.1:{free_port()}/beta",
    ]
    proxy = Service("proxy", command, port=port, log_path=tmp_path / "proxy.log", cwd=ROOT)
    proxy.launch()
    try:
        deadline = time.monotonic() + 60
        while "point the client at" not in proxy.log() and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1)  # the banner comes just before uvicorn listens
    finally:
        status = proxy.stop(signal.SIGINT)
    assert status == 0, proxy.log()
    assert "no traffic went through; no reports written" in proxy.log()
    assert earlier.read_text(encoding="utf-8") == "{}"
    assert not (reports / "proxy.har").exists()


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("PROXY_PORT", "PROXY_PORT must be a whole number, not 'abc'"),
        ("PROXY_MAX_TIME", "PROXY_MAX_TIME must be a number of seconds, not 'abc'"),
        ("PROXY_CAPTURE_BYTES", "PROXY_CAPTURE_BYTES must be a whole number, not 'abc'"),
    ],
)
def test_a_setting_its_type_cannot_read_is_named_in_one_line(name: str, said: str) -> None:
    done = run_module("scripts.proxy", timeout=60, env={**os.environ, name: "abc"})
    assert done.returncode == 2
    assert done.stderr.strip() == f"proxy: {said}"
