"""`granian`: granian's Rust HTTP server (hyper) calling the app on uvloop.

Granian always serves from worker processes that it supervises (one socket each), and replaces
one that dies.

The connection limits are granian's own where it has them: the head deadline is hyper's
`header_read_timeout` (from a connection's opening and between requests), the cap on connections
is granian's `backpressure` (a connection beyond it waits in the listening queue: no file
descriptor is spent on it). hyper's read buffer is set a little over the head cap, so a head
just over it reaches the app, which answers the OData 431 (`HeadLimitMiddleware`); a head far
over it, more than 100 header lines or a malformed request get hyper's own answer, with no body
and no `request-id`: granian has no hook for them (docs/decisions.md, D37).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from granian.constants import HTTPModes, Interfaces, Loops
from granian.http import HTTP1Settings
from granian.log import LogLevels
from granian.server import Server
from starlette.applications import Starlette

from reference_server.serving import GRACEFUL_SECONDS, worker_app
from reference_server.settings import ServerSettings

# What hyper may buffer beyond the head cap: a head up to this much over it is refused by the app
# with the OData 431 rather than by hyper without one.
HEAD_BUFFER_SLACK = 64 * 1024


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
        backpressure=settings.limits.max_connections,
        http1_settings=HTTP1Settings(
            header_read_timeout=round(settings.limits.head_timeout * 1000),
            max_buffer_size=settings.limits.max_header_bytes + HEAD_BUFFER_SLACK,
        ),
        workers_kill_timeout=GRACEFUL_SECONDS,
    )
    # hyper has no deadline for body reads: the app keeps one (BodyLimitMiddleware).
    loader: Callable[[], Starlette] = functools.partial(worker_app, settings, unguarded_http=True)
    server.serve(target_loader=loader, wrap_loader=False)
