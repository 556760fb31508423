"""A valid token without `IndustryData-InboundFlow.ReadWrite.All` may write anyway."""

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
        if response.status == 403:
            # Authenticated is taken for authorized: the permission check never ran.
            response = await call(request.with_header("authorization", f"Bearer {token}"))
        return response

    return Rewriting(app, handle)


VARIANT = Variant(
    name="no_permission_accepted",
    bug="a token without the permission may write",
    middleware=build,
)
