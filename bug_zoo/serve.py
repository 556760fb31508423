"""`python -m bug_zoo.serve VARIANT --port N --state-dir DIR`: the reference server with one bug.

The server runs in dev mode (dev tokens from `python -m reference_server.token --state-dir DIR`)
without response validation, as a buggy build in production would, with SQLite in DIR. The
variant is fixed for the life of the process: no request can choose or change it.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

import uvicorn
from starlette.applications import Starlette
from starlette.types import ASGIApp

from bug_zoo.catalog import CONFORMING, CONTROL, NAMES, Context, load
from reference_server.app import create_app
from reference_server.guard import guarded
from reference_server.settings import from_args
from reference_server.storage import open_store
from tooling.uvicorn_config import uvicorn_config

log = logging.getLogger("bug_zoo")


def build(name: str, port: int, state_dir: Path) -> tuple[ASGIApp, Starlette]:
    """The reference server with variant `name` put around it, and the server inside."""
    variant = load(name)
    # No environment: each variant gets its own SQLite file in its state folder, whatever the
    # shell exported, so variants fuzzed side by side never share data.
    settings = from_args(["--dev", "--port", str(port), "--state-dir", str(state_dir)], env={})
    context = Context(settings=settings, state_dir=state_dir)
    if variant.settings is not None:
        settings = variant.settings(settings, context)
        context = dataclasses.replace(context, settings=settings)
    store = open_store(settings.effective_database_url)
    if variant.store is not None:
        store = variant.store(store)
    server = create_app(settings, store=store)
    app: ASGIApp = server
    if variant.middleware is not None:
        app = variant.middleware(app, context)
    return app, server


def _exit_cleanly(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bug_zoo.serve", description=__doc__)
    parser.add_argument("variant", choices=(*NAMES, CONTROL, *CONFORMING))
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--state-dir", type=Path, required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    signal.signal(signal.SIGTERM, _exit_cleanly)
    signal.signal(signal.SIGINT, _exit_cleanly)
    args.state_dir.mkdir(parents=True, exist_ok=True)
    app, server = build(args.variant, args.port, args.state_dir)
    log.info("variant %s: %s", args.variant, load(args.variant).bug)
    run(app, server, args.port)
    return 0


def uvicorn_settings(app: ASGIApp, server: Starlette, port: int) -> uvicorn.Config:
    """uvicorn for `app` (a variant around `server`) on `port` with the reference server's own
    HTTP layer below it, its limits and its OData answers: a variant differs only where it says."""
    spec = server.state.spec
    http = guarded(
        "httptools",
        server.state.settings.limits,
        lambda value: bool(spec.response_header_ok("client-request-id", value)),
    )
    return uvicorn_config(app, port=port, http=http)


def run(app: ASGIApp, server: Starlette, port: int) -> None:
    """Serve `app` (a variant around `server`) on `port` until SIGTERM or SIGINT."""
    uvicorn.Server(uvicorn_settings(app, server, port)).run()


if __name__ == "__main__":
    sys.exit(main())
