"""A variant served from a thread of this process, on a port of its own, with dev tokens for it.

The zoo's runner fuzzes fifty servers one after another; a `python -m bug_zoo.serve` process
each, and a `python -m reference_server.token` process for each of its two tokens, spent more CPU
on starting Python and importing the server than the harness spent on some variants. Here the
server's modules are imported once, and each variant is still built afresh from the catalog
(`bug_zoo.serve.build`) with its own state folder, SQLite file, settings and uvicorn server,
fixed for the life of that server: two variants hosted side by side share nothing but the
interpreter. The harness (`python -m scripts.fuzz`) stays a process of its own and sees only
a URL and two tokens, as it would of any server.

Each hosted server's log lines (those of its thread, its event loop and the worker threads it
hands calls to) go to its own log file, told apart by a context variable.
"""

from __future__ import annotations

import contextvars
import logging
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from bug_zoo.catalog import load
from bug_zoo.serve import build, uvicorn_settings
from fuzzing.target import Target
from reference_server.auth import mint_dev_token
from reference_server.settings import DEV_AUDIENCE, DEV_ISSUER
from tooling.processes import ProcessError, log_tail

START_SECONDS = 60.0
STOP_SECONDS = 15.0
_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"

_serving: contextvars.ContextVar[str | None] = contextvars.ContextVar("zoo_variant", default=None)


def mint(state_dir: Path, *, permission: bool = True) -> str:
    """The token `python -m reference_server.token --state-dir DIR [--no-permission]` prints
    (with the kit's server settings left out of its environment, as the kit runs it): the same
    dev key of `state_dir`, issuer, audience, permission and lifetime."""
    return mint_dev_token(
        state_dir, issuer=DEV_ISSUER, audience=DEV_AUDIENCE, permission=permission
    )


class _OwnLines(logging.Filter):
    """Only the lines logged while serving variant `name` (its context variable is inherited by
    the event loop's tasks and by `anyio.to_thread`'s calls)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.variant = name

    def filter(self, record: logging.LogRecord) -> bool:
        return _serving.get() == self.variant


@contextmanager
def _log_to(path: Path, name: str) -> Iterator[None]:
    handler = logging.FileHandler(path, mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.addFilter(_OwnLines(name))
    root = logging.getLogger()
    # As `python -m bug_zoo.serve` logs: INFO and up.
    if root.getEffectiveLevel() > logging.INFO:
        root.setLevel(logging.INFO)
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
        handler.close()


def _serve(name: str, server: uvicorn.Server, listening: socket.socket) -> None:
    _serving.set(name)
    try:
        server.run(sockets=[listening])
    except BaseException:  # a failed start ends the thread; the waiter reads the log
        logging.getLogger("bug_zoo").exception("variant %s stopped", name)


@contextmanager
def hosted_variant(name: str, state_dir: Path, log_path: Path, port: int = 0) -> Iterator[Target]:
    """Variant `name` served on loopback port `port` (0: a free one) with its state in
    `state_dir`, for the block; its target (`/beta`) with a token and a token without the
    permission."""
    state_dir.mkdir(parents=True, exist_ok=True)
    listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with listening, _log_to(log_path, name):
        listening.bind(("127.0.0.1", port))
        port = listening.getsockname()[1]
        token = _serving.set(name)
        try:
            logging.getLogger("bug_zoo").info("variant %s: %s", name, load(name).bug)
            app, inner = build(name, port, state_dir)
        except Exception as error:  # what `python -m bug_zoo.serve` would have exited with
            logging.getLogger("bug_zoo").exception("variant %s could not be built", name)
            raise ProcessError(f"variant {name} could not be built: {error!r}") from error
        finally:
            _serving.reset(token)
        server = uvicorn.Server(uvicorn_settings(app, inner, port))
        thread = threading.Thread(
            target=_serve, args=(name, server, listening), name=f"zoo {name}", daemon=True
        )
        thread.start()
        try:
            _wait_started(server, thread, log_path)
            yield Target(
                base_url=f"http://127.0.0.1:{port}/beta",
                token=mint(state_dir),
                token_no_permission=mint(state_dir, permission=False),
            )
        finally:
            server.should_exit = True
            thread.join(STOP_SECONDS)
            if thread.is_alive():  # connections that would not close: drop them
                server.force_exit = True
                thread.join(STOP_SECONDS)


def _wait_started(server: uvicorn.Server, thread: threading.Thread, log_path: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while not server.started:
        if not thread.is_alive():
            raise ProcessError(f"the server did not start:\n{log_tail(log_path)}")
        if time.monotonic() > deadline:
            raise ProcessError(
                f"the server did not start within {START_SECONDS:.0f} s:\n{log_tail(log_path)}"
            )
        time.sleep(0.02)


@contextmanager
def hosted_for_traffic(name: str, port: int, state_dir: Path, log_path: Path) -> Iterator[str]:
    """`hosted_variant` as `traffic.zoo` serves a variant (`traffic.zoo.Serving`): on `port`,
    for the block; its dev token."""
    with hosted_variant(name, state_dir, log_path, port) as target:
        yield target.token
