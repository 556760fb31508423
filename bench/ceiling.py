"""`python -m bench.ceiling --port N --stack S --workers W`: the ceiling of a server stack.

A bare ASGI app that reads the request body, parses it as JSON and echoes it back, served by
the stack `S` (`SERVER_STACK`'s names) in `W` worker processes, with the settings the reference
server uses for it (reference_server/serving.py; the bench may not import the server, so they
are repeated here). No routing, auth, validation, storage or logging: what is left is what the
stack itself costs, so the reference server's throughput over this app's is the share of the
stack's capacity it reaches.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
from collections.abc import Sequence

import uvicorn
from starlette.types import Receive, Scope, Send

from tooling.uvicorn_config import uvicorn_config


async def echo(scope: Scope, receive: Receive, send: Send) -> None:
    """Echo the JSON body of any request, re-serialised; answer lifespan events."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "http":
        return
    chunks: list[bytes] = []
    more = True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    try:
        body = json.dumps(json.loads(b"".join(chunks) or b"null")).encode("utf-8")
        status = 200
    except ValueError:
        body, status = b'{"error":"not JSON"}', 400
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode("ascii")),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


STACKS = ("uvicorn-uvloop", "granian", "uvicorn-asyncio")
UVICORN = {"uvicorn-asyncio": ("asyncio", "h11"), "uvicorn-uvloop": ("uvloop", "httptools")}


def serve(host: str, port: int, stack: str, workers: int) -> None:
    if stack == "granian":
        from granian.constants import HTTPModes, Interfaces, Loops
        from granian.log import LogLevels
        from granian.server import Server

        Server(
            "bench.ceiling:echo",
            address=host,
            port=port,
            interface=Interfaces.ASGI,
            workers=workers,
            loop=Loops.uvloop,
            http=HTTPModes.http1,
            websockets=False,
            log_level=LogLevels.warning,
        ).serve()
        return
    loop, http = UVICORN[stack]
    config = uvicorn_config(
        echo, host=host, port=port, loop=loop, http=http, timeout_graceful_shutdown=10
    )
    if workers == 1:
        uvicorn.Server(config).run()
        return
    # As the reference server's supervisor does (reference_server/workers.py): forked workers,
    # each with a socket of its own in the port's SO_REUSEPORT group.
    stop = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop)
    children = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, stop)
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind((host, port))
            sock.listen(2048)
            uvicorn.Server(config).run(sockets=[sock])
            os._exit(0)
        children.append(pid)
    try:
        signal.sigwait(stop)
    finally:
        for pid in children:
            os.kill(pid, signal.SIGTERM)
        for pid in children:
            os.waitpid(pid, 0)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ceiling", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--stack", choices=STACKS, default="uvicorn-asyncio")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    serve(args.host, args.port, args.stack, args.workers)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
