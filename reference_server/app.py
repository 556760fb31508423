"""`create_app(settings)`: the whole server as one ASGI app, so variants can wrap it."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import AsyncIterator
from contextlib import ExitStack, asynccontextmanager
from dataclasses import astuple

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from reference_server.auth import Authenticator
from reference_server.conformance import ServedContract
from reference_server.dataset import read_dataset
from reference_server.log_batches import flush_logs
from reference_server.middleware import (
    AccessLogMiddleware,
    AuthMiddleware,
    BodyLimitMiddleware,
    HeadLimitMiddleware,
    RateLimitMiddleware,
    RequestContextMiddleware,
    ResponseValidationMiddleware,
)
from reference_server.ratelimit import RateLimit, RateLimiter
from reference_server.routes import Documents, RunsApi, http_error
from reference_server.settings import ServerSettings
from reference_server.storage import open_store
from reference_server.storage.base import RunStore
from reference_server.storage.buckets import open_buckets
from reference_server.timeline import ENABLED as TIMELINE
from reference_server.timeline import TimelineMark, TimelineMiddleware
from reference_server.timeline import flush as flush_timeline

log = logging.getLogger("reference_server")
# How long a busy thread may keep the GIL from one that wants it (CPython's default is 5 ms):
# every request hands its storage call to a worker thread and back, and each hand-off waited up
# to that long behind a busy event loop (decision D46).
SWITCH_INTERVAL_SECONDS = 0.0005


def create_app(
    settings: ServerSettings, *, store: RunStore | None = None, unguarded_http: bool = False
) -> Starlette:
    """Load the spec, open storage (or use `store`), load the data file, and build the app.
    `unguarded_http`: the stack's HTTP layer holds no limits of its own (granian), so the app
    checks each head's size and count and times each read of a body; under uvicorn's guarded
    protocols (`guard`) that work is done below the app, once.

    Everything that can be wrong with the settings fails here, before the first request.
    """
    settings.check()
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
    spec = ServedContract.load(settings.spec_path)
    authenticator = Authenticator(settings)
    # What is opened here is closed again if a later step fails (the database is down, the data
    # file is wrong), so a failed start leaves no pool or connection behind; once the app is
    # built, its lifespan closes them.
    with ExitStack() as opened:
        if store is None:
            store = open_store(settings.effective_database_url)
            opened.callback(store.close)
        if settings.demo_data is not None:
            added = store.load(read_dataset(settings.demo_data, spec))
            log.info("data file %s: %d new records loaded", settings.demo_data.name, added)
        api = RunsApi(spec, store, settings.public_base)
        documents = Documents(spec, settings.docs_html)

        # Listed outermost first. X-Forwarded-* only from the proxies FORWARDED_ALLOW_IPS names,
        # on every stack (uvicorn's own reading is off, tooling.uvicorn_config). The access log
        # sees the final status; response checks see the request-id; the body limit applies
        # only once the app reads the body (after auth).
        middleware = []
        if settings.trusted_proxies:
            middleware.append(
                Middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
            )
        middleware.append(Middleware(AccessLogMiddleware))
        if settings.validate_responses:
            middleware.append(Middleware(ResponseValidationMiddleware, spec=spec))
        middleware += [
            Middleware(
                RequestContextMiddleware,
                echo_ok=lambda value: spec.response_header_ok("client-request-id", value),
            ),
            *([Middleware(HeadLimitMiddleware, limits=settings.limits)] if unguarded_http else []),
            Middleware(
                BodyLimitMiddleware,
                limit=spec.max_body_bytes,
                read_timeout=settings.limits.body_read_timeout if unguarded_http else None,
            ),
            *([Middleware(TimelineMark, name="auth")] if TIMELINE else []),
            Middleware(AuthMiddleware, authenticator=authenticator, base_path=spec.base_path),
        ]
        limit = RateLimit.from_settings(settings)
        limiter = None
        if limit is not None:
            limiter = RateLimiter(limit, open_buckets(settings.effective_database_url))
            opened.callback(limiter.close)
            middleware.append(Middleware(RateLimitMiddleware, limiter=limiter))
            log.info("rate limit: %g requests a minute per caller, bursts of %d", *astuple(limit))
        if TIMELINE:  # decision D45: the bench's timeline, off unless SERVER_TIMELINE is set
            middleware.insert(0, Middleware(TimelineMiddleware))
            middleware.append(Middleware(TimelineMark, name="routed"))

        def close() -> None:
            if limiter is not None:
                limiter.close()
            store.close()
            flush_timeline()
            log.info("storage closed")
            flush_logs()

        @asynccontextmanager
        async def lifespan(app: Starlette) -> AsyncIterator[None]:
            # Said once the HTTP server has started the app: from here a stop signal ends it
            # through the lifespan's end, which closes the storage.
            log.info("process %d ready", os.getpid())
            yield
            close()

        app = Starlette(
            routes=[*documents.routes(), *api.routes()],
            middleware=middleware,
            exception_handlers={HTTPException: http_error},
            lifespan=lifespan,
        )
        app.router.redirect_slashes = False  # see RunsApi.routes
        opened.pop_all()
    app.state.spec = spec
    app.state.store = store
    app.state.settings = settings
    app.state.close = close  # what the lifespan's end does, for an app that never serves
    return app
