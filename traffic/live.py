"""`make proxy`: the forwarder in this process, the checker in a child process of its own.

The checker judges each exchange after it went through, at a lower priority, so that the checks
never stand between the client and the server: the forwarder hands it a copy on a queue and
goes on. On Ctrl-C, SIGTERM or `PROXY_MAX_TIME` the forwarder stops taking requests, finishes
those under way, and the checker judges what is left, writes the HAR, runs drift over it, writes
the reports and exits; its exit status (1 on a contract failure) is the proxy's.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import uvicorn

from tooling.uvicorn_config import uvicorn_config
from traffic import capture, har
from traffic.capture import Captured
from traffic.conclusion import conclude, printer
from traffic.observer import Observer
from traffic.proxy import DEFAULT_CAPTURE_BYTES, Forwarder
from traffic.reports import TrafficReportPaths

CREATOR = "contract-kit make proxy"
SETUP_ERROR = 2


@dataclass(frozen=True)
class ProxySettings:
    """`TARGET_URL`, `PROXY_PORT`, `PROXY_MAX_TIME` and the rest, read by `scripts/proxy.py`."""

    target_url: str
    port: int = 8010
    max_time: float | None = None
    reports_dir: Path = Path("reports")
    rewrite_host: bool = False
    capture_bytes: int = DEFAULT_CAPTURE_BYTES

    @property
    def origin(self) -> str:
        parts = urlsplit(self.target_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def base_path(self) -> str:
        return urlsplit(self.target_url).path.rstrip("/")


def _check(queue: Any, reports_dir: Path) -> None:
    """The checker process: judge each exchange as it comes, then conclude and exit 0 or 1."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the terminal's Ctrl-C is the forwarder's
    os.nice(10)
    paths = TrafficReportPaths(reports_dir, "proxy")
    paths.directory.mkdir(parents=True, exist_ok=True)
    observer = Observer(paths.bodies, report=printer)
    entries: list[tuple[int, dict[str, Any]]] = []
    while True:
        item = queue.get()
        if item is None:
            break
        assert isinstance(item, Captured)
        seen = capture.seen(item)
        observer.finished(seen, item.oldest_open)
        entries.append((item.index, har.entry(seen, item.request_headers, item.response_headers)))
    observer.flush()
    if not entries:
        # Nothing went through (or the proxy never listened): keep an earlier session's reports.
        print("proxy: no traffic went through; no reports written", flush=True)
        raise SystemExit(0)
    entries.sort(key=lambda pair: pair[0])
    har.write(paths.har, [entry for _, entry in entries], CREATOR, "1")
    print(f"proxy: {len(entries)} exchange(s) written to {paths.har}", flush=True)
    outcome = conclude(
        observer, paths.har, paths, source="proxy", indices=[index for index, _ in entries]
    )
    raise SystemExit(outcome.exit_status)


def run(settings: ProxySettings) -> int:
    """Serve until stopped; the checker's exit status, or 2 when the proxy could not start."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    checker = context.Process(
        target=_check, args=(queue, settings.reports_dir), name="proxy-checker"
    )
    checker.start()
    forwarder = Forwarder(
        settings.origin,
        sink=queue.put,
        rewrite_host=settings.rewrite_host,
        capture_bytes=settings.capture_bytes,
    )
    config = uvicorn_config(
        forwarder,
        port=settings.port,
        lifespan="on",
        date_header=False,
        proxy_headers=False,
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    timer = None
    if settings.max_time is not None:
        timer = threading.Timer(settings.max_time, lambda: setattr(server, "should_exit", True))
        timer.daemon = True
        timer.start()
    base = f"http://127.0.0.1:{settings.port}{settings.base_path}"
    print(
        f"proxy: {base} -> {settings.target_url}; point the client at {base}. "
        f"Findings print as they happen; Ctrl-C ends"
        + (f" (or after {settings.max_time:g} s)" if settings.max_time is not None else ""),
        flush=True,
    )
    try:
        server.run()
    except KeyboardInterrupt:
        pass  # uvicorn stops gracefully on Ctrl-C, then raises it again
    except SystemExit:
        pass  # uvicorn could not bind the port; it said why
    finally:
        if timer is not None:
            timer.cancel()
        queue.put(None)
        checker.join()
    if not server.started:
        print(f"proxy: could not listen on 127.0.0.1:{settings.port}", flush=True)
        return SETUP_ERROR
    return checker.exitcode if checker.exitcode is not None else SETUP_ERROR
