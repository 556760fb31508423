"""Graph OData error responses: the one shape every error of this server takes.

`{"error": {"code", "message", "target"?, "details"?, "innerError": {"request-id", "date",
"client-request-id"?}}}`. Messages are written for callers; nothing from a stack trace, a file
path or a library's internals ever goes into one.
"""

from __future__ import annotations

import http
import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from email.utils import formatdate
from typing import Any

from starlette.types import Scope

from reference_server.json_answer import JsonAnswer
from reference_server.violations import Violation

MAX_DETAILS = 64


def request_ids(scope: Scope) -> tuple[str | None, str | None]:
    """The `request-id` given to this request and the caller's valid `client-request-id`."""
    state = scope.get("state") or {}
    return state.get("request_id"), state.get("client_request_id")


def error_body(
    scope: Scope,
    code: str,
    message: str,
    *,
    target: str | None = None,
    details: Sequence[Violation] = (),
) -> dict[str, Any]:
    request_id, client_request_id = request_ids(scope)
    inner: dict[str, str] = {"date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    if request_id:
        inner["request-id"] = request_id
    if client_request_id:
        inner["client-request-id"] = client_request_id
    error: dict[str, Any] = {"code": code, "message": message[:4096]}
    if target is not None:
        error["target"] = target[:1024]
    if details:
        error["details"] = [
            {"code": code, "message": d.message, **({"target": d.target} if d.target else {})}
            for d in details[:MAX_DETAILS]
        ]
    error["innerError"] = inner
    return {"error": error}


def odata_error(
    scope: Scope,
    status: int,
    code: str,
    message: str,
    *,
    target: str | None = None,
    details: Sequence[Violation] = (),
    headers: Mapping[str, str] | None = None,
) -> JsonAnswer:
    """An error response; `scope` supplies the request ids for `innerError`."""
    return JsonAnswer(
        error_body(scope, code, message, target=target, details=details),
        status_code=status,
        headers=dict(headers or {}),
    )


def bad_request(scope: Scope, violations: Sequence[Violation]) -> JsonAnswer:
    """400 naming the first problem, with every problem in `details`."""
    first = violations[0]
    message = first.message
    if len(violations) > 1:
        message += f" ({len(violations) - 1} more in details)"
    return odata_error(scope, 400, "BadRequest", message, target=first.target, details=violations)


def internal_error(scope: Scope) -> JsonAnswer:
    return odata_error(
        scope,
        500,
        "InternalServerError",
        "An unexpected error occurred. Quote the request-id when reporting it.",
    )


def retry_later(scope: Scope, status: int, code: str, message: str, seconds: int) -> JsonAnswer:
    """429 or 503: `Retry-After` in whole seconds (at least 1), and the wait in the message."""
    seconds = max(1, min(int(seconds), 86400))
    unit = "second" if seconds == 1 else "seconds"
    return odata_error(
        scope,
        status,
        code,
        f"{message} Retry after {seconds} {unit}.",
        headers={"Retry-After": str(seconds)},
    )


def service_unavailable(scope: Scope, seconds: int) -> JsonAnswer:
    """503: the storage cannot serve the request now; nothing was changed that was confirmed."""
    return retry_later(
        scope, 503, "ServiceUnavailable", "The service is temporarily unavailable.", seconds
    )


def http_layer_error(
    status: int, code: str, message: str, headers: Mapping[str, str] | None = None
) -> tuple[str, bytes]:
    """A whole HTTP/1.1 error answer written below the app, where a request head was refused
    before there was a request (431, a malformed request, too many connections): the same OData
    body and `request-id` as the app's own errors, then the connection closes. `headers` add to
    it (a `client-request-id` to echo, `Retry-After`). Returns the request-id and the bytes."""
    request_id = str(uuid.uuid4())
    ids = {"request_id": request_id, "client_request_id": (headers or {}).get("client-request-id")}
    body = json.dumps(error_body({"state": ids}, code, message), separators=(",", ":")).encode()
    lines = [
        f"HTTP/1.1 {status} {http.HTTPStatus(status).phrase}",
        f"date: {formatdate(usegmt=True)}",
        "content-type: application/json",
        f"content-length: {len(body)}",
        f"request-id: {request_id}",
        "connection: close",
        *(f"{name}: {value}" for name, value in (headers or {}).items()),
    ]
    return request_id, ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
