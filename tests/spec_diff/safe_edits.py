"""Edits of the spec that existing clients survive, each with the rule id it must raise."""

from __future__ import annotations

import copy

from tests.spec_diff.shapes import (
    Doc,
    Mutation,
    body_schema,
    closed_request_only_object,
    deref,
    first,
    only,
    operation,
    operations,
    request_only_min_properties,
    retries,
    scheme,
    string_prop,
    success,
    success_schema,
)


def add_optional_request_property(base: Doc, rev: Doc) -> None:
    body_schema(rev, "patch")["properties"]["note"] = {"type": "string", "maxLength": 64}


def raise_request_max_length(base: Doc, rev: Doc) -> None:
    prop = string_prop(rev, body_schema(rev, "patch"), lambda p: "maxLength" in p)
    prop["maxLength"] += 1


def edit_description(base: Doc, rev: Doc) -> None:
    operation(rev, "patch")["description"] += " Edited."


def add_request_enum_value(base: Doc, rev: Doc) -> None:
    first(only(rev, "request"), "request-only enum", lambda s: "enum" in s)["enum"].append("x")


def add_operation(base: Doc, rev: Doc) -> None:
    path = next(path for path, method, _ in operations(rev) if method == "patch")
    rev["paths"][path]["get"] = {"responses": {"200": {"description": "The run."}}}


def add_path(base: Doc, rev: Doc) -> None:
    rev["paths"]["/industryData/ping"] = {"get": {"responses": {"204": {"description": "Up."}}}}


def add_optional_response_property(base: Doc, rev: Doc) -> None:
    success_schema(rev)["properties"]["etag"] = {"type": "string"}


def remove_response_enum_value(base: Doc, rev: Doc) -> None:
    first(only(rev, "response"), "response-only enum", lambda s: "enum" in s)["enum"].pop()


def lower_response_max_length(base: Doc, rev: Doc) -> None:
    schemas = only(rev, "response")
    first(schemas, "response-only maxLength", lambda s: "maxLength" in s)["maxLength"] -= 1


def add_error_status(base: Doc, rev: Doc) -> None:
    operation(rev, "patch")["responses"]["409"] = {"description": "Conflict."}


def make_request_property_optional(base: Doc, rev: Doc) -> None:
    body_schema(rev, "post")["required"].pop()


def deprecate_operation(base: Doc, rev: Doc) -> None:
    operation(rev, "patch")["deprecated"] = True


def remove_deprecated_operation(base: Doc, rev: Doc) -> None:
    path = next(path for path, method, _ in operations(base) if method == "patch")
    base["paths"][path]["patch"]["deprecated"] = True
    del rev["paths"][path]["patch"]


def add_response_header(base: Doc, rev: Doc) -> None:
    success(rev).setdefault("headers", {})["x-ms-ags-diagnostic"] = {"schema": {"type": "string"}}


def remove_global_scope(base: Doc, rev: Doc) -> None:
    name, _ = scheme(base)
    base["security"][0][name].append("IndustryData-Extra.All")


def rename_path_parameter(base: Doc, rev: Doc) -> None:
    """Renaming ``{runId}`` in a path (and its parameter) changes nothing for a client."""
    old = next(path for path in rev["paths"] if path.endswith("/runs/{runId}"))
    item = rev["paths"].pop(old)
    rev["paths"][old.replace("{runId}", "{id}")] = item
    for index, raw in enumerate(item["parameters"]):
        if deref(rev, raw).get("name") == "runId":
            item["parameters"][index] = {**deref(rev, raw), "name": "id"}


def add_security_alternative(base: Doc, rev: Doc) -> None:
    """One more way in: existing clients keep theirs."""
    operation(rev, "patch")["security"] = [*copy.deepcopy(rev["security"]), {"legacyKey": []}]


def add_flow_alternative_of_the_same_scheme(base: Doc, rev: Doc) -> None:
    """The scheme's other flow gets a requirement of its own (its own scope): one more way in.

    Both alternatives name the same scheme, so they are told apart by their scopes."""
    name, scopes = scheme(rev)
    base["security"] = [{name: scopes}]
    rev["security"] = [{name: scopes}, {name: ["https://graph.microsoft.com/.default"]}]


def open_operation(base: Doc, rev: Doc) -> None:
    """The operation needs no credentials any more: nobody is locked out."""
    operation(rev, "patch")["security"] = []


def open_request_body(base: Doc, rev: Doc) -> None:
    closed_request_only_object(rev)["additionalProperties"] = True


def remove_request_const(base: Doc, rev: Doc) -> None:
    string_prop(base, body_schema(base, "patch"))["const"] = "fixed"


def add_response_const(base: Doc, rev: Doc) -> None:
    string_prop(rev, success_schema(rev), lambda p: "const" not in p)["const"] = "fixed"


def raise_request_exclusive_maximum(base: Doc, rev: Doc) -> None:
    retries(base, rev, {"exclusiveMaximum": 5}, {"exclusiveMaximum": 10})


def lower_request_exclusive_minimum(base: Doc, rev: Doc) -> None:
    retries(base, rev, {"exclusiveMinimum": 1}, {"exclusiveMinimum": 0})


def lower_request_min_properties(base: Doc, rev: Doc) -> None:
    del request_only_min_properties(rev)["minProperties"]


def move_token_url(base: Doc, rev: Doc) -> None:
    for flow in _flows(rev).values():
        flow["tokenUrl"] = "https://login.example.com/tenant/oauth2/v2.0/token"


def add_oauth_scope(base: Doc, rev: Doc) -> None:
    for flow in _flows(rev).values():
        flow["scopes"]["Extra.Read"] = "Read extra things."


def _flows(doc: Doc) -> dict[str, Doc]:
    name, _ = scheme(doc)
    flows: dict[str, Doc] = doc["components"]["securitySchemes"][name]["flows"]
    return flows


def add_regional_server(base: Doc, rev: Doc) -> None:
    rev["servers"].append({"url": "https://graph.microsoft.us/beta", "x-internal": False})


def drop_internal_server(base: Doc, rev: Doc) -> None:
    """The loopback server is no part of the contract (D23): dropping it is no change at all."""
    rev["servers"] = [server for server in rev["servers"] if server.get("x-internal") is not True]


NON_BREAKING_EDITS: list[tuple[Mutation, str]] = [
    (add_regional_server, "local-api-server-added"),
    (add_flow_alternative_of_the_same_scheme, "api-global-security-added"),
    (move_token_url, "api-security-component-oauth-token-url-changed"),
    (add_oauth_scope, "api-security-component-oauth-scope-added"),
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
