"""Serving the app: which HTTP server runs it (`SERVER_STACK`), in how many processes (`WORKERS`).

Whatever the stack, the parent process first builds the app once, as a worker would: every
setting, the spec, the key set and the database are checked there, so a bad start stops with
one line and status 2 before any worker exists, and the data file is loaded once rather than
by every worker. Then the workers (one process each, all on one listening port) build their own
app with their own database connections: nothing opened is shared across a fork.

The stacks are the modules of `reference_server/stacks/` (docs/decisions.md says which is the
default and why, with the figures):

- `uvicorn-asyncio`: uvicorn on asyncio's event loop with the pure-Python h11 parser;
- `uvicorn-uvloop`: uvicorn on uvloop with the httptools (llhttp) parser;
- `granian`: granian's Rust HTTP server (hyper) calling the app on uvloop.

Each holds connections to the limits of `connection_limits` (uvicorn through `guard`'s protocols,
granian through its HTTP/1 settings).

With one worker, uvicorn runs the app in this process; with more, `workers.Supervisor` forks them,
each listening on the port with `SO_REUSEPORT` (and replaces one that dies). Granian always serves
from worker processes that it supervises, also one socket each.
A worker whose parent dies, even by `kill -9`, gets SIGTERM from the kernel and stops as on
`make serve`'s Ctrl-C: nothing is left behind serving on the port.
"""

from __future__ import annotations

import ctypes
import dataclasses
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time

from starlette.applications import Starlette

from reference_server.app import create_app
from reference_server.guard import guarded
from reference_server.log_batches import LoopBatchedHandler
from reference_server.settings import ServerSettings
from reference_server.stacks import runner
from reference_server.workers import Supervisor, listener
from tooling.uvicorn_config import uvicorn_config

log = logging.getLogger("reference_server")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
GRACEFUL_SECONDS = 10
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def configure_logging() -> None:
    """One line per event on stderr, in every process (a spawned worker starts with none).

    What `LOG_FORMAT` never shows is not gathered for every line either (the logging HOWTO's
    "Optimization"): the caller's file and line, the thread's and the process's names. The
    access log writes a line per request, and gathering them cost a fifth of it. The lines
    logged on the event loop are written once per iteration of it (`log_batches`)."""
    logging.basicConfig(
        level=logging.INFO, format=LOG_FORMAT, handlers=[LoopBatchedHandler(sys.stderr)]
    )
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False


def prepare(settings: ServerSettings) -> str:
    """Build the app once in this process and close it again: every start-up error surfaces
    here, and the data file is loaded here, once, before any worker starts. Returns the API's
    base path."""
    app = create_app(settings)
    app.state.close()
    base_path: str = app.state.spec.base_path
    return base_path


def worker_settings(settings: ServerSettings) -> ServerSettings:
    """What a worker builds its app from: as given, but the data file is already loaded."""
    return dataclasses.replace(settings, demo_data=None)


def _die_with_parent(parent: int | None) -> None:
    """Stop when the supervisor `parent` dies, however it dies: the kernel sends SIGTERM at once
    (Linux), the worker finishes what it accepted; a watchdog ends it if that takes longer than
    the grace period."""
    if parent is None:
        return
    linux = sys.platform.startswith("linux")
    if linux:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        if not linux:  # on Linux the kernel has sent it already; a second one cuts the grace
            os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(GRACEFUL_SECONDS + 2)
        log.error("supervisor %d is gone and this worker did not stop; exiting", parent)
        os._exit(1)

    threading.Thread(target=watch, name="supervisor watchdog", daemon=True).start()


def worker_app(
    settings: ServerSettings, parent: int | None = None, *, unguarded_http: bool = False
) -> Starlette:
    """The app a worker process serves; `parent` is its supervisor's pid (by default the
    multiprocessing parent's, as granian starts them; none when the app runs in this process).
    `unguarded_http`: the app holds the head and body-read limits (granian; under uvicorn the
    guarded protocols do, `guard`)."""
    configure_logging()
    if parent is None:
        spawner = multiprocessing.parent_process()
        parent = spawner.pid if spawner is not None else None
    _die_with_parent(parent)
    return create_app(settings, unguarded_http=unguarded_http)


def run(settings: ServerSettings) -> None:
    """Serve on `settings.stack` with `settings.workers` processes until SIGTERM or SIGINT."""
    runner(settings.stack)(settings)


def serve_with_uvicorn(settings: ServerSettings, *, loop: str, http: str) -> None:
    """Serve on uvicorn with event loop `loop` and HTTP parser `http` (the uvicorn stacks)."""
    import uvicorn

    def config(app: Starlette) -> uvicorn.Config:
        # No access log: the app logs one line per request itself.
        return uvicorn_config(
            app,
            host=settings.host,
            port=settings.port,
            loop=loop,
            http=guarded(
                http,
                settings.limits,
                lambda value: app.state.spec.response_header_ok("client-request-id", value),
            ),
            # h11 refuses a head it holds unparsed past this (one pipelined behind a request).
            h11_max_incomplete_event_size=settings.limits.max_header_bytes,
            timeout_graceful_shutdown=GRACEFUL_SECONDS,
        )

    if settings.workers == 1:
        uvicorn.Server(config(worker_app(settings))).run()
        return
    held = listener(settings.host, settings.port, listen=False)  # a port in use fails here
    parent = os.getpid()

    def work(index: int) -> None:
        held.close()
        app = worker_app(settings, parent)
        sockets = [listener(settings.host, settings.port)]
        uvicorn.Server(config(app)).run(sockets=sockets)

    try:
        status = Supervisor(settings.workers, work, GRACEFUL_SECONDS).run()
    finally:
        held.close()
    if status:
        raise SystemExit(status)
