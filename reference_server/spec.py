"""The loaded `openapi.yaml`, and validators built from its schemas.

Requests and responses are checked against the schemas of the document the server loaded at
start-up; no schema is copied into code (each one's validators: `checker.Checker`). The document
is read by the kit's one loader
(`contract.loading`, which refuses a repeated key) and its `$ref`s are followed by the one
resolver (`contract.refs`, a `referencing` registry). Formats are checked by one `FormatChecker`
that the fuzzer's notion of valid data agrees with (date-time as RFC 3339, uuid, uri, int32).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jsonschema import FormatChecker
from referencing import Registry
from rfc3339_validator import validate_rfc3339  # type: ignore[import-untyped]

from contract.loading import load_document
from contract.patterns import EcmaValidator
from contract.refs import Pointer, UnresolvableRefError, registry, resolve, uri_of
from reference_server.checker import Checker, compiled
from reference_server.schema_inline import NotInlinableError, inlined
from reference_server.violations import Violation, clip, finished, reason_of, short, violations_of

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())

    @checker.checks("date-time")
    def _date_time(value: object) -> bool:
        # rfc3339_validator's `$` lets a final newline through, like Python's (contract.patterns).
        return not isinstance(value, str) or (
            bool(validate_rfc3339(value)) and not value.endswith("\n")
        )

    @checker.checks("uuid", raises=ValueError)
    def _uuid(value: object) -> bool:
        if not isinstance(value, str):
            return True
        uuid.UUID(value)
        return len(value) == 36 and all(value[i] == "-" for i in (8, 13, 18, 23))

    @checker.checks("uri")
    def _uri(value: object) -> bool:
        if not isinstance(value, str):
            return True
        parts = urlsplit(value)
        return bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", parts.scheme)) and not any(
            c.isspace() for c in value
        )

    @checker.checks("int32")
    def _int32(value: object) -> bool:
        return not isinstance(value, int) or -(2**31) <= value < 2**31

    return checker


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str  # path, header, query
    required: bool
    validator: Checker


@dataclass(frozen=True)
class HeaderSpec:
    required: bool
    validator: Checker
    integer: bool  # header values are text; an integer schema is checked on the parsed value


@dataclass(frozen=True)
class ResponseSpec:
    headers: Mapping[str, HeaderSpec]
    body: Checker | None  # None: the response has no content


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str  # upper case
    path: str  # the template, relative to the base path
    regex: re.Pattern[str]
    parameters: tuple[Parameter, ...]
    body: Checker | None
    body_required: bool
    responses: Mapping[str, ResponseSpec] = field(default_factory=dict)


class Spec:
    """The document, its operations, and the checks built from it."""

    def __init__(self, document: dict[str, Any], source: Path | None = None) -> None:
        self.document = document
        self.source = source
        self._registry: Registry[Any] = registry(document)
        self._checker = _format_checker()
        info = document.get("info", {})
        self.max_body_bytes = int(info.get("x-max-request-body-bytes", 65536))
        servers = document.get("servers") or [{"url": "/"}]
        self.base_path = urlsplit(servers[0]["url"]).path.rstrip("/")
        self.operations: dict[str, Operation] = {}
        self._paths: list[tuple[re.Pattern[str], str]] = []
        for template, item in document.get("paths", {}).items():
            regex = _path_regex(template)
            self._paths.append((regex, template))
            for method in HTTP_METHODS:
                if method in item:
                    op = self._operation(template, regex, method, item)
                    self.operations[op.operation_id] = op
        self._paths.sort(key=lambda entry: entry[1].count("{"))
        self.error_body = self._validator(("components", "schemas", "ODataError"))
        self._header_validators: dict[str, Checker] = {}

    @classmethod
    def load(cls, path: Path) -> Spec:
        """Read `path` (a repeated key is a `SpecLoadError` naming its line) and build the checks.

        A `$ref` the checks cannot follow is a ValueError naming the file and the place.
        """
        document = load_document(path)
        try:
            return cls(document, path)
        except UnresolvableRefError as error:
            raise ValueError(f"{path}: {error}") from error

    # -- building -------------------------------------------------------------------------------

    def _validator(self, pointer: Pointer) -> Checker:
        # Inlined once here rather than resolved through the registry on every request.
        schema: Any
        try:
            schema = inlined(self.document, pointer)
        except NotInlinableError:
            schema = {"$ref": uri_of(pointer)}
        full = EcmaValidator(schema, registry=self._registry, format_checker=self._checker)
        return Checker(full, compiled(schema, self._checker))

    def _deref(self, node: Any, pointer: Pointer) -> tuple[Any, Pointer]:
        """Follow `$ref`s of non-schema objects (parameters, bodies, responses, headers)."""
        return resolve(self.document, node, pointer, strict=True)

    def _operation(
        self, template: str, regex: re.Pattern[str], method: str, item: dict[str, Any]
    ) -> Operation:
        raw = item[method]
        base = ("paths", template)
        params: dict[tuple[str, str], Parameter] = {}
        for where, entries in (
            (base, item.get("parameters", [])),
            ((*base, method), raw.get("parameters", [])),
        ):
            for index, entry in enumerate(entries):
                param, pointer = self._deref(entry, (*where, "parameters", str(index)))
                key = (
                    param["in"],
                    param["name"].lower() if param["in"] == "header" else param["name"],
                )
                params[key] = Parameter(
                    name=param["name"],
                    location=param["in"],
                    required=bool(param.get("required", False)),
                    validator=self._validator((*pointer, "schema")),
                )
        body = None
        body_required = False
        if "requestBody" in raw:
            request_body, pointer = self._deref(raw["requestBody"], (*base, method, "requestBody"))
            body_required = bool(request_body.get("required", False))
            if "application/json" in request_body.get("content", {}):
                body = self._validator((*pointer, "content", "application/json", "schema"))
        responses: dict[str, ResponseSpec] = {}
        for status, entry in raw.get("responses", {}).items():
            response, pointer = self._deref(entry, (*base, method, "responses", str(status)))
            headers: dict[str, HeaderSpec] = {}
            for name, header_entry in response.get("headers", {}).items():
                header, header_pointer = self._deref(header_entry, (*pointer, "headers", name))
                headers[name.lower()] = HeaderSpec(
                    required=bool(header.get("required", False)),
                    validator=self._validator((*header_pointer, "schema")),
                    integer=header.get("schema", {}).get("type") == "integer",
                )
            content = response.get("content", {})
            body_validator = (
                self._validator((*pointer, "content", "application/json", "schema"))
                if "application/json" in content
                else None
            )
            responses[str(status)] = ResponseSpec(headers=headers, body=body_validator)
        return Operation(
            operation_id=raw["operationId"],
            method=method.upper(),
            path=template,
            regex=regex,
            parameters=tuple(params.values()),
            body=body,
            body_required=body_required,
            responses=responses,
        )

    # -- matching -------------------------------------------------------------------------------

    def match(self, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
        """The operation for a method and a path below the base path, with its path parameters.

        As OpenAPI says, a concrete path wins over a templated one: `.../process/runs/$ref` is
        the Add run path for every method, never a `{processRunId}` of `$ref`.
        """
        template = self.path_template(path)
        if template is None:
            return None
        for op in self.operations.values():
            if op.path == template and op.method == method.upper():
                found = op.regex.fullmatch(path)
                if found:
                    return op, found.groupdict()
        return None

    def path_template(self, path: str) -> str | None:
        """The spec path that `path` (below the base path) falls under, concrete ones first."""
        for regex, template in self._paths:
            if regex.fullmatch(path):
                return template
        return None

    def path_templates(self) -> list[str]:
        """The spec's paths, most concrete first (fewest parameters)."""
        return [template for _, template in self._paths]

    def check_schema(self, name: str, instance: object) -> list[str]:
        """Problems of `instance` against `components/schemas/<name>`, as sentences for a log."""
        validator = self._validator(("components", "schemas", name))
        return [
            f"/{'/'.join(str(p) for p in e.absolute_path)}: {clip(e.message, 300)}"
            for e in validator.iter_errors(instance)
        ]

    def response_header_ok(self, name: str, value: str) -> bool:
        """Whether `value` fits `components/headers/<name>` (used to decide what to echo)."""
        validator = self._header_validators.get(name)
        if validator is None:
            validator = self._validator(("components", "headers", name, "schema"))
            self._header_validators[name] = validator
        return validator.is_valid(value)

    # -- requests -------------------------------------------------------------------------------

    def check_body(self, op: Operation, body: object) -> list[Violation]:
        """Every way `body` breaks the operation's request schema, most specific first."""
        if op.body is None:
            return []
        errors = sorted(op.body.iter_errors(body), key=lambda e: [str(p) for p in e.absolute_path])
        return finished([v for e in errors for v in violations_of(e, "Property", "")])

    def check_parameters(
        self, op: Operation, path_params: Mapping[str, str], headers: Mapping[str, str]
    ) -> list[Violation]:
        """Path parameters and headers that break their schemas (query is not used here)."""
        found: list[Violation] = []
        for param in op.parameters:
            if param.location == "path":
                value: str | None = path_params.get(param.name)
                subject = f"Path parameter '{param.name}'"
            elif param.location == "header":
                value = headers.get(param.name.lower())
                subject = f"Header '{param.name}'"
            else:
                continue
            if value is None:
                if param.required:
                    found.append(Violation(f"{subject} is required.", param.name))
                continue
            for error in param.validator.iter_errors(value):
                found.append(Violation(f"{subject} {reason_of(error)}.", param.name))
        return finished(found)

    # -- responses ------------------------------------------------------------------------------

    def check_response(
        self, op: Operation, status: int, headers: Mapping[str, str], body: bytes
    ) -> list[str]:
        """Every way a response of `op` breaks the spec, as sentences for a log."""
        spec = op.responses.get(str(status)) or op.responses.get(f"{str(status)[0]}XX")
        spec = spec or op.responses.get("default")
        if spec is None:
            return [f"status {status} is not documented for {op.operation_id}"]
        problems: list[str] = []
        for name, header in spec.headers.items():
            value = headers.get(name)
            if value is None:
                if header.required:
                    problems.append(f"required header {name} is missing")
                continue
            instance: object = value
            if header.integer:
                try:
                    instance = int(value)
                except ValueError:
                    problems.append(f"header {name} is not an integer: {short(value)}")
                    continue
            problems += [
                f"header {name} {reason_of(e)}" for e in header.validator.iter_errors(instance)
            ]
        problems += self._check_body(spec.body, headers, body)
        return problems

    def check_error_response(self, headers: Mapping[str, str], body: bytes) -> list[str]:
        """Checks for responses outside any operation (unknown path, method not allowed)."""
        problems = [] if "request-id" in headers else ["required header request-id is missing"]
        return problems + self._check_body(self.error_body, headers, body)

    def _check_body(
        self, validator: Checker | None, headers: Mapping[str, str], body: bytes
    ) -> list[str]:
        content_type = headers.get("content-type")
        if validator is None:
            problems = []
            if body:
                problems.append(f"the response must have no content, but has {len(body)} bytes")
            if content_type is not None:
                problems.append(
                    f"the response has no content but says Content-Type: {content_type}"
                )
            return problems
        if content_type is None or content_type.split(";")[0].strip().lower() != "application/json":
            return [f"Content-Type must be application/json, not {content_type!r}"]
        try:
            instance = json.loads(body)
        except ValueError:
            return ["the response body is not JSON"]
        errors = sorted(
            validator.iter_errors(instance), key=lambda e: [str(p) for p in e.absolute_path]
        )
        return [
            f"body at /{'/'.join(str(p) for p in e.absolute_path)}: {clip(e.message, 300)}"
            for e in errors
        ]


def _path_regex(template: str) -> re.Pattern[str]:
    pattern = ""
    for literal, name in re.findall(r"([^{]*)(?:\{([^}]+)\})?", template):
        pattern += re.escape(literal)
        if name:
            pattern += f"(?P<{name}>[^/]+)"
    return re.compile(pattern)
