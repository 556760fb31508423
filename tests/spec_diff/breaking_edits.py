"""Edits of the spec that break existing clients, each with the rule id it must raise."""

from __future__ import annotations

from tests.spec_diff.shapes import (
    Doc,
    Mutation,
    body,
    body_schema,
    closed_request_only_object,
    deref,
    first,
    header_param,
    nullable_member,
    only,
    open_request_object,
    operation,
    operations,
    request_only_min_properties,
    request_roots,
    required_header,
    response_roots,
    retries,
    scheme,
    string_prop,
    success,
    success_schema,
    walk,
)


def remove_request_enum_value(base: Doc, rev: Doc) -> None:
    first(walk(rev, request_roots(rev)), "request enum", lambda s: len(s.get("enum", [])) > 1)[
        "enum"
    ].pop()


def add_required_property_to_add_run(base: Doc, rev: Doc) -> None:
    schema = body_schema(rev, "post")
    schema["properties"]["sourceSystem"] = {"type": "string"}
    schema.setdefault("required", []).append("sourceSystem")


def remove_200_response(base: Doc, rev: Doc) -> None:
    next(op for _, _, op in operations(rev) if "200" in op["responses"])["responses"].pop("200")


def make_response_property_optional(base: Doc, rev: Doc) -> None:
    success_schema(rev)["required"].pop()


def make_response_property_nullable(base: Doc, rev: Doc) -> None:
    string_prop(rev, success_schema(rev))["type"] = ["string", "null"]


def lower_request_max_length(base: Doc, rev: Doc) -> None:
    prop = string_prop(rev, body_schema(rev, "patch"), lambda p: "maxLength" in p)
    prop["maxLength"] -= 1


def add_request_pattern(base: Doc, rev: Doc) -> None:
    string_prop(rev, body_schema(rev, "patch"), lambda p: "pattern" not in p)["pattern"] = "^a"


def change_request_pattern(base: Doc, rev: Doc) -> None:
    string_prop(rev, body_schema(rev, "patch"), lambda p: "pattern" in p)["pattern"] = "^a"


def change_request_type(base: Doc, rev: Doc) -> None:
    string_prop(rev, body_schema(rev, "patch"))["type"] = "integer"


def change_response_type(base: Doc, rev: Doc) -> None:
    string_prop(rev, success_schema(rev))["type"] = "integer"


def add_global_scope(base: Doc, rev: Doc) -> None:
    name, _ = scheme(rev)
    rev["security"][0][name].append("IndustryData-Extra.All")


def add_operation_scope(base: Doc, rev: Doc) -> None:
    name, scopes = scheme(rev)
    operation(rev, "patch")["security"] = [{name: [*scopes, "IndustryData-Extra.All"]}]


def remove_operation(base: Doc, rev: Doc) -> None:
    path = next(path for path, method, _ in operations(rev) if method == "patch")
    del rev["paths"][path]["patch"]


def remove_path(base: Doc, rev: Doc) -> None:
    rev["paths"].pop(next(iter(rev["paths"])))


def remove_header_parameter(base: Doc, rev: Doc) -> None:
    owner, param = header_param(rev)
    owner[:] = [raw for raw in owner if deref(rev, raw) is not param]


def add_required_query_parameter(base: Doc, rev: Doc) -> None:
    param = {"name": "mode", "in": "query", "required": True, "schema": {"type": "string"}}
    operation(rev, "patch").setdefault("parameters", []).append(param)


def make_request_body_required(base: Doc, rev: Doc) -> None:
    body(base, "post")["required"] = False
    body(rev, "post")["required"] = True


def make_request_property_required(base: Doc, rev: Doc) -> None:
    schema = body_schema(rev, "patch")
    optional = [name for name in schema["properties"] if name not in schema.get("required", [])]
    schema.setdefault("required", []).append(optional[0])


def make_request_property_not_nullable(base: Doc, rev: Doc) -> None:
    prop, index = nullable_member(rev, body_schema(rev, "patch"))
    del prop["anyOf"][index]


def rename_request_media_type(base: Doc, rev: Doc) -> None:
    content = body(rev, "patch")["content"]
    content["application/merge-patch+json"] = content.pop(next(iter(content)))


def rename_response_media_type(base: Doc, rev: Doc) -> None:
    content = success(rev)["content"]
    content["application/xml"] = content.pop(next(iter(content)))


def remove_required_response_header(base: Doc, rev: Doc) -> None:
    headers, name = required_header(rev)
    del headers[name]


def make_response_header_optional(base: Doc, rev: Doc) -> None:
    headers, name = required_header(rev)
    headers[name] = {**deref(rev, headers[name]), "required": False}


def add_response_enum_value(base: Doc, rev: Doc) -> None:
    first(only(rev, "response"), "response-only enum", lambda s: "enum" in s)["enum"].append(
        "paused"
    )


def remove_required_response_property(base: Doc, rev: Doc) -> None:
    schema = success_schema(rev)
    name = schema["required"].pop()
    del schema["properties"][name]


def remove_optional_response_property(base: Doc, rev: Doc) -> None:
    schema = first(
        walk(rev, response_roots(rev)),
        "optional response property",
        lambda s: bool(set(s.get("properties", {})) - set(s.get("required", []))),
    )
    optional = set(schema["properties"]) - set(schema.get("required", []))
    del schema["properties"][sorted(optional)[0]]


def raise_request_min_length(base: Doc, rev: Doc) -> None:
    string_prop(rev, body_schema(rev, "patch"))["minLength"] = 1000


def lower_request_maximum(base: Doc, rev: Doc) -> None:
    retries(base, rev, {"maximum": 10}, {"maximum": 5})


def lower_parameter_max_length(base: Doc, rev: Doc) -> None:
    _, param = header_param(rev)
    deref(rev, param["schema"])["maxLength"] = 8


def make_parameter_required(base: Doc, rev: Doc) -> None:
    _, param = header_param(rev)
    param["required"] = True


def remove_request_property(base: Doc, rev: Doc) -> None:
    schema = body_schema(rev, "patch")
    optional = [name for name in schema["properties"] if name not in schema.get("required", [])]
    del schema["properties"][optional[-1]]


def remove_request_body(base: Doc, rev: Doc) -> None:
    del operation(rev, "post")["requestBody"]


def restrict_request_property_to_enum(base: Doc, rev: Doc) -> None:
    string_prop(rev, body_schema(rev, "patch"))["enum"] = ["a", "b"]


def lower_nested_array_item_max_length(base: Doc, rev: Doc) -> None:
    """Reached through a nullable anyOf, a nullable array and its items."""
    array = first(walk(rev, request_roots(rev)), "request array", lambda s: "items" in s)
    item = deref(rev, array["items"])
    props = [deref(rev, raw) for raw in item["properties"].values()]
    first(props, "item property with maxLength", lambda p: "maxLength" in p)["maxLength"] = 1


def raise_response_max_length(base: Doc, rev: Doc) -> None:
    string_prop(rev, success_schema(rev), lambda p: "maxLength" in p)["maxLength"] += 1


def remove_security_alternative(base: Doc, rev: Doc) -> None:
    """The operation took either of two credentials; the revision takes only one."""
    name, scopes = scheme(rev)
    operation(base, "patch")["security"] = [{name: scopes}, {"legacyKey": []}]
    operation(rev, "patch")["security"] = [{name: list(scopes)}]


def remove_global_security_alternative(base: Doc, rev: Doc) -> None:
    base["security"].append({"legacyKey": []})


def remove_flow_alternative_of_the_same_scheme(base: Doc, rev: Doc) -> None:
    """Of two requirements of one scheme (one per flow), the revision keeps only the first: the
    other flow's clients are locked out, though the same scheme is still required."""
    name, scopes = scheme(rev)
    base["security"] = [{name: scopes}, {name: ["https://graph.microsoft.com/.default"]}]
    rev["security"] = [{name: list(scopes)}]


def add_security_to_open_operation(base: Doc, rev: Doc) -> None:
    """An operation anyone could call (``security: []``) now inherits the global requirement."""
    operation(base, "patch")["security"] = []


def close_request_object(base: Doc, rev: Doc) -> None:
    open_request_object(rev)["additionalProperties"] = False


def close_request_body(base: Doc, rev: Doc) -> None:
    """No ``additionalProperties`` before (any property allowed), ``false`` now."""
    del closed_request_only_object(base)["additionalProperties"]


def add_request_const(base: Doc, rev: Doc) -> None:
    string_prop(rev, body_schema(rev, "patch"))["const"] = "fixed"


def _response_const(doc: Doc, value: str) -> None:
    # The run's @odata.type: a const in 1.0.0, a default since 2.0.0 (D18); pinned here again.
    string_prop(doc, success_schema(doc), lambda p: "default" in p)["const"] = value


def change_response_const(base: Doc, rev: Doc) -> None:
    _response_const(base, "#microsoft.graph.industryData.run")
    _response_const(rev, "#microsoft.graph.other")


def remove_response_const(base: Doc, rev: Doc) -> None:
    _response_const(base, "#microsoft.graph.industryData.run")


def lower_request_exclusive_maximum(base: Doc, rev: Doc) -> None:
    retries(base, rev, {"exclusiveMaximum": 10}, {"exclusiveMaximum": 5})


def raise_request_exclusive_minimum(base: Doc, rev: Doc) -> None:
    retries(base, rev, {"exclusiveMinimum": 0}, {"exclusiveMinimum": 1})


def set_request_exclusive_minimum(base: Doc, rev: Doc) -> None:
    retries(base, rev, {}, {"exclusiveMinimum": 0})


def raise_request_min_properties(base: Doc, rev: Doc) -> None:
    request_only_min_properties(rev)["minProperties"] += 1


def lower_request_max_properties(base: Doc, rev: Doc) -> None:
    schemas = walk(rev, request_roots(rev))
    first(schemas, "request maxProperties", lambda s: "maxProperties" in s)["maxProperties"] //= 2


def remove_oauth_flow(base: Doc, rev: Doc) -> None:
    name, _ = scheme(rev)
    flows = rev["components"]["securitySchemes"][name]["flows"]
    del flows[next(iter(flows))]


def remove_production_server(base: Doc, rev: Doc) -> None:
    rev["servers"] = [server for server in rev["servers"] if server.get("x-internal") is True]


BREAKING_EDITS: list[tuple[Mutation, str]] = [
    (remove_production_server, "local-api-server-removed"),
    (remove_flow_alternative_of_the_same_scheme, "api-global-security-removed"),
    (remove_oauth_flow, "local-api-security-component-oauth-flow-removed"),
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
