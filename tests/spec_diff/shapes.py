"""Finding things in the spec by shape (the PATCH body, a request-only enum, a required response
header...) rather than by name, so the edits keep working while the spec grows."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from contract.refs import resolve

Doc = dict[str, Any]
Mutation = Callable[[Doc, Doc], None]
"""Edits the base and/or the revision copy of the spec in place."""

METHODS = ("get", "put", "post", "delete", "patch")


def deref(doc: Doc, node: Any) -> Any:
    return resolve(doc, node, (), strict=True)[0]


def operations(doc: Doc) -> Iterator[tuple[str, str, Doc]]:
    for path, item in doc["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def operation(doc: Doc, method: str) -> Doc:
    return next(op for _, m, op in operations(doc) if m == method)


def body(doc: Doc, method: str) -> Doc:
    body = deref(doc, operation(doc, method)["requestBody"])
    assert isinstance(body, dict)
    return body


def body_schema(doc: Doc, method: str) -> Doc:
    """The request body's object schema (of a `oneOf`, such as Add run's, the first shape)."""
    media = next(iter(body(doc, method)["content"].values()))
    schema = deref(doc, media["schema"])
    if "oneOf" in schema:
        schema = deref(doc, schema["oneOf"][0])
    assert isinstance(schema, dict)
    return schema


def success(doc: Doc) -> Doc:
    """The first 2xx response with a body."""
    for _, _, op in operations(doc):
        for status, raw in op["responses"].items():
            response = deref(doc, raw)
            if str(status).startswith("2") and "content" in response:
                assert isinstance(response, dict)
                return response
    raise AssertionError("the spec has no 2xx response with a body")


def success_schema(doc: Doc) -> Doc:
    schema = deref(doc, next(iter(success(doc)["content"].values()))["schema"])
    assert isinstance(schema, dict)
    return schema


def children(schema: Doc) -> Iterator[Any]:
    yield from schema.get("properties", {}).values()
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            yield schema[key]
    for key in ("allOf", "anyOf", "oneOf"):
        yield from schema.get(key, [])


def walk(doc: Doc, roots: list[Doc]) -> list[Doc]:
    """Every schema reachable from the roots, each once, refs followed."""
    found: dict[int, Doc] = {}
    stack = list(reversed(roots))
    while stack:
        schema = deref(doc, stack.pop())
        if isinstance(schema, dict) and id(schema) not in found:
            found[id(schema)] = schema
            stack.extend(reversed(list(children(schema))))
    return list(found.values())


def request_roots(doc: Doc) -> list[Doc]:
    roots = []
    for _, _, op in operations(doc):
        body = deref(doc, op.get("requestBody", {}))
        roots += [media["schema"] for media in body.get("content", {}).values()]
    return roots


def response_roots(doc: Doc) -> list[Doc]:
    roots = []
    for _, _, op in operations(doc):
        for raw in op["responses"].values():
            content = deref(doc, raw).get("content", {})
            roots += [media["schema"] for media in content.values()]
    return roots


def only(doc: Doc, direction: str) -> list[Doc]:
    """Schemas that appear in requests only, or in responses only."""
    requests, responses = walk(doc, request_roots(doc)), walk(doc, response_roots(doc))
    mine, other = (requests, responses) if direction == "request" else (responses, requests)
    others = {id(schema) for schema in other}
    return [schema for schema in mine if id(schema) not in others]


def first(schemas: list[Doc], what: str, test: Callable[[Doc], bool]) -> Doc:
    for schema in schemas:
        if test(schema):
            return schema
    raise AssertionError(f"the spec has no {what}")


def string_prop(doc: Doc, schema: Doc, test: Callable[[Doc], bool] = bool) -> Doc:
    """A string property of an object schema, refs followed."""
    for raw in schema["properties"].values():
        prop = deref(doc, raw)
        if prop.get("type") == "string" and "enum" not in prop and test(prop):
            assert isinstance(prop, dict)
            return prop
    raise AssertionError("no such string property")


def nullable_member(doc: Doc, schema: Doc) -> tuple[Doc, int]:
    """An ``anyOf: [X, {type: 'null'}]`` property and the index of its null member."""
    for raw in schema["properties"].values():
        prop = deref(doc, raw)
        for index, member in enumerate(prop.get("anyOf", [])):
            if member == {"type": "null"}:
                return prop, index
    raise AssertionError("no nullable anyOf property")


def header_param(doc: Doc) -> tuple[list[Any], Doc]:
    """A header parameter and the list that declares it."""
    for item in doc["paths"].values():
        for owner in (item, *(item[m] for m in METHODS if m in item)):
            for raw in owner.get("parameters", []):
                param = deref(doc, raw)
                if param["in"] == "header":
                    return owner["parameters"], param
    raise AssertionError("the spec has no header parameter")


def required_header(doc: Doc) -> tuple[Doc, str]:
    """A success response's headers and the name of a required one."""
    for _, _, op in operations(doc):
        for status, raw in op["responses"].items():
            headers = deref(doc, raw).get("headers", {})
            for name, header in headers.items():
                if str(status).startswith("2") and deref(doc, header).get("required"):
                    return headers, name
    raise AssertionError("the spec has no required success header")


def scheme(doc: Doc) -> tuple[str, list[str]]:
    requirement = doc["security"][0]
    name = next(iter(requirement))
    return name, list(requirement[name])


def retries(base: Doc, rev: Doc, old: Doc, new: Doc) -> None:
    """An integer property ``retries`` in the PATCH body, with ``old`` and ``new`` bounds."""
    body_schema(base, "patch")["properties"]["retries"] = {"type": "integer", **old}
    body_schema(rev, "patch")["properties"]["retries"] = {"type": "integer", **new}


def open_request_object(doc: Doc) -> Doc:
    schemas = walk(doc, request_roots(doc))
    return first(schemas, "open request object", lambda s: s.get("additionalProperties") is True)


def closed_request_only_object(doc: Doc) -> Doc:
    schemas = only(doc, "request")
    return first(schemas, "closed object", lambda s: s.get("additionalProperties") is False)


def request_only_min_properties(doc: Doc) -> Doc:
    schemas = only(doc, "request")
    return first(schemas, "request-only minProperties", lambda s: "minProperties" in s)
