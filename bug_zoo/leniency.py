"""Servers that take what the contract refuses, in the shapes several variants share.

Variants that differ only in what they let through (no valid token, or no permission; a status
outside the enum, or the sentinel) build their bug from one helper here, with that as its
parameter.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp

from bug_zoo.asgi import Call, Handler, Request, Response, Rewriting, is_json_write
from bug_zoo.catalog import Context
from tooling.reference import mint_token

SENTINEL = "unknownFutureValue"
"""The evolvable-enum sentinel: a status a response may carry and a request may not."""


def served_as_dev_user(refusal: int) -> Callable[[ASGIApp, Context], ASGIApp]:
    """A middleware that sends a request the server answered `refusal` again as the dev user.

    The dev user's token has the permission, so the second answer is what an authorized caller
    would get.
    """

    def build(app: ASGIApp, context: Context) -> ASGIApp:
        # Minted by the server's own token command, as a user would: the zoo wraps the server's
        # app, storage and settings, never its auth.
        token = mint_token(context.state_dir)

        async def handle(request: Request, call: Call) -> Response:
            response = await call(request)
            if response.status == refusal:
                response = await call(request.with_header("authorization", f"Bearer {token}"))
            return response

        return Rewriting(app, handle)

    return build


def status_accepted(wrongly_accepted: Callable[[str], bool]) -> Handler:
    """A handler that takes a `status` for which `wrongly_accepted` is true, and echoes it."""

    async def handle(request: Request, call: Call) -> Response:
        body = request.json()
        status = body.get("status") if isinstance(body, dict) and is_json_write(request) else None
        if not isinstance(status, str) or not wrongly_accepted(status):
            return await call(request)
        # The real server would refuse the value; pass a valid one and answer with the one sent.
        response = await call(request.with_json({**body, "status": "running"}))
        run = response.json()
        if response.status == 200 and isinstance(run, dict):
            response = response.with_json({**run, "status": status})
        return response

    return handle
