"""Processes the traffic tests share: the proxy in front of a target, started as `make proxy`
starts it, and stopped with Ctrl-C (SIGINT), after which it writes its reports."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tooling.paths import ROOT
from tooling.processes import Service, free_port


@dataclass
class Proxy:
    service: Service
    reports: Path

    @property
    def root_url(self) -> str:
        return self.service.root_url

    def stop(self) -> int | None:
        """Ctrl-C, as a user ends it; the exit status."""
        return self.service.stop(signal.SIGINT)

    def output(self) -> str:
        return self.service.log()


@contextmanager
def proxy_in_front(target_url: str, reports: Path, *extra: str) -> Iterator[Proxy]:
    """`python -m scripts.proxy` in front of `target_url`, ready once it answers anything."""
    port = free_port()
    service = Service(
        "proxy",
        [
            sys.executable,
            "-m",
            "scripts.proxy",
            "--port",
            str(port),
            "--target-url",
            target_url,
            "--reports-dir",
            str(reports),
            *extra,
        ],
        port=port,
        log_path=reports / "proxy.log",
        cwd=ROOT,
        ready_path="/ready",
        stop_timeout=120,
    )
    with service:
        yield Proxy(service, reports)
