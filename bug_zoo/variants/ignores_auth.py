"""A missing or invalid token is let through as if it were the dev user's."""

from __future__ import annotations

from starlette.types import ASGIApp

from bug_zoo.asgi import Call, Request, Response, Rewriting
from bug_zoo.catalog import Context, Variant
from reference_server.auth import mint_dev_token


def build(app: ASGIApp, context: Context) -> ASGIApp:
    settings = context.settings
    token = mint_dev_token(context.state_dir, issuer=settings.issuer, audience=settings.audience)

    async def handle(request: Request, call: Call) -> Response:
        response = await call(request)
        if response.status == 401:
            # A fallback identity when authentication fails, left in from local testing.
            response = await call(request.with_header("authorization", f"Bearer {token}"))
        return response

    return Rewriting(app, handle)


VARIANT = Variant(
    name="ignores_auth",
    bug="requests without a valid token are served",
    middleware=build,
)
