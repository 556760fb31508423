"""`python -m tests.traffic.upstream --port N`: a server that says what it received, for the
proxy's forwarding tests. Every answer but the special paths is JSON describing the request as
the server saw it: method, raw path, query, headers in order (repeats kept), body length and hash.

- `/chunked?n=K`: K chunks of 1000 bytes, no `Content-Length` (so the answer goes chunked);
- `/large?bytes=N`: N bytes with a `Content-Length`, written in 64 KiB pieces;
- `/no-content`: 204 with a `request-id` header.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Sequence
from urllib.parse import parse_qs

import uvicorn
from starlette.types import Receive, Scope, Send

from tooling.uvicorn_config import uvicorn_config

PIECE = 1 << 16


def pattern(size: int) -> bytes:
    """`size` bytes that differ along the way, so a lost or moved piece shows."""
    block = bytes(range(256)) * (PIECE // 256)
    return (block * (size // len(block) + 1))[:size]


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    digest, length, more = hashlib.sha256(), 0, True
    while more:
        message = await receive()
        chunk = message.get("body", b"")
        digest.update(chunk)
        length += len(chunk)
        more = message.get("more_body", False)
    query = parse_qs(scope["query_string"].decode())
    path = scope["path"]
    if path == "/no-content":
        await send(
            {"type": "http.response.start", "status": 204, "headers": [(b"request-id", b"1")]}
        )
        await send({"type": "http.response.body", "body": b""})
        return
    if path == "/chunked":
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/plain")],
            }
        )
        for _ in range(int(query.get("n", ["3"])[0])):
            await send({"type": "http.response.body", "body": b"x" * 1000, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
        return
    if path == "/large":
        size = int(query["bytes"][0])
        body = pattern(size)
        headers = [
            (b"content-type", b"application/octet-stream"),
            (b"content-length", str(size).encode()),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        for start in range(0, size, PIECE):
            await send(
                {
                    "type": "http.response.body",
                    "body": body[start : start + PIECE],
                    "more_body": True,
                }
            )
        await send({"type": "http.response.body", "body": b""})
        return
    seen = {
        "method": scope["method"],
        "raw_path": scope["raw_path"].decode("latin-1"),
        "query": scope["query_string"].decode("latin-1"),
        "headers": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in scope["headers"]],
        "body_length": length,
        "body_sha256": digest.hexdigest(),
    }
    body = json.dumps(seen).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"x-repeat", b"one"),
        (b"x-repeat", b"two"),
    ]
    await send({"type": "http.response.start", "status": 207, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.traffic.upstream")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    uvicorn.Server(uvicorn_config(app, port=args.port, date_header=False)).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
