"""The contract's normative rules, read from `openapi.yaml` and `docs/decisions.md`, never typed.

Each constraint the spec states becomes one rule, named where it is written: the direction
(`request` or `response`), the component schema that states it (or `parameter.<name>`), the
property path inside it, and the kind, like `request:runUpdate.displayName:nullability` or
`response:dateTimeOffsetUtc:pattern`. The kinds are the issue's: enum, pattern, format, length,
nullability, required, closed (objects that take no other member), status (one per documented
status of each operation) and header (one per response header). Each decision heading
`### D<n>. ...` is one rule more; the decisions of the "generated client" section are rules of
the client, which no server can break, and those of "how the kit is built and run" bind this
repository's own implementation; both say so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from contract.refs import Pointer, resolve
from tooling.paths import ROOT

DECISIONS_PATH = ROOT / "docs" / "decisions.md"
CLIENT_SECTION = "The generated client"
"""The section of `docs/decisions.md` whose decisions bind the client, not the server."""
KIT_SECTION = "How the kit is built and run"
"""The section whose decisions bind this repository's implementation, not any server."""
_NOT_SERVER = {
    CLIENT_SECTION: "a rule of the generated client: `tests/client/`",
    KIT_SECTION: "how this kit is built and run, not a rule for a server: its own tests",
}

_DECISION = re.compile(r"^### (D\d+)\. (.+?)\s*$")
_SECTION = re.compile(r"^## (.+?)\s*$")
_LENGTHS = (
    ("minLength", "at least {} characters"),
    ("maxLength", "at most {} characters"),
    ("minItems", "at least {} items"),
    ("maxItems", "at most {} items"),
    ("minProperties", "at least {} members"),
    ("maxProperties", "at most {} members"),
    ("x-max-depth", "nested at most {} levels"),
)
_COMBINERS = ("anyOf", "oneOf", "allOf")


@dataclass(frozen=True)
class Rule:
    """One normative rule: its id, kind (`family`), what it says, and where it is written."""

    id: str
    family: str
    text: str
    source: str
    server: bool = True
    """False for a rule no server can break: the generated client's, or the kit's own."""
    binds: str = ""
    """For a rule that is not a server's: whom it binds, and where it is tested."""


def _short(value: Any, limit: int = 60) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _allows_null(schema: Mapping[str, Any], document: Mapping[str, Any]) -> bool:
    types = schema.get("type")
    if types == "null" or (isinstance(types, list) and "null" in types):
        return True
    if "const" in schema and schema["const"] is None:
        return True
    for combiner in _COMBINERS:
        for member in schema.get(combiner, []):
            resolved, _ = resolve(document, member, (), strict=True)
            if isinstance(resolved, Mapping) and _allows_null(resolved, document):
                return True
    return False


class _SchemaWalk:
    """Walks schemas from where operations use them, one rule per constraint and owner."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self.rules: dict[str, Rule] = {}
        self._walked: set[tuple[str, str]] = set()

    def add(self, rule_id: str, family: str, text: str, source: str) -> None:
        self.rules.setdefault(rule_id, Rule(rule_id, family, text, source))

    def walk(self, node: Any, direction: str, owner: str, path: str, source: Pointer) -> None:
        if not isinstance(node, Mapping):
            return
        if isinstance(node.get("$ref"), str):
            target, pointer = resolve(self.document, node, source, strict=True)
            if pointer[:2] == ("components", "schemas") and len(pointer) == 3:
                if (direction, pointer[2]) not in self._walked:
                    self._walked.add((direction, pointer[2]))
                    self.walk(target, direction, pointer[2], "", pointer)
                return
            self.walk(target, direction, owner, path, pointer)
            return
        where = f"{owner}.{path}" if path else owner
        prefix = f"{direction}:{where}"
        origin = "openapi.yaml " + ".".join(source)
        self._constraints(node, prefix, origin)
        properties = node.get("properties", {})
        if node.get("required"):
            names = ", ".join(f"`{name}`" for name in node["required"])
            self.add(f"{prefix}:required", "required", f"always has {names}", origin)
        if node.get("additionalProperties") is False:
            named = ", ".join(f"`{name}`" for name in properties) or "none"
            extra = ""
            if node.get("patternProperties"):
                patterns = ", ".join(f"`{p}`" for p in node["patternProperties"])
                extra = f", and members whose names match {patterns}"
            self.add(f"{prefix}:closed", "closed", f"no members but {named}{extra}", origin)
        for name, schema in properties.items():
            child = f"{path}.{name}" if path else name
            resolved, _ = resolve(self.document, schema, (*source, "properties", name), strict=True)
            nullable = isinstance(resolved, Mapping) and _allows_null(resolved, self.document)
            self.add(
                f"{direction}:{owner}.{child}:nullability",
                "nullability",
                "may be `null`" if nullable else "never `null`",
                origin,
            )
            self.walk(schema, direction, owner, child, (*source, "properties", name))
        if isinstance(node.get("items"), Mapping):
            self.walk(node["items"], direction, owner, f"{path}[]", (*source, "items"))
        for combiner in _COMBINERS:
            members = node.get(combiner, [])
            if combiner != "allOf" and len(self._alternatives(members)) > 1:
                # Alternatives bind together: one rule says what any of them allows. The rules
                # of an object shape bind within it (Add run's run, or its reference), so they
                # are walked; a scalar's (an enum beside a free string) bind nothing alone.
                shown = " or ".join(self._alternatives(members))
                self.add(f"{prefix}:one-of", "enum", f"one of: {shown}", origin)
                members = [member for member in members if self._is_object(member, source)]
            for index, member in enumerate(members):
                self.walk(member, direction, owner, path, (*source, combiner, str(index)))

    def _is_object(self, member: Any, source: Pointer) -> bool:
        resolved, _ = resolve(self.document, member, source, strict=True)
        return isinstance(resolved, Mapping) and (
            resolved.get("type") == "object" or "properties" in resolved
        )

    def _alternatives(self, members: list[Any]) -> list[str]:
        """How each member of an `anyOf`/`oneOf` that is not `null` reads, in a few words."""
        shown = []
        for member in members:
            if isinstance(member, Mapping) and isinstance(member.get("$ref"), str):
                shown.append(f"`{member['$ref'].rsplit('/', 1)[-1]}`")
            elif isinstance(member, Mapping) and member.get("type") != "null":
                kinds = [
                    f"{key} `{_short(member[key], 30)}`"
                    for key in ("enum", "pattern")
                    if key in member
                ]
                shown.append(
                    f"a {member.get('type', 'value')}" + (f" ({', '.join(kinds)})" if kinds else "")
                )
        return shown

    def _constraints(self, node: Mapping[str, Any], prefix: str, origin: str) -> None:
        if "enum" in node:
            values = ", ".join(f"`{value}`" for value in node["enum"] if value is not None)
            self.add(f"{prefix}:enum", "enum", f"one of {values}", origin)
        elif "const" in node and node["const"] is not None:
            self.add(f"{prefix}:enum", "enum", f"exactly `{node['const']}`", origin)
        if "pattern" in node:
            self.add(f"{prefix}:pattern", "pattern", f"matches `{_short(node['pattern'])}`", origin)
        if "format" in node:
            self.add(f"{prefix}:format", "format", f"format `{node['format']}`", origin)
        bounds = [text.format(node[key]) for key, text in _LENGTHS if key in node]
        if bounds:
            self.add(f"{prefix}:length", "length", ", ".join(bounds), origin)


def _operations(document: Mapping[str, Any]) -> Iterator[tuple[str, str, dict[str, Any], Pointer]]:
    """(path, operation id, the operation with the path's parameters, pointer) per operation."""
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "operationId" in operation:
                merged = {
                    **operation,
                    "parameters": [*item.get("parameters", []), *operation.get("parameters", [])],
                }
                yield path, operation["operationId"], merged, ("paths", path, method)


def spec_rules(document: Mapping[str, Any]) -> list[Rule]:
    """Every constraint `document` states on what servers take and send, one rule each."""
    walk = _SchemaWalk(document)
    headers: dict[str, tuple[list[str], Any, Pointer]] = {}
    statuses: list[Rule] = []
    limit = document.get("info", {}).get("x-max-request-body-bytes")
    if limit is not None:
        walk.add(
            "body:size", "length", f"a request body of at most {limit} bytes", "openapi.yaml info"
        )
    head = document.get("info", {}).get("x-max-request-head-bytes")
    if head is not None:
        fields = document.get("info", {}).get("x-max-request-header-fields")
        text = f"a request head of up to {head} bytes" + (f", {fields} fields" if fields else "")
        walk.add("head:size", "length", text + " taken; 431 above", "openapi.yaml info")
    for _, operation_id, operation, pointer in _operations(document):
        for index, parameter in enumerate(operation["parameters"]):
            resolved, at = resolve(
                document, parameter, (*pointer, "parameters", str(index)), strict=True
            )
            schema = resolved.get("schema", {})
            owner = f"parameter.{resolved['name']}"
            walk.walk(schema, "request", owner, "", (*at, "schema"))
        body = operation.get("requestBody")
        if body is not None:
            resolved, at = resolve(document, body, (*pointer, "requestBody"), strict=True)
            for media, content in resolved.get("content", {}).items():
                walk.walk(
                    content.get("schema", {}),
                    "request",
                    operation_id,
                    "",
                    (*at, "content", media, "schema"),
                )
        for status, response in operation.get("responses", {}).items():
            resolved, at = resolve(document, response, (*pointer, "responses", status), strict=True)
            name = at[-1] if at[:2] == ("components", "responses") else f"{operation_id} {status}"
            statuses.append(
                Rule(
                    f"status:{operation_id}:{status}",
                    "status",
                    _short(resolved.get("description", "").strip().splitlines()[0], 90),
                    "openapi.yaml " + ".".join(at),
                )
            )
            for media, content in resolved.get("content", {}).items():
                walk.walk(
                    content.get("schema", {}),
                    "response",
                    operation_id,
                    "",
                    (*at, "content", media, "schema"),
                )
            for header, definition in resolved.get("headers", {}).items():
                target, header_at = resolve(
                    document, definition, (*at, "headers", header), strict=True
                )
                seen = headers.setdefault(header, ([], target, header_at))
                required = " (required)" if target.get("required") else ""
                if f"{name}{required}" not in seen[0]:
                    seen[0].append(f"{name}{required}")
    rules = list(walk.rules.values()) + statuses
    for header, (responses, definition, at) in headers.items():
        schema = definition.get("schema", {})
        shape = [
            f"{key} `{_short(schema[key], 40)}`" for key in ("format", "pattern") if key in schema
        ]
        text = f"on {', '.join(responses)}" + (f"; {', '.join(shape)}" if shape else "")
        rules.append(Rule(f"header:{header}", "header", text, "openapi.yaml " + ".".join(at)))
    return rules


def decision_rules(text: str) -> list[Rule]:
    """One rule per `### D<n>. title` heading; the client and kit sections bind no server."""
    rules = []
    section = ""
    for line in text.splitlines():
        heading = _SECTION.match(line)
        if heading:
            section = heading.group(1)
            continue
        decision = _DECISION.match(line)
        if decision:
            number, title = decision.groups()
            rules.append(
                Rule(
                    number,
                    "decision",
                    title,
                    f"docs/decisions.md {number}",
                    server=section not in _NOT_SERVER,
                    binds=_NOT_SERVER.get(section, ""),
                )
            )
    return rules


def all_rules(document: Mapping[str, Any], decisions: str) -> list[Rule]:
    """The spec's rules, then the decisions'."""
    return [*spec_rules(document), *decision_rules(decisions)]
