"""Errors carry members the spec does not name, as Graph's do: a service-specific `innerError`
with a code and a nested `innerError`, a `date` without an offset, and a null `target`.

Needs the error schemas that accept members they do not name (D18): against a spec whose error
objects are closed, `make fuzz` rightly fails it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bug_zoo.asgi import Call, Request, Response, rewriting
from bug_zoo.catalog import Variant
from bug_zoo.freedoms import members_accepted


def _graph_like(error: dict[str, Any]) -> dict[str, Any]:
    inner = dict(error.get("innerError") or {})
    date = inner.get("date")
    if isinstance(date, str):
        inner["date"] = date.removesuffix("Z")
    inner.update({"code": "serviceSpecificCode", "innerError": {"code": "nestedCode"}})
    return {**error, "target": error.get("target"), "innerError": inner}


async def handle(request: Request, call: Call) -> Response:
    response = await call(request)
    body = response.json()
    if response.status >= 400 and isinstance(body, dict) and isinstance(body.get("error"), dict):
        response = response.with_json({**body, "error": _graph_like(body["error"])})
    return response


def errors_are_open(spec: Mapping[str, Any]) -> bool:
    """Whether `spec`'s main error object takes the members this variant adds."""
    sample = {"code": "BadRequest", "message": "m", "innerError": {"date": "2026-11-24T02:00:00Z"}}
    return members_accepted(spec, "ODataMainError", _graph_like(sample))


VARIANT = Variant(
    name="open_errors",
    bug=(
        "none: errors carry members the spec does not name, a null `target`, a `date` "
        "without offset"
    ),
    middleware=rewriting(handle),
    covers=("response:OData*", "D8"),
    conforms_to=errors_are_open,
)
