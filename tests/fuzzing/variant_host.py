"""Bug-zoo variants served from one process, each on a port of its own, started and stopped when a
test asks: the probe tests need a fresh server per variant, not a process per variant.

`python -m bug_zoo.serve VARIANT` costs a Python start, the server's imports and two token
commands per variant; here the imports are paid once per test worker, and the tokens are minted
in the process that holds the dev key. Each variant is built by `bug_zoo.serve.build` in its own
state folder and served with the reference server's guarded HTTP layer, as that command serves it;
only the process is shared, and the tests that use this host are about the probes, not about it.

The host (`python -m tests.fuzzing.variant_host STATE_ROOT`) reads one JSON request a line on
stdin and answers each with one JSON line on stdout:
`{"start": VARIANT}` gives `{"key", "port", "token", "token_no_permission"}` once the variant
listens, `{"stop": KEY}` gives `{"stopped": KEY}` once it has shut down; a failure gives
`{"error": ...}`. It ends when stdin closes.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import select
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import uvicorn

from bug_zoo.serve import build
from fuzzing.target import Target
from reference_server.auth import mint_dev_token
from reference_server.guard import guarded
from reference_server.settings import DEV_AUDIENCE, DEV_ISSUER
from tooling.paths import ROOT
from tooling.processes import ProcessError, child_env, log_tail
from tooling.uvicorn_config import uvicorn_config

ANSWER_SECONDS = 60.0
"""The longest a start or a stop may take before the host counts as hung."""
CLOSE_SECONDS = 15.0


def _server(variant: str, port: int, state_dir: Path) -> uvicorn.Server:
    """Variant `variant` on `port`, below it the reference server's own HTTP layer with its limits
    and OData answers, as `bug_zoo.serve.run` serves it."""
    app, inner = build(variant, port, state_dir)
    spec = inner.state.spec
    http = guarded(
        "httptools",
        inner.state.settings.limits,
        lambda value: bool(spec.response_header_ok("client-request-id", value)),
    )
    return uvicorn.Server(uvicorn_config(app, port=port, http=http))


@dataclass
class _Hosted:
    server: uvicorn.Server
    serving: asyncio.Task[None]


class _Host:
    """The host's side: variants served on one event loop, in a thread of their own, while the
    main thread reads requests."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.loop = asyncio.new_event_loop()
        self.hosted: dict[int, _Hosted] = {}
        self.started = 0
        threading.Thread(target=self.loop.run_forever, name="variants", daemon=True).start()

    def _run(self, step: Any) -> dict[str, Any]:
        future: Future[dict[str, Any]] = asyncio.run_coroutine_threadsafe(step, self.loop)
        return future.result(timeout=ANSWER_SECONDS)

    def start(self, variant: str) -> dict[str, Any]:
        self.started += 1
        return self._run(self._start(self.started, variant))

    def stop(self, key: int) -> dict[str, Any]:
        return self._run(self._stop(key))

    def close(self) -> None:
        for key in list(self.hosted):
            self.stop(key)

    async def _start(self, key: int, variant: str) -> dict[str, Any]:
        state_dir = self.root / f"{key}-{variant}"
        state_dir.mkdir(parents=True)
        # The socket first: the variant writes its own address into what it answers.
        listener = socket.create_server(("127.0.0.1", 0))
        port: int = listener.getsockname()[1]
        try:
            server = _server(variant, port, state_dir)
            serving = asyncio.create_task(server.serve(sockets=[listener]))
            while not server.started and not serving.done():
                await asyncio.sleep(0.01)
            if not server.started:
                serving.result()
                raise RuntimeError(f"variant {variant} did not start")
        except BaseException:
            listener.close()
            raise
        self.hosted[key] = _Hosted(server, serving)
        return {
            "key": key,
            "port": port,
            "token": mint_dev_token(state_dir, issuer=DEV_ISSUER, audience=DEV_AUDIENCE),
            "token_no_permission": mint_dev_token(
                state_dir, issuer=DEV_ISSUER, audience=DEV_AUDIENCE, permission=False
            ),
        }

    async def _stop(self, key: int) -> dict[str, Any]:
        hosted = self.hosted.pop(key)
        hosted.server.should_exit = True
        await hosted.serving
        return {"stopped": key}


def main(argv: Sequence[str] | None = None) -> int:
    [root] = sys.argv[1:] if argv is None else argv
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    host = _Host(Path(root))
    for line in sys.stdin:
        request = json.loads(line)
        try:
            if "start" in request:
                answer = host.start(request["start"])
            else:
                answer = host.stop(request["stop"])
        except Exception as error:  # the test reads it, with this log's end
            logging.exception("request %s failed", request)
            answer = {"error": f"{type(error).__name__}: {error}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
    host.close()
    return 0


class VariantHost:
    """The tests' side: the host process, started on first use and always stopped.

    `serve(variant)` is a fresh server of that variant for the length of a `with` block, as
    `fuzzing.server.local_target` gives one for `python -m bug_zoo.serve VARIANT`.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.log_path = root / "variant-host.log"
        self._process: subprocess.Popen[str] | None = None
        self._log: IO[str] | None = None

    def _ask(self, request: dict[str, Any]) -> dict[str, Any]:
        process = self._running()
        assert process.stdin is not None
        assert process.stdout is not None
        process.stdin.write(json.dumps(request) + "\n")
        process.stdin.flush()
        ready, _, _ = select.select([process.stdout], [], [], ANSWER_SECONDS)
        line = process.stdout.readline() if ready else ""
        if not line:
            self.close()
            raise ProcessError(f"the variant host gave no answer to {request}:\n{self._tail()}")
        answer: dict[str, Any] = json.loads(line)
        if "error" in answer:
            raise ProcessError(f"{request}: {answer['error']}\n{self._tail()}")
        return answer

    def _tail(self) -> str:
        return log_tail(self.log_path)

    def _running(self) -> subprocess.Popen[str]:
        if self._process is None:
            self.root.mkdir(parents=True, exist_ok=True)
            self._log = self.log_path.open("w", encoding="utf-8")
            self._process = subprocess.Popen(
                [sys.executable, "-m", __name__, str(self.root / "state")],
                cwd=ROOT,
                env=child_env(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._log,
                text=True,
                start_new_session=True,  # its own process group, stopped as one
            )
        return self._process

    @contextmanager
    def serve(self, variant: str) -> Iterator[Target]:
        """A fresh server of `variant`, with a token and a token without the permission."""
        started = self._ask({"start": variant})
        try:
            yield Target(
                base_url=f"http://127.0.0.1:{started['port']}/beta",
                token=started["token"],
                token_no_permission=started["token_no_permission"],
            )
        finally:
            if self._process is not None:
                self._ask({"stop": started["key"]})

    def close(self) -> None:
        """Close the host's stdin (it stops every variant and ends); kill it if it does not."""
        process, self._process = self._process, None
        if process is not None:
            if process.stdin is not None:
                with suppress(OSError):
                    process.stdin.close()
            try:
                process.wait(timeout=CLOSE_SECONDS)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            if process.stdout is not None:
                process.stdout.close()
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> VariantHost:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


if __name__ == "__main__":
    sys.exit(main())
