"""The shared bug shapes: a wrongly accepted status reaches the server as a valid one."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from bug_zoo.asgi import Request, Response, json_response
from bug_zoo.leniency import SENTINEL, status_accepted


def _patch(body: Any) -> Request:
    scope = {
        "type": "http",
        "method": "PATCH",
        "path": "/beta/industryData/incomingFlows/f/runs/r",
        "headers": [(b"content-type", b"application/json")],
    }
    return Request(scope=scope, body=json.dumps(body).encode())


def _exchange(body: Any) -> tuple[Any, Any]:
    """What the server received, and what the client got back."""
    received: list[Any] = []

    async def server(request: Request) -> Response:
        received.append(request.json())
        return json_response(200, {"id": "r", **request.json()})

    async def exchange() -> Response:
        handle = status_accepted(lambda status: status == SENTINEL)
        return await handle(_patch(body), server)

    answer = asyncio.run(exchange())
    return received[0], answer.json()


def test_a_wrongly_accepted_status_is_echoed_but_never_reaches_the_server() -> None:
    received, answer = _exchange({"displayName": "x", "status": SENTINEL})
    assert received == {"displayName": "x", "status": "running"}
    assert answer == {"id": "r", "displayName": "x", "status": SENTINEL}


def test_other_requests_pass_unchanged() -> None:
    received, answer = _exchange({"status": "failed"})
    assert received == {"status": "failed"}
    assert answer == {"id": "r", "status": "failed"}
