"""The errors API functions raise: `UnexpectedStatus` (the generator's) and `ApiError` (the kit's)."""

import json
from typing import Any

import httpx


class UnexpectedStatus(Exception):
    """Raised when the service answers a status the spec does not document and
    Client.raise_on_unexpected_status is True"""

    def __init__(self, status_code: int, content: bytes):
        self.status_code = status_code
        self.content = content

        super().__init__(
            f"Unexpected status code: {status_code}\n\nResponse content:\n{content.decode(errors='ignore')}"
        )


class ApiError(Exception):
    """Any error answer (4xx, 5xx, documented or not) when Client.raise_on_error is True.

    Carries what Graph's SDKs' `ODataError` carries: the status, the OData error's `code`,
    `message`, `target` and `details` (empty when the body is not an OData error, such as a
    gateway's HTML page, kept in `content`), and both request ids to quote in a report.
    """

    def __init__(
        self,
        status_code: int,
        *,
        code: str | None,
        message: str | None,
        target: str | None,
        details: list[dict[str, Any]],
        request_id: str | None,
        client_request_id: str | None,
        headers: httpx.Headers,
        content: bytes,
    ) -> None:
        self.status_code = status_code
        self.code = code
        self.message = message
        self.target = target
        self.details = details
        self.request_id = request_id
        self.client_request_id = client_request_id
        self.headers = headers
        self.content = content
        super().__init__(
            f"{status_code} {code or '(no OData error)'}: {message or ''} "
            f"(request-id {request_id}, client-request-id {client_request_id})"
        )

    @classmethod
    def from_response(cls, response: httpx.Response) -> "ApiError":
        """The error an answer is, read without trusting its body to be an OData error."""
        error: dict[str, Any] = {}
        try:
            body = json.loads(response.content)
        except ValueError:
            body = None
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            error = body["error"]

        def text(name: str) -> str | None:
            value = error.get(name)
            return value if isinstance(value, str) else None

        details = error.get("details")
        return cls(
            response.status_code,
            code=text("code"),
            message=text("message"),
            target=text("target"),
            details=[d for d in details if isinstance(d, dict)] if isinstance(details, list) else [],
            request_id=response.headers.get("request-id"),
            client_request_id=response.request.headers.get("client-request-id"),
            headers=response.headers,
            content=response.content,
        )


__all__ = ["ApiError", "UnexpectedStatus"]
