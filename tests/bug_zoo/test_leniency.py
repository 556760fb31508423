"""The shared bug shapes: a wrongly accepted status reaches the server as a valid one."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bug_zoo.asgi import Rewriting
from bug_zoo.leniency import SENTINEL, status_accepted

RUN = "/beta/industryData/incomingFlows/f/runs/r"


def _exchange(body: Any) -> tuple[Any, Any]:
    """What the server received, and what the client got back, through the zoo's middleware."""
    received: list[Any] = []

    async def update(request: Request) -> JSONResponse:
        sent = await request.json()
        received.append(sent)
        return JSONResponse({"id": "r", **sent})

    server = Starlette(routes=[Route(RUN, update, methods=["PATCH"])])
    app = Rewriting(server, status_accepted(lambda status: status == SENTINEL))

    async def exchange() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://zoo") as client:
            return await client.patch(RUN, json=body)

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
