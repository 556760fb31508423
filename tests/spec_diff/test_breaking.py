"""The breaking-change gate: each rule is shown to fire on a small edit of the real openapi.yaml.

Edits find their target by shape (the PATCH body, a request-only enum, a required response
header...) rather than by name, so the tests keep working while the spec grows.
"""

from __future__ import annotations

import copy
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from spec_diff import BREAKING, NON_BREAKING, Change, diff_specs
from spec_diff.gate import major_version
from tooling.paths import ROOT

SPEC_PATH = ROOT / "openapi.yaml"

Doc = dict[str, Any]
Mutation = Callable[[Doc, Doc], None]
"""Edits the base and/or the revision copy of the spec in place."""

METHODS = ("get", "put", "post", "delete", "patch")


@pytest.fixture(scope="module")
def spec() -> Doc:
    loaded = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


# --- finding things in the spec by shape --------------------------------------------------------


def _at(doc: Doc, ref: str) -> Any:
    node: Any = doc
    for token in ref.removeprefix("#/").split("/"):
        node = node[token.replace("~1", "/").replace("~0", "~")]
    return node


def _deref(doc: Doc, node: Any) -> Any:
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        node = _at(doc, node["$ref"])
    return node


def _operations(doc: Doc) -> Iterator[tuple[str, str, Doc]]:
    for path, item in doc["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def _operation(doc: Doc, method: str) -> Doc:
    return next(op for _, m, op in _operations(doc) if m == method)


def _body(doc: Doc, method: str) -> Doc:
    body = _deref(doc, _operation(doc, method)["requestBody"])
    assert isinstance(body, dict)
    return body


def _body_schema(doc: Doc, method: str) -> Doc:
    media = next(iter(_body(doc, method)["content"].values()))
    schema = _deref(doc, media["schema"])
    assert isinstance(schema, dict)
    return schema


def _success(doc: Doc) -> Doc:
    """The first 2xx response with a body."""
    for _, _, op in _operations(doc):
        for status, raw in op["responses"].items():
            response = _deref(doc, raw)
            if str(status).startswith("2") and "content" in response:
                assert isinstance(response, dict)
                return response
    raise AssertionError("the spec has no 2xx response with a body")


def _success_schema(doc: Doc) -> Doc:
    schema = _deref(doc, next(iter(_success(doc)["content"].values()))["schema"])
    assert isinstance(schema, dict)
    return schema


def _children(schema: Doc) -> Iterator[Any]:
    yield from schema.get("properties", {}).values()
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            yield schema[key]
    for key in ("allOf", "anyOf", "oneOf"):
        yield from schema.get(key, [])


def _walk(doc: Doc, roots: list[Doc]) -> list[Doc]:
    """Every schema reachable from the roots, each once, refs followed."""
    found: dict[int, Doc] = {}
    stack = list(reversed(roots))
    while stack:
        schema = _deref(doc, stack.pop())
        if isinstance(schema, dict) and id(schema) not in found:
            found[id(schema)] = schema
            stack.extend(reversed(list(_children(schema))))
    return list(found.values())


def _request_roots(doc: Doc) -> list[Doc]:
    roots = []
    for _, _, op in _operations(doc):
        body = _deref(doc, op.get("requestBody", {}))
        roots += [media["schema"] for media in body.get("content", {}).values()]
    return roots


def _response_roots(doc: Doc) -> list[Doc]:
    roots = []
    for _, _, op in _operations(doc):
        for raw in op["responses"].values():
            content = _deref(doc, raw).get("content", {})
            roots += [media["schema"] for media in content.values()]
    return roots


def _only(doc: Doc, direction: str) -> list[Doc]:
    """Schemas that appear in requests only, or in responses only."""
    requests, responses = _walk(doc, _request_roots(doc)), _walk(doc, _response_roots(doc))
    mine, other = (requests, responses) if direction == "request" else (responses, requests)
    others = {id(schema) for schema in other}
    return [schema for schema in mine if id(schema) not in others]


def _first(schemas: list[Doc], what: str, test: Callable[[Doc], bool]) -> Doc:
    for schema in schemas:
        if test(schema):
            return schema
    raise AssertionError(f"the spec has no {what}")


def _string_prop(doc: Doc, schema: Doc, test: Callable[[Doc], bool] = bool) -> Doc:
    """A string property of an object schema, refs followed."""
    for raw in schema["properties"].values():
        prop = _deref(doc, raw)
        if prop.get("type") == "string" and "enum" not in prop and test(prop):
            assert isinstance(prop, dict)
            return prop
    raise AssertionError("no such string property")


def _nullable_member(doc: Doc, schema: Doc) -> tuple[Doc, int]:
    """An ``anyOf: [X, {type: 'null'}]`` property and the index of its null member."""
    for raw in schema["properties"].values():
        prop = _deref(doc, raw)
        for index, member in enumerate(prop.get("anyOf", [])):
            if member == {"type": "null"}:
                return prop, index
    raise AssertionError("no nullable anyOf property")


def _header_param(doc: Doc) -> tuple[list[Any], Doc]:
    """A header parameter and the list that declares it."""
    for item in doc["paths"].values():
        for owner in (item, *(item[m] for m in METHODS if m in item)):
            for raw in owner.get("parameters", []):
                param = _deref(doc, raw)
                if param["in"] == "header":
                    return owner["parameters"], param
    raise AssertionError("the spec has no header parameter")


def _required_header(doc: Doc) -> tuple[Doc, str]:
    """A success response's headers and the name of a required one."""
    for _, _, op in _operations(doc):
        for status, raw in op["responses"].items():
            headers = _deref(doc, raw).get("headers", {})
            for name, header in headers.items():
                if str(status).startswith("2") and _deref(doc, header).get("required"):
                    return headers, name
    raise AssertionError("the spec has no required success header")


def _scheme(doc: Doc) -> tuple[str, list[str]]:
    requirement = doc["security"][0]
    name = next(iter(requirement))
    return name, list(requirement[name])


# --- the edits ----------------------------------------------------------------------------------


def remove_request_enum_value(base: Doc, rev: Doc) -> None:
    _first(_walk(rev, _request_roots(rev)), "request enum", lambda s: len(s.get("enum", [])) > 1)[
        "enum"
    ].pop()


def add_required_property_to_add_run(base: Doc, rev: Doc) -> None:
    schema = _body_schema(rev, "post")
    schema["properties"]["sourceSystem"] = {"type": "string"}
    schema.setdefault("required", []).append("sourceSystem")


def remove_200_response(base: Doc, rev: Doc) -> None:
    next(op for _, _, op in _operations(rev) if "200" in op["responses"])["responses"].pop("200")


def make_response_property_optional(base: Doc, rev: Doc) -> None:
    _success_schema(rev)["required"].pop()


def make_response_property_nullable(base: Doc, rev: Doc) -> None:
    _string_prop(rev, _success_schema(rev))["type"] = ["string", "null"]


def lower_request_max_length(base: Doc, rev: Doc) -> None:
    prop = _string_prop(rev, _body_schema(rev, "patch"), lambda p: "maxLength" in p)
    prop["maxLength"] -= 1


def add_request_pattern(base: Doc, rev: Doc) -> None:
    _string_prop(rev, _body_schema(rev, "patch"), lambda p: "pattern" not in p)["pattern"] = "^a"


def change_request_pattern(base: Doc, rev: Doc) -> None:
    _string_prop(rev, _body_schema(rev, "patch"), lambda p: "pattern" in p)["pattern"] = "^a"


def change_request_type(base: Doc, rev: Doc) -> None:
    _string_prop(rev, _body_schema(rev, "patch"))["type"] = "integer"


def change_response_type(base: Doc, rev: Doc) -> None:
    _string_prop(rev, _success_schema(rev))["type"] = "integer"


def add_global_scope(base: Doc, rev: Doc) -> None:
    name, _ = _scheme(rev)
    rev["security"][0][name].append("IndustryData-Extra.All")


def add_operation_scope(base: Doc, rev: Doc) -> None:
    name, scopes = _scheme(rev)
    _operation(rev, "patch")["security"] = [{name: [*scopes, "IndustryData-Extra.All"]}]


def remove_operation(base: Doc, rev: Doc) -> None:
    path = next(path for path, method, _ in _operations(rev) if method == "patch")
    del rev["paths"][path]["patch"]


def remove_path(base: Doc, rev: Doc) -> None:
    rev["paths"].pop(next(iter(rev["paths"])))


def remove_header_parameter(base: Doc, rev: Doc) -> None:
    owner, param = _header_param(rev)
    owner[:] = [raw for raw in owner if _deref(rev, raw) is not param]


def add_required_query_parameter(base: Doc, rev: Doc) -> None:
    param = {"name": "mode", "in": "query", "required": True, "schema": {"type": "string"}}
    _operation(rev, "patch").setdefault("parameters", []).append(param)


def make_request_body_required(base: Doc, rev: Doc) -> None:
    _body(base, "post")["required"] = False
    _body(rev, "post")["required"] = True


def make_request_property_required(base: Doc, rev: Doc) -> None:
    schema = _body_schema(rev, "patch")
    optional = [name for name in schema["properties"] if name not in schema.get("required", [])]
    schema.setdefault("required", []).append(optional[0])


def make_request_property_not_nullable(base: Doc, rev: Doc) -> None:
    prop, index = _nullable_member(rev, _body_schema(rev, "patch"))
    del prop["anyOf"][index]


def rename_request_media_type(base: Doc, rev: Doc) -> None:
    content = _body(rev, "patch")["content"]
    content["application/merge-patch+json"] = content.pop(next(iter(content)))


def rename_response_media_type(base: Doc, rev: Doc) -> None:
    content = _success(rev)["content"]
    content["application/xml"] = content.pop(next(iter(content)))


def remove_required_response_header(base: Doc, rev: Doc) -> None:
    headers, name = _required_header(rev)
    del headers[name]


def make_response_header_optional(base: Doc, rev: Doc) -> None:
    headers, name = _required_header(rev)
    headers[name] = {**_deref(rev, headers[name]), "required": False}


def add_response_enum_value(base: Doc, rev: Doc) -> None:
    _first(_only(rev, "response"), "response-only enum", lambda s: "enum" in s)["enum"].append(
        "paused"
    )


def remove_required_response_property(base: Doc, rev: Doc) -> None:
    schema = _success_schema(rev)
    name = schema["required"].pop()
    del schema["properties"][name]


def remove_optional_response_property(base: Doc, rev: Doc) -> None:
    schema = _first(
        _walk(rev, _response_roots(rev)),
        "optional response property",
        lambda s: bool(set(s.get("properties", {})) - set(s.get("required", []))),
    )
    optional = set(schema["properties"]) - set(schema.get("required", []))
    del schema["properties"][sorted(optional)[0]]


def raise_request_min_length(base: Doc, rev: Doc) -> None:
    _string_prop(rev, _body_schema(rev, "patch"))["minLength"] = 1000


def _retries(base: Doc, rev: Doc, old: Doc, new: Doc) -> None:
    """An integer property ``retries`` in the PATCH body, with ``old`` and ``new`` bounds."""
    _body_schema(base, "patch")["properties"]["retries"] = {"type": "integer", **old}
    _body_schema(rev, "patch")["properties"]["retries"] = {"type": "integer", **new}


def lower_request_maximum(base: Doc, rev: Doc) -> None:
    _retries(base, rev, {"maximum": 10}, {"maximum": 5})


def lower_parameter_max_length(base: Doc, rev: Doc) -> None:
    _, param = _header_param(rev)
    _deref(rev, param["schema"])["maxLength"] = 8


def make_parameter_required(base: Doc, rev: Doc) -> None:
    _, param = _header_param(rev)
    param["required"] = True


def remove_request_property(base: Doc, rev: Doc) -> None:
    schema = _body_schema(rev, "patch")
    optional = [name for name in schema["properties"] if name not in schema.get("required", [])]
    del schema["properties"][optional[-1]]


def remove_request_body(base: Doc, rev: Doc) -> None:
    del _operation(rev, "post")["requestBody"]


def restrict_request_property_to_enum(base: Doc, rev: Doc) -> None:
    _string_prop(rev, _body_schema(rev, "patch"))["enum"] = ["a", "b"]


def lower_nested_array_item_max_length(base: Doc, rev: Doc) -> None:
    """Reached through a nullable anyOf, a nullable array and its items."""
    array = _first(_walk(rev, _request_roots(rev)), "request array", lambda s: "items" in s)
    item = _deref(rev, array["items"])
    props = [_deref(rev, raw) for raw in item["properties"].values()]
    _first(props, "item property with maxLength", lambda p: "maxLength" in p)["maxLength"] = 1


def raise_response_max_length(base: Doc, rev: Doc) -> None:
    _string_prop(rev, _success_schema(rev), lambda p: "maxLength" in p)["maxLength"] += 1


def remove_security_alternative(base: Doc, rev: Doc) -> None:
    """The operation took either of two credentials; the revision takes only one."""
    name, scopes = _scheme(rev)
    _operation(base, "patch")["security"] = [{name: scopes}, {"legacyKey": []}]
    _operation(rev, "patch")["security"] = [{name: list(scopes)}]


def remove_global_security_alternative(base: Doc, rev: Doc) -> None:
    base["security"].append({"legacyKey": []})


def add_security_to_open_operation(base: Doc, rev: Doc) -> None:
    """An operation anyone could call (``security: []``) now inherits the global requirement."""
    _operation(base, "patch")["security"] = []


def _open_request_object(doc: Doc) -> Doc:
    schemas = _walk(doc, _request_roots(doc))
    return _first(schemas, "open request object", lambda s: s.get("additionalProperties") is True)


def _closed_request_only_object(doc: Doc) -> Doc:
    schemas = _only(doc, "request")
    return _first(schemas, "closed object", lambda s: s.get("additionalProperties") is False)


def close_request_object(base: Doc, rev: Doc) -> None:
    _open_request_object(rev)["additionalProperties"] = False


def close_request_body(base: Doc, rev: Doc) -> None:
    """No ``additionalProperties`` before (any property allowed), ``false`` now."""
    del _closed_request_only_object(base)["additionalProperties"]


def add_request_const(base: Doc, rev: Doc) -> None:
    _string_prop(rev, _body_schema(rev, "patch"))["const"] = "fixed"


def change_response_const(base: Doc, rev: Doc) -> None:
    prop = _string_prop(rev, _success_schema(rev), lambda p: "const" in p)
    prop["const"] = "#microsoft.graph.other"


def remove_response_const(base: Doc, rev: Doc) -> None:
    del _string_prop(rev, _success_schema(rev), lambda p: "const" in p)["const"]


def lower_request_exclusive_maximum(base: Doc, rev: Doc) -> None:
    _retries(base, rev, {"exclusiveMaximum": 10}, {"exclusiveMaximum": 5})


def raise_request_exclusive_minimum(base: Doc, rev: Doc) -> None:
    _retries(base, rev, {"exclusiveMinimum": 0}, {"exclusiveMinimum": 1})


def set_request_exclusive_minimum(base: Doc, rev: Doc) -> None:
    _retries(base, rev, {}, {"exclusiveMinimum": 0})


def _request_only_min_properties(doc: Doc) -> Doc:
    schemas = _only(doc, "request")
    return _first(schemas, "request-only minProperties", lambda s: "minProperties" in s)


def raise_request_min_properties(base: Doc, rev: Doc) -> None:
    _request_only_min_properties(rev)["minProperties"] += 1


def lower_request_max_properties(base: Doc, rev: Doc) -> None:
    schemas = _walk(rev, _request_roots(rev))
    _first(schemas, "request maxProperties", lambda s: "maxProperties" in s)["maxProperties"] //= 2


BREAKING_EDITS: list[tuple[Mutation, str]] = [
    (remove_request_enum_value, "request-property-enum-value-removed"),
    (add_required_property_to_add_run, "new-required-request-property"),
    (remove_200_response, "response-success-status-removed"),
    (make_response_property_optional, "response-property-became-optional"),
    (make_response_property_nullable, "response-property-became-nullable"),
    (lower_request_max_length, "request-property-max-length-decreased"),
    (add_request_pattern, "request-property-pattern-added"),
    (change_request_pattern, "request-property-pattern-changed"),
    (change_request_type, "request-property-type-changed"),
    (change_response_type, "response-property-type-changed"),
    (add_global_scope, "api-global-security-scope-added"),
    (add_operation_scope, "api-security-scope-added"),
    (remove_operation, "api-removed-without-deprecation"),
    (remove_path, "api-path-removed-without-deprecation"),
    (remove_header_parameter, "request-parameter-removed"),
    (add_required_query_parameter, "new-required-request-parameter"),
    (make_request_body_required, "request-body-became-required"),
    (make_request_property_required, "request-property-became-required"),
    (make_request_property_not_nullable, "request-property-became-not-nullable"),
    (rename_request_media_type, "request-body-media-type-removed"),
    (rename_response_media_type, "response-media-type-removed"),
    (remove_required_response_header, "required-response-header-removed"),
    (make_response_header_optional, "response-header-became-optional"),
    (add_response_enum_value, "response-property-enum-value-added"),
    (remove_required_response_property, "response-required-property-removed"),
    (remove_optional_response_property, "response-optional-property-removed"),
    (raise_request_min_length, "request-property-min-length-increased"),
    (lower_request_maximum, "request-property-max-decreased"),
    (lower_parameter_max_length, "request-parameter-max-length-decreased"),
    (make_parameter_required, "request-parameter-became-required"),
    (remove_request_property, "request-property-removed"),
    (remove_request_body, "request-body-removed"),
    (restrict_request_property_to_enum, "request-property-became-enum"),
    (lower_nested_array_item_max_length, "request-property-max-length-decreased"),
    (raise_response_max_length, "response-property-max-length-increased"),
    (remove_security_alternative, "api-security-removed"),
    (remove_global_security_alternative, "api-global-security-removed"),
    (add_security_to_open_operation, "api-security-added"),
    (close_request_object, "local-request-property-additional-properties-closed"),
    (close_request_body, "local-request-body-additional-properties-closed"),
    (add_request_const, "request-property-const-added"),
    (change_response_const, "response-property-const-changed"),
    (remove_response_const, "response-property-const-removed"),
    (lower_request_exclusive_maximum, "request-property-exclusive-max-decreased"),
    (raise_request_exclusive_minimum, "request-property-exclusive-min-increased"),
    (set_request_exclusive_minimum, "request-property-exclusive-min-set"),
    (raise_request_min_properties, "local-request-body-min-properties-increased"),
    (lower_request_max_properties, "local-request-property-max-properties-decreased"),
]


def add_optional_request_property(base: Doc, rev: Doc) -> None:
    _body_schema(rev, "patch")["properties"]["note"] = {"type": "string", "maxLength": 64}


def raise_request_max_length(base: Doc, rev: Doc) -> None:
    prop = _string_prop(rev, _body_schema(rev, "patch"), lambda p: "maxLength" in p)
    prop["maxLength"] += 1


def edit_description(base: Doc, rev: Doc) -> None:
    _operation(rev, "patch")["description"] += " Edited."


def add_request_enum_value(base: Doc, rev: Doc) -> None:
    _first(_only(rev, "request"), "request-only enum", lambda s: "enum" in s)["enum"].append("x")


def add_operation(base: Doc, rev: Doc) -> None:
    path = next(path for path, method, _ in _operations(rev) if method == "patch")
    rev["paths"][path]["get"] = {"responses": {"200": {"description": "The run."}}}


def add_path(base: Doc, rev: Doc) -> None:
    rev["paths"]["/industryData/ping"] = {"get": {"responses": {"204": {"description": "Up."}}}}


def add_optional_response_property(base: Doc, rev: Doc) -> None:
    _success_schema(rev)["properties"]["etag"] = {"type": "string"}


def remove_response_enum_value(base: Doc, rev: Doc) -> None:
    _first(_only(rev, "response"), "response-only enum", lambda s: "enum" in s)["enum"].pop()


def lower_response_max_length(base: Doc, rev: Doc) -> None:
    schemas = _only(rev, "response")
    _first(schemas, "response-only maxLength", lambda s: "maxLength" in s)["maxLength"] -= 1


def add_error_status(base: Doc, rev: Doc) -> None:
    _operation(rev, "patch")["responses"]["409"] = {"description": "Conflict."}


def make_request_property_optional(base: Doc, rev: Doc) -> None:
    _body_schema(rev, "post")["required"].pop()


def deprecate_operation(base: Doc, rev: Doc) -> None:
    _operation(rev, "patch")["deprecated"] = True


def remove_deprecated_operation(base: Doc, rev: Doc) -> None:
    path = next(path for path, method, _ in _operations(base) if method == "patch")
    base["paths"][path]["patch"]["deprecated"] = True
    del rev["paths"][path]["patch"]


def add_response_header(base: Doc, rev: Doc) -> None:
    _success(rev).setdefault("headers", {})["x-ms-ags-diagnostic"] = {"schema": {"type": "string"}}


def remove_global_scope(base: Doc, rev: Doc) -> None:
    name, _ = _scheme(base)
    base["security"][0][name].append("IndustryData-Extra.All")


def rename_path_parameter(base: Doc, rev: Doc) -> None:
    """Renaming ``{runId}`` in a path (and its parameter) changes nothing for a client."""
    old = next(path for path in rev["paths"] if path.endswith("/runs/{runId}"))
    item = rev["paths"].pop(old)
    rev["paths"][old.replace("{runId}", "{id}")] = item
    for index, raw in enumerate(item["parameters"]):
        if _deref(rev, raw).get("name") == "runId":
            item["parameters"][index] = {**_deref(rev, raw), "name": "id"}


def add_security_alternative(base: Doc, rev: Doc) -> None:
    """One more way in: existing clients keep theirs."""
    name, scopes = _scheme(rev)
    _operation(rev, "patch")["security"] = [{name: scopes}, {"legacyKey": []}]


def open_operation(base: Doc, rev: Doc) -> None:
    """The operation needs no credentials any more: nobody is locked out."""
    _operation(rev, "patch")["security"] = []


def open_request_body(base: Doc, rev: Doc) -> None:
    _closed_request_only_object(rev)["additionalProperties"] = True


def remove_request_const(base: Doc, rev: Doc) -> None:
    _string_prop(base, _body_schema(base, "patch"))["const"] = "fixed"


def add_response_const(base: Doc, rev: Doc) -> None:
    _string_prop(rev, _success_schema(rev), lambda p: "const" not in p)["const"] = "fixed"


def raise_request_exclusive_maximum(base: Doc, rev: Doc) -> None:
    _retries(base, rev, {"exclusiveMaximum": 5}, {"exclusiveMaximum": 10})


def lower_request_exclusive_minimum(base: Doc, rev: Doc) -> None:
    _retries(base, rev, {"exclusiveMinimum": 1}, {"exclusiveMinimum": 0})


def lower_request_min_properties(base: Doc, rev: Doc) -> None:
    del _request_only_min_properties(rev)["minProperties"]


NON_BREAKING_EDITS: list[tuple[Mutation, str]] = [
    (add_optional_request_property, "new-optional-request-property"),
    (raise_request_max_length, "request-property-max-length-increased"),
    (edit_description, "local-description-changed"),
    (add_request_enum_value, "request-property-enum-value-added"),
    (add_operation, "endpoint-added"),
    (add_path, "endpoint-added"),
    (add_optional_response_property, "response-optional-property-added"),
    (remove_response_enum_value, "response-property-enum-value-removed"),
    (lower_response_max_length, "local-response-property-max-length-decreased"),
    (add_error_status, "response-non-success-status-added"),
    (make_request_property_optional, "request-property-became-optional"),
    (deprecate_operation, "endpoint-deprecated"),
    (remove_deprecated_operation, "api-removed-with-deprecation"),
    (add_response_header, "response-header-added"),
    (remove_global_scope, "api-global-security-scope-removed"),
    (add_security_alternative, "api-security-added"),
    (open_operation, "api-security-removed"),
    (open_request_body, "local-request-body-additional-properties-opened"),
    (remove_request_const, "request-property-const-removed"),
    (add_response_const, "response-property-const-added"),
    (raise_request_exclusive_maximum, "request-property-exclusive-max-increased"),
    (lower_request_exclusive_minimum, "request-property-exclusive-min-decreased"),
    (lower_request_min_properties, "local-request-body-min-properties-decreased"),
]


def _diff(spec: Doc, edit: Mutation) -> list[Change]:
    base, rev = copy.deepcopy(spec), copy.deepcopy(spec)
    edit(base, rev)
    return diff_specs(base, rev)


def _ids(edits: list[tuple[Mutation, str]]) -> list[str]:
    return [edit.__name__ for edit, _ in edits]


# --- the library --------------------------------------------------------------------------------


def test_identical_specs_have_no_changes(spec: Doc) -> None:
    assert diff_specs(spec, copy.deepcopy(spec)) == []


@pytest.mark.parametrize(("edit", "rule"), BREAKING_EDITS, ids=_ids(BREAKING_EDITS))
def test_breaking_edit_is_reported(spec: Doc, edit: Mutation, rule: str) -> None:
    changes = [change for change in _diff(spec, edit) if change.rule == rule]
    assert changes, f"{rule} not reported"
    assert {change.level for change in changes} == {BREAKING}


@pytest.mark.parametrize(("edit", "rule"), NON_BREAKING_EDITS, ids=_ids(NON_BREAKING_EDITS))
def test_non_breaking_edit_is_reported_as_such(spec: Doc, edit: Mutation, rule: str) -> None:
    changes = _diff(spec, edit)
    assert [change for change in changes if change.level == BREAKING] == []
    assert rule in {change.rule for change in changes if change.level == NON_BREAKING}


def test_renamed_path_parameter_is_no_change(spec: Doc) -> None:
    changes = _diff(spec, rename_path_parameter)
    assert [change for change in changes if change.level == BREAKING] == []


def test_change_names_operation_and_component_pointer(spec: Doc) -> None:
    def edit(base: Doc, rev: Doc) -> None:
        schema = _first(_only(rev, "request"), "request-only enum", lambda s: "enum" in s)
        schema["enum"].remove(schema["enum"][0])

    change = next(c for c in _diff(spec, edit) if c.rule == "request-property-enum-value-removed")
    method, path = change.where.split(" ", 1)
    assert method in {m.upper() for m in METHODS}
    assert path in spec["paths"]
    assert change.message.startswith("/components/schemas/")
    assert "enum value" in change.message


def _tiny(schemas: Doc) -> Doc:
    """A one-operation spec whose request body is ``#/components/schemas/body``."""
    media = {"schema": {"$ref": "#/components/schemas/body"}}
    op = {
        "requestBody": {"required": True, "content": {"application/json": media}},
        "responses": {"204": {"description": "Done."}},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "tiny", "version": "1.0.0"},
        "paths": {"/things": {"post": op}},
        "components": {"schemas": schemas},
    }


def test_all_of_members_are_walked() -> None:
    schemas = {
        "base": {"type": "object", "properties": {"a": {"type": "string"}}},
        "body": {"allOf": [{"$ref": "#/components/schemas/base"}, {"type": "object"}]},
    }
    base = _tiny(schemas)
    rev = copy.deepcopy(base)
    rev["components"]["schemas"]["base"]["properties"]["b"] = {"type": "string"}
    rev["components"]["schemas"]["base"]["required"] = ["b"]
    rules = {change.rule for change in diff_specs(base, rev)}
    assert "new-required-request-property" in rules


def test_recursive_schema_terminates() -> None:
    node = {"type": "object", "properties": {"child": {"$ref": "#/components/schemas/body"}}}
    base = _tiny({"body": node})
    rev = copy.deepcopy(base)
    rev["components"]["schemas"]["body"]["properties"]["name"] = {"type": "string"}
    rules = [change.rule for change in diff_specs(base, rev)]
    assert rules == ["new-optional-request-property"]


def test_one_of_member_removed_from_request_is_breaking() -> None:
    variants = [{"$ref": "#/components/schemas/a"}, {"$ref": "#/components/schemas/b"}]
    schemas = {"a": {"type": "string"}, "b": {"type": "integer"}, "body": {"oneOf": variants}}
    base = _tiny(schemas)
    rev = copy.deepcopy(base)
    rev["components"]["schemas"]["body"]["oneOf"].pop()
    changes = diff_specs(base, rev)
    assert [(c.rule, c.level) for c in changes] == [("request-body-one-of-removed", BREAKING)]


def test_additional_property_values_are_compared() -> None:
    values = {"type": "string", "maxLength": 10}
    base = _tiny({"body": {"type": "object", "additionalProperties": values}})
    rev = copy.deepcopy(base)
    rev["components"]["schemas"]["body"]["additionalProperties"]["maxLength"] = 5
    changes = diff_specs(base, rev)
    assert [(c.rule, c.level) for c in changes] == [
        ("request-property-max-length-decreased", BREAKING)
    ]


def test_additional_properties_ignored_on_non_objects() -> None:
    base = _tiny({"body": {"type": "string"}})
    rev = copy.deepcopy(base)
    rev["components"]["schemas"]["body"]["additionalProperties"] = False
    assert diff_specs(base, rev) == []


@pytest.mark.parametrize(
    ("version", "major"),
    [("1.0.0", 1), ("v2.3", 2), ("10", 10), ("beta", None), ("", None)],
)
def test_major_version(version: str, major: int | None) -> None:
    assert major_version({"info": {"version": version}}) == major


# --- the command --------------------------------------------------------------------------------


def _run(tmp_path: Path, base: Doc | str, rev: Doc | str) -> subprocess.CompletedProcess[str]:
    paths = []
    for name, content in (("base.yaml", base), ("rev.yaml", rev)):
        path = tmp_path / name
        text = content if isinstance(content, str) else yaml.safe_dump(content, sort_keys=False)
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    command = [sys.executable, "-m", "scripts.breaking", "--base", paths[0], "--revision", paths[1]]
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )


def test_cli_fails_on_breaking_change(spec: Doc, tmp_path: Path) -> None:
    rev = copy.deepcopy(spec)
    remove_request_enum_value(spec, rev)
    result = _run(tmp_path, spec, rev)
    assert result.returncode == 1, result.stdout + result.stderr
    line = next(ln for ln in result.stdout.splitlines() if "enum-value-removed" in ln)
    assert line.startswith("breaking ")
    assert "request-property-enum-value-removed" in line
    assert "FAIL" in result.stdout


def test_cli_allows_breaking_change_with_major_bump(spec: Doc, tmp_path: Path) -> None:
    rev = copy.deepcopy(spec)
    remove_request_enum_value(spec, rev)
    major = major_version(spec)
    assert major is not None
    rev["info"]["version"] = f"{major + 1}.0.0"
    result = _run(tmp_path, spec, rev)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "request-property-enum-value-removed" in result.stdout
    assert "allowed" in result.stdout


def test_cli_passes_identical_spec(spec: Doc, tmp_path: Path) -> None:
    result = _run(tmp_path, spec, spec)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 breaking, 0 non-breaking" in result.stdout


def test_cli_passes_non_breaking_change(spec: Doc, tmp_path: Path) -> None:
    rev = copy.deepcopy(spec)
    add_optional_request_property(spec, rev)
    result = _run(tmp_path, spec, rev)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "new-optional-request-property" in result.stdout


def test_cli_rejects_missing_file(spec: Doc, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.yaml"
    command = [sys.executable, "-m", "scripts.breaking", "--base", str(missing)]
    result = subprocess.run(
        [*command, "--revision", str(SPEC_PATH)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "nowhere.yaml" in result.stderr


@pytest.mark.parametrize("text", ["paths: [unclosed\n", "- just\n- a list\n"])
def test_cli_rejects_non_yaml_or_non_mapping(spec: Doc, tmp_path: Path, text: str) -> None:
    result = _run(tmp_path, spec, text)
    assert result.returncode == 2
    assert "rev.yaml" in result.stderr
