"""The pre-flight against real sockets: what it says for each wrong set-up, and that a right one
passes. Each wrong set-up is a server (or no server) on 127.0.0.1 that shows it."""

from __future__ import annotations

import json
import socket
import socketserver
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from fuzzing import preflight as preflight_module
from fuzzing.preflight import SetupError, preflight
from fuzzing.target import Target
from tests.support.commands import environment, run_module
from tests.support.server_process import ServerProcess
from tooling.processes import free_port


def _answering(status: int, content_type: str, body: bytes) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            self.rfile.read(length)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_PATCH = do_POST = _answer  # noqa: N815

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def http_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A plain HTTP server on 127.0.0.1 that is not this API; yields its root URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def tcp_server(on_connect: Callable[[socket.socket], None]) -> Iterator[int]:
    """A TCP server on 127.0.0.1 that does `on_connect` with each connection; yields its port."""

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            on_connect(self.request)

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def _refusal(target: Target) -> str:
    with pytest.raises(SetupError) as refused:
        preflight(target)
    return str(refused.value)


def test_a_closed_port_is_named_with_what_to_start(fuzz_target: Target) -> None:
    port = free_port()
    said = _refusal(replace(fuzz_target, base_url=f"http://127.0.0.1:{port}/beta"))
    assert f"Nothing listens on 127.0.0.1:{port}" in said
    assert "TARGET_URL" in said


def test_a_port_that_speaks_another_protocol_is_not_http(fuzz_target: Target) -> None:
    def ssh_banner(connection: socket.socket) -> None:
        connection.sendall(b"SSH-2.0-OpenSSH_9.6\r\n")

    with tcp_server(ssh_banner) as port:
        said = _refusal(replace(fuzz_target, base_url=f"http://127.0.0.1:{port}/beta"))
    assert "not in HTTP" in said
    assert "another service" in said


def test_a_target_that_never_answers_times_out(
    fuzz_target: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(preflight_module, "_TIMEOUT", httpx.Timeout(0.5))
    silent = threading.Event()

    def say_nothing(connection: socket.socket) -> None:
        silent.wait(5)

    with tcp_server(say_nothing) as port:
        said = _refusal(replace(fuzz_target, base_url=f"http://127.0.0.1:{port}/beta"))
        silent.set()
    assert "did not answer within" in said
    assert "ReadTimeout" in said


def test_https_to_a_plain_http_port_is_a_tls_failure(fuzz_target: Target) -> None:
    with http_server(_answering(200, "text/html", b"<html></html>")) as root:
        said = _refusal(replace(fuzz_target, base_url=root.replace("http:", "https:") + "/beta"))
    assert said.startswith("TLS with 127.0.0.1:")
    assert "https" in said


def test_a_host_without_an_address_is_a_dns_failure(
    fuzz_target: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_address(*args: object, **kwargs: object) -> None:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_address)
    said = _refusal(replace(fuzz_target, base_url="http://api.contoso.invalid/beta"))
    assert "'api.contoso.invalid' of TARGET_URL has no address" in said


def test_a_resolver_that_does_not_answer_is_cut_short(
    fuzz_target: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    stuck = threading.Event()
    monkeypatch.setattr(preflight_module, "_RESOLVE_SECONDS", 0.2)
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: stuck.wait(5))
    try:
        said = _refusal(replace(fuzz_target, base_url="http://api.contoso.invalid/beta"))
    finally:
        stuck.set()
    assert "the DNS resolver does not answer" in said


@pytest.mark.parametrize(
    ("status", "content_type", "body"),
    [
        (200, "text/html", b"<html><title>Welcome to nginx!</title></html>"),
        (404, "text/html", b"<html><h1>404 Not Found</h1></html>"),
        (200, "application/json", b"[1, 2, 3]"),
    ],
)
def test_a_server_that_is_not_this_api_is_named_so(
    fuzz_target: Target, status: int, content_type: str, body: bytes
) -> None:
    with http_server(_answering(status, content_type, body)) as root:
        said = _refusal(replace(fuzz_target, base_url=root + "/beta"))
    assert "TARGET_URL does not answer like this API" in said
    assert f"answered {status} with {content_type}" in said


def test_a_redirect_says_where_the_api_answers(fuzz_target: Target) -> None:
    class Moved(BaseHTTPRequestHandler):
        def do_PATCH(self) -> None:
            self.send_response(308)
            self.send_header("Location", "https://elsewhere.contoso.example/beta")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    with http_server(Moved) as root:
        said = _refusal(replace(fuzz_target, base_url=root + "/beta"))
    assert "a redirect to 'https://elsewhere.contoso.example/beta'" in said


def test_a_refused_token_quotes_the_targets_challenge(fuzz_target: Target) -> None:
    said = _refusal(replace(fuzz_target, token="not-a-token"))
    assert "The target refused TARGET_TOKEN" in said
    assert "error='invalid_token'" in said
    assert "error_description=" in said


def test_an_empty_token_is_named(fuzz_target: Target) -> None:
    assert "TARGET_TOKEN is empty" in _refusal(replace(fuzz_target, token=""))


def test_a_token_without_the_permission_is_named(fuzz_target: Target) -> None:
    assert fuzz_target.token_no_permission is not None
    said = _refusal(replace(fuzz_target, token=fuzz_target.token_no_permission))
    assert "TARGET_TOKEN lacks the permission" in said
    assert "insufficient_scope" in said


def test_a_refused_token_without_the_permission_is_named(fuzz_target: Target) -> None:
    said = _refusal(replace(fuzz_target, token_no_permission="expired"))
    assert "refused TARGET_TOKEN_NO_PERMISSION" in said


@pytest.mark.parametrize(
    ("changed", "named"),
    [
        ({"run_id": "no-such-run"}, "TARGET_RUN_ID 'no-such-run' names no run"),
        ({"process_run_id": "no-such-run"}, "TARGET_PROCESS_RUN_ID 'no-such-run' names no run"),
        ({"flow_id": "no-such-flow"}, "Most likely TARGET_FLOW_ID 'no-such-flow' names no flow"),
    ],
)
def test_each_wrong_id_names_its_variable(
    fuzz_target: Target, changed: dict[str, str], named: str
) -> None:
    assert named in _refusal(replace(fuzz_target, **changed))


def test_a_base_path_without_the_version_is_named(fuzz_target: Target) -> None:
    said = _refusal(replace(fuzz_target, base_url=fuzz_target.base_url.removesuffix("/beta")))
    assert "base path of TARGET_URL" in said


def test_a_run_not_linked_into_the_process_is_named(
    fuzz_server: ServerProcess, fuzz_target: Target
) -> None:
    # A run of the flow, linked into the process of the other demo run, not of TARGET_RUN_ID.
    with fuzz_server.client() as client:
        added = client.post(
            "/industryData/incomingFlows/demo-flow/runs/demo-process-run/process/runs/$ref",
            headers=fuzz_server.auth_headers(),
            content=json.dumps(
                {
                    "displayName": "linked elsewhere",
                    "startDateTime": "2026-11-24T02:00:00Z",
                    "status": "running",
                    "statistics": {},
                }
            ),
        )
    assert added.status_code == 204, added.text
    elsewhere = added.headers["location"].rsplit("/", 1)[-1]
    said = _refusal(replace(fuzz_target, process_run_id=elsewhere))
    assert f"TARGET_PROCESS_RUN_ID {elsewhere!r} is a run of flow 'demo-flow'" in said
    assert "not linked into the process of TARGET_RUN_ID 'demo-run'" in said


def test_a_right_set_up_passes_and_changes_nothing(fuzz_target: Target) -> None:
    first = preflight(fuzz_target)
    second = preflight(fuzz_target)
    assert first.facts == second.facts
    assert "run 'demo-run' of flow 'demo-flow' read with TARGET_TOKEN: 200" in first.facts
    assert "TARGET_TOKEN_NO_PERMISSION read the run: 403" in first.facts


def _fuzz(target: Target, tmp_path: Path, **extra: str) -> tuple[int, str, str]:
    env = environment(
        without_prefixes=("TARGET_", "FUZZ_"),
        extra={**target.environment(), "FUZZ_REPORTS_DIR": str(tmp_path), **extra},
    )
    result = run_module("scripts.fuzz", env=env, timeout=120)
    return result.returncode, result.stdout, result.stderr


def test_make_fuzz_exits_2_with_one_paragraph_and_no_traceback(
    fuzz_target: Target, tmp_path: Path
) -> None:
    closed = replace(fuzz_target, base_url=f"http://127.0.0.1:{free_port()}/beta")
    status, out, err = _fuzz(closed, tmp_path)
    assert status == 2, out + err
    assert "Traceback" not in out + err
    paragraph = err.strip()
    assert paragraph.startswith("make fuzz cannot start: Nothing listens on 127.0.0.1:")
    assert "\n\n" not in paragraph
    assert "Schemathesis" not in out
    summary = json.loads((tmp_path / "fuzz-summary.json").read_text())
    assert summary["passed"] is False
    assert "Nothing listens" in summary["setup_error"]


def test_preflight_only_checks_the_set_up_and_stops(fuzz_target: Target, tmp_path: Path) -> None:
    status, out, err = _fuzz(fuzz_target, tmp_path, FUZZ_PREFLIGHT_ONLY="1")
    assert status == 0, out + err
    assert "Pre-flight passed" in out
    assert "Schemathesis" not in out
    wrong = replace(fuzz_target, run_id="no-such-run")
    status, out, err = _fuzz(wrong, tmp_path, FUZZ_PREFLIGHT_ONLY="1")
    assert status == 2
    assert "TARGET_RUN_ID 'no-such-run' names no run" in err


def test_an_unusable_setting_is_a_set_up_error(tmp_path: Path) -> None:
    env = environment(
        without_prefixes=("TARGET_", "FUZZ_"),
        extra={"FUZZ_WORKERS": "many", "FUZZ_REPORTS_DIR": str(tmp_path)},
    )
    result = run_module("scripts.fuzz", env=env, timeout=60)
    assert result.returncode == 2
    assert "FUZZ_WORKERS='many' is not a whole number" in result.stderr
