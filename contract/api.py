"""The contract as every reader sees it: operations, where a request lands, and its schemas.

The server, the fuzzer, the traffic checker, the example validator and the bug zoo read
`openapi.yaml` through this one object, so a value, a path or a response has one verdict
whoever judges it. Before it each built its own validators (with three set-ups and two format
checkers) and found operations its own way, and they disagreed on the same value.

- `ApiContract.load(path)`: the document (the one loader, which refuses a repeated key) and its
  operations, each with its parameters, request body and responses, `$ref`s followed.
- `match` (a path below the contract's base path) and `locate` (any URL: the template is matched
  at the end of its path, so `/beta` on Graph and whatever a staging server uses both work). As
  OpenAPI says, a concrete path wins over a templated one: `.../process/runs/$ref` is Add run for
  every method, never a `{processRunId}` of `$ref`.
- `validator_for(pointer)`: the `SchemaValidator` of the schema at `pointer`, built once.
- What a request or a response breaks, as `Mismatch`es: each reader words and weighs them itself
  (the server as a 400's sentences and as a log line, the traffic checker as findings).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Final, Self
from urllib.parse import unquote, urlsplit

from jsonschema import ValidationError
from referencing import Registry

from contract.loading import load_document
from contract.refs import Pointer, UnresolvableRefError, registry, resolve
from contract.validators import SchemaValidator, build, unkeepable

HTTP_METHODS: Final = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
JSON: Final = "application/json"
_MEDIA_TYPE = re.compile(r"^\s*([^;\s]+)")

HeaderLookup = Callable[[str], "str | None"]
"""How a reader gives a header's value by its (any-case) name, or None when absent."""


def media_type(value: str | None) -> str | None:
    """The media type of a `Content-Type` value, lower-cased, without its parameters."""
    found = _MEDIA_TYPE.match(value or "")
    return found.group(1).lower() if found else None


_INTEGER = re.compile(r"-?[0-9]+")
# What a percent-decoded path value holds where its bytes were not UTF-8 (`locate` decodes with
# `surrogateescape`, so such bytes stay visible instead of becoming U+FFFD).
_NOT_UTF8 = re.compile("[\udc80-\udcff]")
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")


_DEFAULT_PORTS: Final = {"http": 80, "https": 443}

Origin = tuple[str, str, int | None]
"""Scheme, host and port of a URL, as `origin` gives them."""


def origin(url: str) -> Origin | None:
    """Scheme, host and port of `url` as URLs compare them (RFC 3986 §6.2.2, §6.2.3): scheme and
    host in any case, a scheme's default port the same as none; None for a URL without a host, with
    credentials or with a port that is not one. So every reader agrees which URLs name a service."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:  # a port that is not a number, or out of range
        return None
    if not parts.scheme or host is None or parts.username is not None or parts.password is not None:
        return None
    scheme = parts.scheme.lower()
    return scheme, host, port if port is not None else _DEFAULT_PORTS.get(scheme)


def same_base(url: str, base: str) -> bool:
    """Whether base URL `url` is `base`: the same origin (`origin`) and the same path."""
    found = origin(url)
    return (
        found is not None
        and found == origin(base)
        and urlsplit(url).path.rstrip("/") == urlsplit(base).path.rstrip("/")
    )


def _coerced(text: str, schema: Mapping[str, Any]) -> object:
    """A header or path value as its schema's type reads it (HTTP carries only text). Only the
    digits JSON writes count as a number: Python's `int()` would also take `1_0`, `+5`, ` 5`."""
    kind = schema.get("type")
    if kind == "integer" and _INTEGER.fullmatch(text):
        return int(text)
    if kind == "number" and _NUMBER.fullmatch(text):
        return float(text)
    return text


@dataclass(frozen=True)
class Mismatch:
    """One rule of the contract a request or response broke.

    `kind` says which (`parameter`, `security`, `body`, `content_type`, `status`, `header`,
    `unexpected_content`); `subject` names the parameter, header or property; `message` says
    what; `errors` are jsonschema's, for readers that word them their own way.
    """

    kind: str
    subject: str
    message: str
    errors: tuple[ValidationError, ...] = ()


@dataclass(frozen=True)
class Parameter:
    """A path, header or query parameter of an operation."""

    name: str
    location: str  # path, header, query, cookie
    required: bool
    schema: Mapping[str, Any]
    validator: SchemaValidator

    def errors(self, text: str) -> list[ValidationError]:
        """What `text` (as sent) breaks, read as the schema's type."""
        return list(self.validator.iter_errors(_coerced(text, self.schema)))


@dataclass(frozen=True)
class Content:
    """A request body or a response's content: whether it must be present, and by media type the
    validator of its schema (None for a media type whose schema is not JSON's)."""

    required: bool
    media_types: Mapping[str, SchemaValidator | None]


@dataclass(frozen=True)
class ResponseHeader:
    """A response header: whether it must be sent, and what its value may be."""

    required: bool
    schema: Mapping[str, Any]
    validator: SchemaValidator

    def errors(self, text: str) -> list[ValidationError]:
        """What `text` (as received) breaks, read as the schema's type."""
        return list(self.validator.iter_errors(_coerced(text, self.schema)))

    def accepts(self, text: str) -> bool:
        return self.validator.is_valid(_coerced(text, self.schema))


@dataclass(frozen=True)
class DocumentedResponse:
    """A documented response: its key (`204`, `4XX`, `default`), headers and content."""

    key: str
    pointer: Pointer
    headers: Mapping[str, ResponseHeader]  # lower-cased names
    content: Content | None


@dataclass(frozen=True)
class Operation:
    """A documented operation, its parts resolved and their validators built."""

    operation_id: str
    method: str  # upper case
    template: str  # the path, relative to the base path
    pointer: Pointer
    parameters: tuple[Parameter, ...]
    body: Content | None
    responses: Mapping[str, DocumentedResponse]
    secured: bool

    @property
    def label(self) -> str:
        return f"{self.method} {self.template}"

    def response_for(self, status: int) -> DocumentedResponse | None:
        """The response documented for `status`: the exact code, else its range, else `default`."""
        code = str(status)
        return (
            self.responses.get(code)
            or self.responses.get(f"{code[0]}XX")
            or self.responses.get("default")
        )

    def parameter_problems(
        self, path_values: Mapping[str, str], header: HeaderLookup
    ) -> list[Mismatch]:
        """Path parameters and headers missing or breaking their schemas (query and cookie
        parameters are not read: the API declares none)."""
        found: list[Mismatch] = []
        for parameter in self.parameters:
            if parameter.location == "path":
                value = path_values.get(parameter.name)
            elif parameter.location == "header":
                value = header(parameter.name)
            else:
                continue
            where = f"{parameter.location} parameter `{parameter.name}`"
            if value is None:
                if parameter.required:
                    found.append(Mismatch("parameter", parameter.name, f"{where} is missing"))
                continue
            if _NOT_UTF8.search(value):
                # An error of its own kind: no schema says it, every reader words it the same.
                error = ValidationError("is not UTF-8", validator="utf-8", instance=value)
                found.append(
                    Mismatch("parameter", parameter.name, f"{where} is not UTF-8", (error,))
                )
                continue
            errors = parameter.errors(value)
            if errors:
                found.append(
                    Mismatch("parameter", parameter.name, _worded(where, errors), tuple(errors))
                )
        return found

    def body_errors(self, instance: object) -> list[ValidationError]:
        """What a parsed JSON request body breaks, by place in the body."""
        validator = self.body.media_types.get(JSON) if self.body else None
        if validator is None:
            return []
        return sorted(validator.iter_errors(instance), key=lambda e: [str(p) for p in e.path])

    def request_problems(
        self,
        path_values: Mapping[str, str],
        header: HeaderLookup,
        body: bytes,
        parsed: Callable[[], object],
    ) -> list[Mismatch]:
        """Everything a request breaks: parameters, the bearer token the operation requires,
        and its body (presence, media type, schema). `parsed` gives the body as JSON, or
        raises ValueError."""
        found = self.parameter_problems(path_values, header)
        if self.secured and header("authorization") is None:
            found.append(
                Mismatch(
                    "security",
                    "Authorization",
                    "no `Authorization` header, and the operation requires a bearer token",
                )
            )
        if self.body is not None:
            found += _content_problems(
                self.body, "request body", header("content-type"), body, parsed
            )
        return found

    def response_problems(
        self,
        status: int,
        header: HeaderLookup,
        body: bytes,
        parsed: Callable[[], object],
        *,
        head: bool = False,
    ) -> list[Mismatch]:
        """Everything a response breaks: its status, its headers and its content (none for an
        answer to HEAD, which has a GET's headers and never a body)."""
        response = self.response_for(status)
        if response is None:
            documented = ", ".join(self.responses)
            return [
                Mismatch(
                    "status",
                    str(status),
                    f"status {status} is not documented for {self.operation_id} ({documented})",
                )
            ]
        return response_problems(response, header, body, parsed, head=head)


def response_problems(
    response: DocumentedResponse,
    header: HeaderLookup,
    body: bytes,
    parsed: Callable[[], object],
    *,
    head: bool = False,
) -> list[Mismatch]:
    """What an answer breaks of `response`'s headers and content."""
    found: list[Mismatch] = []
    for name, declared in response.headers.items():
        value = header(name)
        if value is None:
            if declared.required:
                found.append(Mismatch("header", name, f"required header `{name}` is missing"))
            continue
        errors = declared.errors(value)
        if errors:
            found.append(
                Mismatch("header", name, _worded(f"header `{name}`", errors), tuple(errors))
            )
    content_type = header("content-type")
    if head:
        return found
    if response.content is None:
        if body:
            found.append(
                Mismatch(
                    "unexpected_content",
                    "body",
                    f"the response must have no content, but has {len(body)} bytes",
                )
            )
        if content_type is not None:
            found.append(
                Mismatch(
                    "unexpected_content",
                    "Content-Type",
                    f"the response has no content but says `Content-Type: {content_type}`",
                )
            )
        return found
    return found + _content_problems(
        response.content, "body", content_type, body, parsed, answer=True
    )


def _content_problems(
    content: Content,
    where: str,
    content_type: str | None,
    body: bytes,
    parsed: Callable[[], object],
    *,
    answer: bool = False,
) -> list[Mismatch]:
    """What breaks a body's presence, media type and schema. An answer is judged by its media
    type first (an empty answer without `Content-Type` is a wrong media type); a request by its
    presence first (a required body that is missing)."""
    missing = [Mismatch("body", where, f"{where} is missing")]
    if not body and not (content.required and answer):
        return missing if content.required else []
    kind = media_type(content_type)
    if kind is None or kind not in content.media_types:
        documented = ", ".join(content.media_types) or "no content"
        return [
            Mismatch(
                "content_type",
                "Content-Type",
                f"{where} is `{content_type}`, the contract documents {documented}",
            )
        ]
    if not body:
        return missing
    validator = content.media_types[kind]
    if validator is None:
        return []
    try:
        instance = parsed()
    except ValueError:
        return [Mismatch("body", where, f"{where} is not JSON")]
    except RecursionError:
        return [Mismatch("body", where, f"{where} nests deeper than a JSON reader's stack")]
    problem = unkeepable(instance)
    if problem is not None:
        return [Mismatch("body", where, f"{where} has {problem}")]
    errors = sorted(validator.iter_errors(instance), key=lambda e: [str(p) for p in e.path])
    return [Mismatch("body", _place(error), _worded(where, [error]), (error,)) for error in errors]


def _place(error: ValidationError) -> str:
    return "/" + "/".join(str(part) for part in error.absolute_path)


def _worded(where: str, errors: list[ValidationError]) -> str:
    return "; ".join(
        f"{where}{_place(error) if error.absolute_path else ''}: {_clip(error.message)}"
        for error in errors
    )


def _clip(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Match:
    """Where a request lands: the path template, its path values, and the operation (None for an
    undocumented method on a documented path). `base` is what the URL has before the template."""

    template: str
    values: Mapping[str, str]
    operation: Operation | None
    base: str


@dataclass
class ApiContract:
    """The loaded contract: the document, its operations and the validators of its schemas."""

    document: dict[str, Any]
    source: Path | None = None
    registry: Registry[Any] = field(init=False, repr=False)
    _validators: dict[Pointer, SchemaValidator] = field(
        default_factory=dict, init=False, repr=False
    )
    _headers: dict[str, ResponseHeader] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self.registry = registry(self.document)

    @classmethod
    def load(cls, path: Path) -> Self:
        """Read `path` (a repeated key is a `SpecLoadError` naming its line) and build the
        operations; a `$ref` they cannot follow, or a part they cannot read, is a ValueError
        naming the file."""
        contract = cls(load_document(path), path)
        try:
            contract.operations  # noqa: B018 (built now, so a broken `$ref` shows at start-up)
        except UnresolvableRefError as error:
            raise ValueError(f"{path}: {error}") from error
        except (KeyError, TypeError, AttributeError) as error:
            # A parameter without `name`, a path item that is not a mapping: not an OpenAPI
            # document a reader can use, said as the same ValueError.
            raise ValueError(f"{path}: not a usable OpenAPI document: {error!r}") from error
        return contract

    # -- the document's facts -------------------------------------------------------------------

    @property
    def base_path(self) -> str:
        """The path of the first server's URL (`/beta`), where the operations' paths begin."""
        servers = self.document.get("servers") or [{"url": "/"}]
        return urlsplit(str(servers[0].get("url", "/"))).path.rstrip("/")

    @property
    def max_body_bytes(self) -> int:
        """The largest request body the contract allows (`info.x-max-request-body-bytes`)."""
        return int(self.document.get("info", {}).get("x-max-request-body-bytes", 65536))

    @property
    def max_head_bytes(self) -> int:
        """The largest request head a service must accept (`info.x-max-request-head-bytes`)."""
        return int(self.document.get("info", {}).get("x-max-request-head-bytes", 32768))

    @property
    def max_header_fields(self) -> int:
        """The most header fields a service must accept (`info.x-max-request-header-fields`)."""
        return int(self.document.get("info", {}).get("x-max-request-header-fields", 100))

    @property
    def idempotency_retention_seconds(self) -> int:
        """Seconds Add run keeps a key (`info.x-idempotency-key-retention-seconds`)."""
        return int(self.document.get("info", {}).get("x-idempotency-key-retention-seconds", 86400))

    def schema(self, name: str) -> dict[str, Any]:
        """`components.schemas.<name>` as written."""
        schema: dict[str, Any] = self.document["components"]["schemas"][name]
        return schema

    # -- validators -----------------------------------------------------------------------------

    def validator_for(self, location: Pointer) -> SchemaValidator:
        """The validator of the schema at `location` (a JSON pointer as a tuple), built once."""
        validator = self._validators.get(location)
        if validator is None:
            validator = build(self.document, self.registry, location)
            self._validators[location] = validator
        return validator

    def schema_validator(self, name: str) -> SchemaValidator:
        """The validator of `components.schemas.<name>`."""
        return self.validator_for(("components", "schemas", name))

    def header(self, name: str) -> ResponseHeader:
        """The response header `components.headers.<name>`, as the operations' responses read it."""
        header = self._headers.get(name)
        if header is None:
            entry = self.document["components"]["headers"][name]
            header = self._response_header(entry, ("components", "headers", name))
            self._headers[name] = header
        return header

    # -- operations -----------------------------------------------------------------------------

    @cached_property
    def operations(self) -> dict[str, Operation]:
        """The operations by `operationId`, in the document's order."""
        found: dict[str, Operation] = {}
        for template, item in self.document.get("paths", {}).items():
            for method in HTTP_METHODS:
                if isinstance(item.get(method), dict):
                    operation = self._operation(template, method, item)
                    found[operation.operation_id] = operation
        return found

    def operation(self, operation_id: str) -> Operation:
        """The operation with `operation_id`; KeyError when the contract has none."""
        return self.operations[operation_id]

    @cached_property
    def _templates(self) -> list[tuple[str, re.Pattern[str], re.Pattern[str]]]:
        """Each path with its pattern, whole (`match`) and at the end of a URL's path (`locate`),
        most concrete first; compiled once, as every request and exchange is placed by them."""
        templates = []
        for template in self.document.get("paths", {}):
            whole = _template_regex(template)
            templates.append((template, whole, re.compile(f"(?:{whole.pattern})\\Z")))
        return sorted(templates, key=lambda entry: entry[0].count("{"))

    def templates(self) -> list[str]:
        """The contract's paths, most concrete first (fewest parameters)."""
        return [template for template, _, _ in self._templates]

    def match(self, method: str | None, path: str) -> Match | None:
        """Where `method path` lands, `path` taken below the base path and already decoded (the
        server's view)."""
        for template, whole, _ in self._templates:
            found = whole.fullmatch(path)
            if found is not None:
                return self._matched(method, template, found.groupdict(), "")
        return None

    def locate(self, method: str | None, url: str) -> Match | None:
        """Where a request to `url` (absolute, or a path; percent-encoded as sent) lands, whatever
        its base path. With no `method`, the operation is the path's first, whatever is sent."""
        path = urlsplit(url).path
        for template, _, at_end in self._templates:
            found = at_end.search(path)
            if found is not None:
                values = {
                    name: unquote(value, errors="surrogateescape")
                    for name, value in found.groupdict().items()
                }
                return self._matched(method, template, values, path[: found.start()])
        return None

    def _matched(
        self, method: str | None, template: str, values: Mapping[str, str], base: str
    ) -> Match:
        wanted = None if method is None else method.upper()
        operation = next(
            (
                op
                for op in self.operations.values()
                if op.template == template and wanted in (None, op.method)
            ),
            None,
        )
        return Match(template, values, operation, base)

    # -- building -------------------------------------------------------------------------------

    def _deref(self, node: Any, pointer: Pointer) -> tuple[Any, Pointer]:
        """Follow the `$ref`s of a parameter, body, response or header to what they name."""
        return resolve(self.document, node, pointer, strict=True)

    def _operation(self, template: str, method: str, item: dict[str, Any]) -> Operation:
        raw = item[method]
        at = ("paths", template, method)
        parameters: dict[tuple[str, str], Parameter] = {}
        for where, entries in (
            (("paths", template), item.get("parameters", [])),
            (at, raw.get("parameters", [])),
        ):
            for index, entry in enumerate(entries):
                parameter = self._parameter(entry, (*where, "parameters", str(index)))
                name = parameter.name
                key = (parameter.location, name.lower() if parameter.location == "header" else name)
                parameters[key] = parameter  # an operation's own overrides its path's
        body = None
        if "requestBody" in raw:
            request_body, body_at = self._deref(raw["requestBody"], (*at, "requestBody"))
            body = self._content(request_body, body_at)
        responses = {
            str(key): self._response(str(key), entry, (*at, "responses", str(key)))
            for key, entry in raw.get("responses", {}).items()
        }
        security = raw.get("security", self.document.get("security", []))
        return Operation(
            operation_id=str(raw.get("operationId", f"{method.upper()} {template}")),
            method=method.upper(),
            template=template,
            pointer=at,
            parameters=tuple(parameters.values()),
            body=body,
            responses=responses,
            secured=bool(security) and all(requirement for requirement in security),
        )

    def _parameter(self, entry: Any, pointer: Pointer) -> Parameter:
        parameter, at = self._deref(entry, pointer)
        schema, _ = self._deref(parameter.get("schema", {}), (*at, "schema"))
        return Parameter(
            name=str(parameter["name"]),
            location=str(parameter["in"]),
            required=bool(parameter.get("required", False)),
            schema=schema,
            validator=self.validator_for((*at, "schema")),
        )

    def _content(
        self, definition: Mapping[str, Any], at: Pointer, *, required: bool | None = None
    ) -> Content:
        media_types: dict[str, SchemaValidator | None] = {}
        for kind, entry in (definition.get("content") or {}).items():
            is_json = "json" in kind.lower() and isinstance(entry, Mapping) and "schema" in entry
            media_types[kind.lower()] = (
                self.validator_for((*at, "content", kind, "schema")) if is_json else None
            )
        if required is None:
            required = bool(definition.get("required", False))
        return Content(required, media_types)

    def _response_header(self, entry: Any, pointer: Pointer) -> ResponseHeader:
        header, at = self._deref(entry, pointer)
        schema, _ = self._deref(header.get("schema", {}), (*at, "schema"))
        return ResponseHeader(
            required=bool(header.get("required", False)),
            schema=schema,
            validator=self.validator_for((*at, "schema")),
        )

    def _response(self, key: str, entry: Any, pointer: Pointer) -> DocumentedResponse:
        definition, at = self._deref(entry, pointer)
        headers: dict[str, ResponseHeader] = {}
        for name, header_entry in (definition.get("headers") or {}).items():
            headers[name.lower()] = self._response_header(header_entry, (*at, "headers", name))
        # A response that documents content has it (a request body may be optional).
        content = (
            self._content(definition, at, required=True) if definition.get("content") else None
        )
        return DocumentedResponse(key, at, headers, content)


def parsed_json(body: bytes) -> Callable[[], object]:
    """`body` as JSON, read only when a check needs it (the `parsed` of the problem finders)."""
    return lambda: json.loads(body)


def _template_regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    return re.compile(
        "".join(
            f"(?P<{part[1:-1]}>[^/]+)" if part.startswith("{") else re.escape(part)
            for part in parts
        )
    )
