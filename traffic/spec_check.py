"""The spec's own rules on one exchange: which operation it is, and whether the request and the
response keep that operation's parameters, media types, schemas, statuses and headers.

Everything is read from `openapi.yaml` (the fuzzer's `contract()`, which reads it with the kit's
one loader) and validated with jsonschema and its format checker against the document's own
registry, as the fuzzer's checks and the server do: there is no second copy of a schema here.

A request that breaks the spec is the client's mistake, and a server that refuses it keeps the
contract; only a request that breaks the spec *and* is accepted (2xx) counts against the server.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import unquote, urlsplit

import jsonschema

from contract.refs import Pointer, registry, resolve, uri_of
from fuzzing.exchange import NOT_JSON, Exchange
from fuzzing.spec import contract

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_MEDIA_TYPE = re.compile(r"^\s*([^;\s]+)")

ACCEPTED_INVALID_REQUEST = "accepted_invalid_request"
REQUEST_BREAKS_SPEC = "request_breaks_spec"


@dataclass(frozen=True)
class Operation:
    """A documented operation: its id, its label (`METHOD /path`) and where the spec defines it."""

    operation_id: str
    method: str
    template: str
    pointer: Pointer

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.template}"


@dataclass(frozen=True)
class Breach:
    """One rule of the spec that an exchange broke; `rule` names it in the reports."""

    rule: str
    message: str


def _template_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    body = "".join(
        f"(?P<{part[1:-1]}>[^/]+)" if part.startswith("{") else re.escape(part) for part in parts
    )
    return re.compile(f"(?:{body})$")


@cache
def _paths() -> list[tuple[str, re.Pattern[str]]]:
    return [(template, _template_pattern(template)) for template in contract().document["paths"]]


def match(method: str, url: str) -> tuple[Operation | None, str | None, dict[str, str]]:
    """The operation `method url` calls, the path template it falls under, and the path values.

    The template is matched at the end of the URL's path, so the base path may be any (`/beta`
    on Graph, whatever a staging server uses). An undocumented method on a documented path gives
    the template without an operation; an undocumented path gives neither.
    """
    path = urlsplit(url).path
    for template, pattern in _paths():
        found = pattern.search(path)
        if found is None:
            continue
        values = {name: unquote(value) for name, value in found.groupdict().items()}
        item = contract().document["paths"][template]
        operation = item.get(method.lower()) if method.lower() in _METHODS else None
        if not isinstance(operation, dict):
            return None, template, values
        operation_id = str(operation.get("operationId", f"{method.upper()} {template}"))
        pointer = ("paths", template, method.lower())
        return Operation(operation_id, method.lower(), template, pointer), template, values
    return None, None, {}


def _document() -> dict[str, Any]:
    document: dict[str, Any] = contract().document
    return document


def _resolved(node: Any, pointer: Pointer) -> tuple[Any, Pointer]:
    return resolve(_document(), node, pointer, strict=True)


@cache
def _validator(pointer: Pointer) -> jsonschema.protocols.Validator:
    """A validator for the schema at `pointer`, `$ref`s followed in the spec, formats checked."""
    return jsonschema.Draft202012Validator(
        {"$ref": uri_of(pointer)},
        registry=registry(_document()),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )


def _errors(pointer: Pointer, value: Any, where: str) -> list[str]:
    return [
        f"{where}{'/' + '/'.join(map(str, error.absolute_path)) if error.absolute_path else ''}: "
        f"{error.message}"
        for error in _validator(pointer).iter_errors(value)
    ]


def _media_type(value: str | None) -> str | None:
    found = _MEDIA_TYPE.match(value or "")
    return found.group(1).lower() if found else None


def _coerced(text: str, schema: Mapping[str, Any]) -> Any:
    """A header or path value as its schema's type reads it (HTTP carries only text)."""
    kind = schema.get("type")
    if kind in ("integer", "number"):
        try:
            return int(text) if kind == "integer" else float(text)
        except ValueError:
            return text
    return text


def _parameters(operation: Operation) -> Iterator[tuple[dict[str, Any], Pointer]]:
    item_pointer = operation.pointer[:2]
    item = _document()["paths"][operation.template]
    declared = [
        *(
            (p, (*item_pointer, "parameters", str(i)))
            for i, p in enumerate(item.get("parameters", []))
        ),
        *(
            (p, (*operation.pointer, "parameters", str(i)))
            for i, p in enumerate(item[operation.method].get("parameters", []))
        ),
    ]
    for node, pointer in declared:
        parameter, at = _resolved(node, pointer)
        yield parameter, at


def request_breaches(
    operation: Operation, exchange: Exchange, path_values: Mapping[str, str]
) -> list[Breach]:
    """What in the request breaks `operation`'s parameters, security or request body."""
    problems: list[str] = []
    definition = _document()["paths"][operation.template][operation.method]
    for parameter, at in _parameters(operation):
        name, place = parameter["name"], parameter.get("in")
        schema_pointer = (*at, "schema")
        schema, _ = _resolved(parameter.get("schema", {}), schema_pointer)
        if place == "path":
            value: str | None = path_values.get(name)
        elif place == "header":
            value = exchange.request_header(name)
        else:
            continue  # the API declares no query or cookie parameters
        if value is None:
            if parameter.get("required"):
                problems.append(f"{place} parameter `{name}` is missing")
            continue
        problems += _errors(schema_pointer, _coerced(value, schema), f"{place} parameter `{name}`")
    security = definition.get("security", _document().get("security", []))
    if security and exchange.request_header("authorization") is None:
        problems.append("no `Authorization` header, and the operation requires a bearer token")
    if "requestBody" in definition:
        problems += _body_problems(
            (*operation.pointer, "requestBody"),
            definition["requestBody"],
            exchange.request_header("content-type"),
            exchange.request_body or b"",
            exchange.request_json,
            "request body",
        )
    return [Breach(REQUEST_BREAKS_SPEC, problem) for problem in problems]


def _body_problems(
    pointer: Pointer,
    node: Any,
    content_type: str | None,
    raw: bytes,
    parsed: Any,
    where: str,
) -> list[str]:
    """What breaks the `content` of a request body or response defined at `pointer`."""
    definition, at = _resolved(node, pointer)
    content = definition.get("content") or {}
    if not raw:
        return [f"{where} is missing"] if definition.get("required") else []
    media_type = _media_type(content_type)
    if media_type is None or media_type not in content:
        documented = ", ".join(content) or "no content"
        return [f"{where} is `{content_type}`, the spec documents {documented}"]
    if "json" not in media_type:
        return []
    if parsed is NOT_JSON:
        return [f"{where} is not JSON"]
    schema_pointer = (*at, "content", media_type, "schema")
    return _errors(schema_pointer, parsed, where)


def response_breaches(operation: Operation, exchange: Exchange) -> list[Breach]:
    """What in the response breaks `operation`'s statuses, headers and content."""
    responses = _document()["paths"][operation.template][operation.method].get("responses", {})
    status = str(exchange.status)
    key = status if status in responses else ("default" if "default" in responses else None)
    if key is None:
        documented = ", ".join(responses)
        return [Breach("response_status", f"status {status} is not documented ({documented})")]
    definition, at = _resolved(responses[key], (*operation.pointer, "responses", key))
    breaches = []
    for name, node in (definition.get("headers") or {}).items():
        header, header_at = _resolved(node, (*at, "headers", name))
        value = exchange.response_header(name)
        if value is None:
            if header.get("required"):
                breaches.append(Breach("response_headers", f"header `{name}` is missing"))
            continue
        schema, _ = _resolved(header.get("schema", {}), (*header_at, "schema"))
        for problem in _errors((*header_at, "schema"), _coerced(value, schema), f"header `{name}`"):
            breaches.append(Breach("response_headers", problem))
    if exchange.status == 204 or exchange.method == "HEAD":
        return breaches  # no content by definition: `no_body_on_204` judges what came anyway
    content = definition.get("content") or {}
    media_type = _media_type(exchange.response_header("content-type"))
    if content and media_type not in content:
        shown = exchange.response_header("content-type")
        breaches.append(
            Breach(
                "response_content_type",
                f"`Content-Type` is {shown!r}, the spec documents {', '.join(content)}",
            )
        )
    elif content and media_type is not None and "json" in media_type:
        parsed = exchange.response_json
        if parsed is NOT_JSON:
            breaches.append(Breach("response_schema", "the body is not JSON"))
        else:
            schema_pointer = (*at, "content", media_type, "schema")
            breaches += [
                Breach("response_schema", problem)
                for problem in _errors(schema_pointer, parsed, "body")
            ]
    return breaches


def judge(operation: Operation, exchange: Exchange, path_values: Mapping[str, str]) -> list[Breach]:
    """The spec's verdict on one exchange: response breaches, and a broken request that the
    server accepted. A broken request it refused comes back as a note (`REQUEST_BREAKS_SPEC`)."""
    breaches = response_breaches(operation, exchange)
    request = request_breaches(operation, exchange, path_values)
    if request and 200 <= exchange.status < 300:
        details = "; ".join(breach.message for breach in request)
        breaches.append(
            Breach(
                ACCEPTED_INVALID_REQUEST,
                f"answered {exchange.status} to a request the spec refuses: {details}",
            )
        )
    elif request:
        breaches += request
    return breaches


def dumps(value: Any) -> str:
    """Compact JSON for messages."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
