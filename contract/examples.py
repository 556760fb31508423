"""Validate every example in the spec against its schema, with the contract core's validators.

Redocly checks media type examples only; parameter, header and schema examples go unchecked
there, and a wrong example misleads readers of the docs and seeds the fuzzer with bad data.
Each schema is reached by its JSON pointer and judged by `contract.api`'s validator for that
place: the one format checker and ECMA-262 patterns, so an example passes here exactly when the
server and the fuzzer would accept the same value.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from jsonschema.exceptions import ValidationError, best_match

from contract.api import ApiContract
from contract.refs import Pointer, render_pointer, resolve
from contract.rules import HTTP_METHODS, Problem, iter_subschemas


@dataclass(frozen=True)
class Example:
    """One example value and the schema it must match."""

    value: Any
    value_at: Pointer
    schema_at: Pointer


@dataclass
class ExampleReport:
    """How many examples were checked, and what was wrong with them."""

    checked: int = 0
    problems: list[Problem] = field(default_factory=list)


def check_examples(spec: Mapping[str, Any]) -> ExampleReport:
    """Validate each example of a parameter, header, media type or schema against its schema."""
    contract = ApiContract(dict(spec))
    report = ExampleReport()
    for example in iter_examples(spec):
        report.checked += 1
        validator = contract.validator_for(example.schema_at)
        errors = [e for error in validator.iter_errors(example.value) for e in _closest(error)]
        errors.sort(key=lambda e: list(e.path))
        report.problems.extend(_problem(example, error) for error in errors)
    return report


def _closest(error: ValidationError) -> list[ValidationError]:
    """An object that fits none of a `oneOf`'s shapes (Add run's body: a run or a reference), as
    the errors of the shape it comes closest to: the one with the fewest that takes an object."""
    if error.validator != "oneOf" or not error.context or not isinstance(error.instance, dict):
        return [error]
    branches: dict[object, list[ValidationError]] = {}
    for inner in error.context:
        branches.setdefault(inner.relative_schema_path[0], []).append(inner)
    objects = [
        found
        for found in branches.values()
        if not any(e.validator == "type" and not e.relative_path for e in found)
    ]
    if not objects:
        return [error]
    return [e for inner in min(objects, key=len) for e in _closest(inner)]


def _problem(example: Example, error: ValidationError) -> Problem:
    detail = error.message
    if error.context:
        # A branch of another type (say `null`) says least about what the value got wrong.
        same_type = [branch for branch in error.context if branch.validator != "type"]
        detail += f" (closest: {best_match(same_type or error.context).message})"
    inside = tuple(str(part) for part in error.absolute_path)
    return Problem(
        (*example.value_at, *inside),
        f"the example does not match its schema {render_pointer(example.schema_at)}: {detail}",
    )


def iter_examples(spec: Mapping[str, Any]) -> Iterator[Example]:
    """Every example in the spec, each where it is written (referenced ones once)."""
    walker = _Walker(spec)
    walker.components()
    paths = spec.get("paths")
    for template, item in paths.items() if isinstance(paths, Mapping) else ():
        walker.path_item(item, ("paths", str(template)))
    webhooks = spec.get("webhooks")
    for name, item in webhooks.items() if isinstance(webhooks, Mapping) else ():
        walker.path_item(item, ("webhooks", str(name)))
    yield from walker.found


class _Walker:
    """Finds examples by the structure of an OpenAPI 3.1 document, not by key names alone
    (a schema may well have a property called `example`)."""

    def __init__(self, spec: Mapping[str, Any]) -> None:
        self.spec = spec
        self.found: list[Example] = []
        self.schemas_seen: set[Pointer] = set()

    def components(self) -> None:
        components = self.spec.get("components")
        if not isinstance(components, Mapping):
            return
        sections = {
            "schemas": self.schema,
            "parameters": self.parameter_or_header,
            "headers": self.parameter_or_header,
            "requestBodies": self.request_body,
            "responses": self.response,
            "pathItems": self.path_item,
        }
        for section, visit in sections.items():
            members = components.get(section)
            for name, node in members.items() if isinstance(members, Mapping) else ():
                visit(node, ("components", section, str(name)))

    def path_item(self, node: Any, at: Pointer) -> None:
        if not isinstance(node, Mapping) or "$ref" in node:
            return
        self.parameters(node.get("parameters"), (*at, "parameters"))
        for method in HTTP_METHODS:
            operation = node.get(method)
            if isinstance(operation, Mapping):
                self.operation(operation, (*at, method))

    def operation(self, node: Mapping[str, Any], at: Pointer) -> None:
        self.parameters(node.get("parameters"), (*at, "parameters"))
        self.request_body(node.get("requestBody"), (*at, "requestBody"))
        responses = node.get("responses")
        for status, response in responses.items() if isinstance(responses, Mapping) else ():
            self.response(response, (*at, "responses", str(status)))
        callbacks = node.get("callbacks")
        for name, callback in callbacks.items() if isinstance(callbacks, Mapping) else ():
            if isinstance(callback, Mapping) and "$ref" not in callback:
                for expression, item in callback.items():
                    self.path_item(item, (*at, "callbacks", str(name), str(expression)))

    def parameters(self, nodes: Any, at: Pointer) -> None:
        for index, node in enumerate(nodes if isinstance(nodes, list) else ()):
            self.parameter_or_header(node, (*at, str(index)))

    def parameter_or_header(self, node: Any, at: Pointer) -> None:
        if not isinstance(node, Mapping) or "$ref" in node:
            return  # checked where it is defined
        if "schema" in node:
            self.schema(node["schema"], (*at, "schema"))
            self.examples_of(node, at, (*at, "schema"))
        self.content(node.get("content"), (*at, "content"))

    def request_body(self, node: Any, at: Pointer) -> None:
        if isinstance(node, Mapping) and "$ref" not in node:
            self.content(node.get("content"), (*at, "content"))

    def response(self, node: Any, at: Pointer) -> None:
        if not isinstance(node, Mapping) or "$ref" in node:
            return
        headers = node.get("headers")
        for name, header in headers.items() if isinstance(headers, Mapping) else ():
            self.parameter_or_header(header, (*at, "headers", str(name)))
        self.content(node.get("content"), (*at, "content"))

    def content(self, node: Any, at: Pointer) -> None:
        for media_type, media in node.items() if isinstance(node, Mapping) else ():
            media_at = (*at, str(media_type))
            if isinstance(media, Mapping) and "schema" in media:
                self.schema(media["schema"], (*media_at, "schema"))
                self.examples_of(media, media_at, (*media_at, "schema"))

    def examples_of(self, node: Mapping[str, Any], at: Pointer, schema_at: Pointer) -> None:
        """`example`, and each Example object of `examples`, of a parameter, header, media type."""
        if "example" in node:
            self.found.append(Example(node["example"], (*at, "example"), schema_at))
        examples = node.get("examples")
        for name, raw in examples.items() if isinstance(examples, Mapping) else ():
            example, example_at = resolve(self.spec, raw, (*at, "examples", str(name)))
            if isinstance(example, Mapping) and "value" in example:
                # A shared example under components/examples is reported where it is written.
                self.found.append(Example(example["value"], (*example_at, "value"), schema_at))

    def schema(self, node: Any, at: Pointer) -> None:
        """`example` and `examples` of this schema and each schema inside it (not via `$ref`)."""
        for schema, schema_at in iter_subschemas(self.spec, node, at):
            if schema_at[: len(at)] != at or schema_at in self.schemas_seen:
                continue  # a referenced schema is visited where it is defined
            self.schemas_seen.add(schema_at)
            if "example" in schema:
                self.found.append(Example(schema["example"], (*schema_at, "example"), schema_at))
            examples = schema.get("examples")
            for index, value in enumerate(examples if isinstance(examples, list) else ()):
                self.found.append(Example(value, (*schema_at, "examples", str(index)), schema_at))
