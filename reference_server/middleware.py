"""Pure ASGI middleware: request ids, the head and body limits, auth, rate limits, the access
log, response checks.

Pure ASGI (not `BaseHTTPMiddleware`) so that the body can be counted as it arrives and every
response, including Starlette's own 404 and 405 and the last-resort 500, passes through.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

import anyio
import anyio.to_thread
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from reference_server.auth import Authenticator, AuthError
from reference_server.conformance import ServedContract
from reference_server.connection_limits import ConnectionLimits, head_size, too_large
from reference_server.errors import internal_error, odata_error, retry_later, service_unavailable
from reference_server.handoff import within_deadline
from reference_server.ratelimit import RateLimiter, caller_key
from reference_server.storage.base import UnavailableError

access_log = logging.getLogger("reference_server.access")
log = logging.getLogger("reference_server")


class BodyTooLargeError(Exception):
    """The request body is larger than the spec allows."""


class BodyTooSlowError(Exception):
    """A read of the request body waited longer than the body read deadline."""


def header(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> str | None:
    """The first value of header `name` (lower case) among raw ASGI headers, as Starlette's
    `Headers(...).get` finds it, without building a mapping per lookup or raising `KeyError`
    for a header the request lacks (several per request, on every request)."""
    for key, value in headers:
        if key == name:
            return value.decode("latin-1")
    return None


class _RandomBytes:
    """The operating system's random bytes, read a batch at a time: `os.urandom` lets go of the
    GIL, and an event loop that does so once per request waits for it behind the storage threads
    (up to a switch interval, `app.SWITCH_INTERVAL_SECONDS`), once per batch instead. A forked
    child reads a batch of its own."""

    BATCH = 4096

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._forget()
        os.register_at_fork(after_in_child=self._forget)

    def _forget(self) -> None:
        self._batch = b""
        self._used = 0

    def take(self, size: int) -> bytes:
        with self._lock:
            if self._used + size > len(self._batch):
                self._batch = os.urandom(self.BATCH)
                self._used = 0
            start = self._used
            self._used += size
            return self._batch[start : start + size]


_random_bytes = _RandomBytes()


def new_request_id() -> str:
    """A random (version 4) UUID in its usual text form, as `str(uuid.uuid4())` writes it, for
    a fraction of its cost: the version and variant bits are set on the random bytes directly."""
    raw = bytearray(_random_bytes.take(16))
    raw[6] = (raw[6] & 0x0F) | 0x40
    raw[8] = (raw[8] & 0x3F) | 0x80
    text = raw.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def _state(scope: Scope) -> dict[str, Any]:
    state: dict[str, Any] = scope.setdefault("state", {})
    return state


class AccessLogMiddleware:
    """One line per request: client, method, path, status, duration and request-id."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0
        request_id = "-"

        async def send_logged(message: Message) -> None:
            nonlocal status, request_id
            if message["type"] == "http.response.start":
                status = message["status"]
                found = header(message["headers"], b"request-id")
                request_id = "-" if found is None else found
            await send(message)

        try:
            await self.app(scope, receive, send_logged)
        finally:
            client = scope.get("client") or ("-", 0)
            path = scope.get("raw_path", b"").decode("latin-1") or scope["path"]
            access_log.info(
                '%s:%s "%s %s HTTP/%s" %s %.1fms request-id=%s',
                client[0],
                client[1],
                scope["method"],
                path[:300],
                scope.get("http_version", "1.1"),
                status or "-",
                (time.perf_counter() - started) * 1000,
                request_id,
            )


class RequestContextMiddleware:
    """Give every request a `request-id`, echo a valid `client-request-id`, and never let an
    exception out: whatever escapes the app becomes an OData 500 (the traceback goes to the log
    only)."""

    def __init__(self, app: ASGIApp, echo_ok: Callable[[str], bool]) -> None:
        self.app = app
        self.echo_ok = echo_ok

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = new_request_id()
        client_request_id = header(scope["headers"], b"client-request-id")
        if client_request_id is not None and not self.echo_ok(client_request_id):
            client_request_id = None
        state = _state(scope)
        state["request_id"] = request_id
        state["client_request_id"] = client_request_id
        started = False
        ids = [(b"request-id", request_id.encode("latin-1"))]
        if client_request_id is not None:
            ids.append((b"client-request-id", client_request_id.encode("latin-1")))

        async def send_with_ids(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                raw: list[tuple[bytes, bytes]] = message.get("headers") or []
                if any(name in IDS for name, _ in raw):
                    headers = MutableHeaders(scope=message)
                    headers["request-id"] = request_id
                    if client_request_id is not None:
                        headers["client-request-id"] = client_request_id
                    elif "client-request-id" in headers:
                        del headers["client-request-id"]
                else:  # the usual answer, with neither: the ids go last, as above
                    message["headers"] = [*raw, *ids]
            await send(message)

        try:
            await self.app(scope, receive, send_with_ids)
        except BodyTooLargeError:
            if started:
                raise
            response = odata_error(
                scope, 413, "RequestEntityTooLarge", _too_large_message(scope), headers=CLOSE
            )
            await response(scope, receive, send_with_ids)
        except BodyTooSlowError:
            if started:
                raise
            message = "The request body did not arrive in time."
            response = odata_error(scope, 408, "RequestTimeout", message, headers=CLOSE)
            await response(scope, receive, send_with_ids)
        except ClientDisconnect:
            # The client went away before its request was read whole: nobody is left to answer.
            log.info("client disconnected before the request was read, request-id=%s", request_id)
        except Exception:
            log.exception("unhandled error, request-id=%s", request_id)
            if started:
                return
            await internal_error(scope)(scope, receive, send_with_ids)


# The headers `RequestContextMiddleware` sets on every answer.
IDS = frozenset((b"request-id", b"client-request-id"))


def _too_large_message(scope: Scope) -> str:
    limit = _state(scope).get("body_limit", 0)
    return f"The request body is larger than {limit} bytes."


class HeadLimitMiddleware:
    """431 for a request head over the size or count the limits allow. The stacks refuse such a
    head before the app sees it where they can (uvicorn, through `guard`); this holds the app to
    the same limits on a stack that lets a larger head through (granian, up to its read buffer)."""

    def __init__(self, app: ASGIApp, limits: ConnectionLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers: list[tuple[bytes, bytes]] = scope["headers"]
            target = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"") + 1
            request_line = len(scope["method"]) + 1 + target + len(" HTTP/1.1")
            why = too_large(self.limits, head_size(request_line, headers), len(headers))
            if why is not None:
                response = odata_error(
                    scope, 431, "RequestHeaderFieldsTooLarge", why, headers=CLOSE
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class BodyLimitMiddleware:
    """Refuse bodies over `limit` bytes: by `Content-Length` up front, and by counting the bytes
    as they arrive (a chunked body has no length). The check runs when the app reads the body,
    so auth, routing and Content-Type are judged first; reading raises `BodyTooLargeError`.
    With `read_timeout`, each read waits at most that many seconds for bytes, then raises
    `BodyTooSlowError`, for a stack whose HTTP layer does not time body reads itself (granian;
    uvicorn's guarded protocols do, at no cost when the body came with its head: a deadline here
    costs a timer on every read, measured as a few percent of a request)."""

    def __init__(self, app: ASGIApp, limit: int, read_timeout: float | None = None) -> None:
        self.app = app
        self.limit = limit
        self.read_timeout = read_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        _state(scope)["body_limit"] = self.limit
        declared = header(scope["headers"], b"content-length")
        received = 0
        checked = False

        async def limited_receive() -> Message:
            nonlocal received, checked
            if not checked:
                checked = True
                if (
                    declared is not None
                    and declared.strip().isdigit()
                    and int(declared) > self.limit
                ):
                    # Answered before the body is read (a client waiting for `100 Continue`
                    # sends none); the 413 closes the connection, so no unread byte is taken
                    # for a next request on it.
                    raise BodyTooLargeError
            if self.read_timeout is None:
                message = await receive()
            else:
                try:
                    with anyio.fail_after(self.read_timeout):
                        message = await receive()
                except TimeoutError:
                    raise BodyTooSlowError from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    await _drain(receive, message, DRAIN_BYTES)
                    raise BodyTooLargeError
            return message

        await self.app(scope, limited_receive, send)


# A 413 closes the connection (RFC 9110 §15.5.14): what is left of a body longer than the drain
# below would otherwise be read as the next request.
CLOSE = {"Connection": "close"}

# A body found too large while it arrives is read on (and dropped) up to this many bytes more
# before the 413 goes out: a server that closes a connection with unread bytes in it resets it,
# and the client may lose the answer (granian did, now and then). A longer body is cut off.
DRAIN_BYTES = 1 << 20


async def _drain(receive: Receive, message: Message, limit: int) -> None:
    """Read the rest of the request body, up to `limit` bytes, and drop it."""
    drained = 0
    while message.get("more_body", False) and drained < limit:
        message = await receive()
        if message["type"] != "http.request":
            return
        drained += len(message.get("body", b""))


class AuthMiddleware:
    """Every request under the API's base path needs a token with the permission; checked before
    routing, so an unauthenticated caller learns nothing about which paths exist."""

    def __init__(self, app: ASGIApp, authenticator: Authenticator, base_path: str) -> None:
        self.app = app
        self.authenticator = authenticator
        self.base_path = base_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or not (
            path == self.base_path or path.startswith(self.base_path + "/")
        ):
            await self.app(scope, receive, send)
            return
        authorization = header(scope["headers"], b"authorization")
        try:
            if self.authenticator.may_block:
                principal = await anyio.to_thread.run_sync(
                    self.authenticator.authenticate, authorization
                )
            else:
                principal = self.authenticator.authenticate(authorization)
        except AuthError as exc:
            response = odata_error(
                scope,
                exc.status,
                exc.code,
                exc.message,
                headers={"WWW-Authenticate": exc.challenge},
            )
            await response(scope, receive, send)
            return
        _state(scope)["principal"] = principal
        await self.app(scope, receive, send)


class RateLimitMiddleware:
    """429 with `Retry-After` once a caller has used up its requests; runs after auth, so it
    knows the caller, and before the app reads a body it would refuse anyway."""

    def __init__(self, app: ASGIApp, limiter: RateLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        principal = _state(scope).get("principal") if scope["type"] == "http" else None
        if principal is None:  # not under the API's base path: nothing to limit
            await self.app(scope, receive, send)
            return
        key = caller_key(principal)
        try:
            wait = await within_deadline(
                lambda: self.limiter.retry_after(key), self.limiter.buckets.deadline
            )
        except UnavailableError as exc:
            log.warning("rate-limit storage unavailable, answered 503: %s", exc.message)
            await service_unavailable(scope, exc.retry_after)(scope, receive, send)
            return
        if wait:
            response = retry_later(scope, 429, "TooManyRequests", "Too many requests.", wait)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


class ResponseValidationMiddleware:
    """Check every API response against the spec; a response that breaks it is logged loudly and
    replaced by an OData 500 `ResponseValidationFailed`, so tests and the fuzzer cannot miss it."""

    def __init__(self, app: ASGIApp, spec: ServedContract) -> None:
        self.app = app
        self.spec = spec

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        base = self.spec.base_path
        if scope["type"] != "http" or not (path == base or path.startswith(base + "/")):
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def buffer(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            else:
                await send(message)

        await self.app(scope, receive, buffer)
        if start is None:
            return
        body = b"".join(chunks)
        headers = Headers(raw=start["headers"])
        problems = self._problems(scope, start["status"], headers, body)
        if not problems:
            await send(start)
            await send({"type": "http.response.body", "body": body, "more_body": False})
            return
        log.error(
            "RESPONSE BREAKS THE SPEC: %s %s -> %s, request-id=%s: %s",
            scope["method"],
            path,
            start["status"],
            headers.get("request-id", "-"),
            "; ".join(problems),
        )
        replacement = odata_error(
            scope,
            500,
            "ResponseValidationFailed",
            f"The server's {start['status']} response breaks openapi.yaml: " + "; ".join(problems),
        )
        for name in ("request-id", "client-request-id"):
            if name in headers:
                replacement.headers[name] = headers[name]
        await replacement(scope, receive, send)

    def _problems(self, scope: Scope, status: int, headers: Headers, body: bytes) -> list[str]:
        if scope["method"] == "HEAD":
            return [] if "request-id" in headers else ["required header request-id is missing"]
        relative = scope["path"][len(self.spec.base_path) :]
        matched = self.spec.match(scope["method"], relative)
        if matched is None:
            return self.spec.check_error_response(headers, body)
        if matched.operation is None:
            return self.spec.check_unrouted_response(matched.template, status, headers, body)
        return self.spec.check_response(matched.operation, status, headers, body)
