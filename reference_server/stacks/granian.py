"""`granian`: granian's Rust HTTP server (hyper) calling the app on uvloop.

Granian always serves from worker processes that it supervises (one socket each), and replaces
one that dies.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from granian.constants import HTTPModes, Interfaces, Loops
from granian.log import LogLevels
from granian.server import Server
from starlette.applications import Starlette

from reference_server.serving import GRACEFUL_SECONDS, worker_app
from reference_server.settings import ServerSettings


def run(settings: ServerSettings) -> None:
    server = Server(
        "reference_server",  # a name for its log lines; the loader below builds the app
        address=settings.host,
        port=settings.port,
        interface=Interfaces.ASGI,
        workers=settings.workers,
        loop=Loops.uvloop,
        http=HTTPModes.http1,
        websockets=False,
        log_level=LogLevels.warning,
        respawn_failed_workers=True,
        workers_kill_timeout=GRACEFUL_SECONDS,
    )
    loader: Callable[[], Starlette] = functools.partial(worker_app, settings)
    server.serve(target_loader=loader, wrap_loader=False)
