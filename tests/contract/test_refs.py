"""The one resolver: RFC 6901 escaping, chains, cycles, dangling and remote references, siblings."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator

from contract.refs import (
    DanglingRefError,
    RefCycleError,
    RemoteRefError,
    follow,
    json_pointer,
    lookup,
    parse_pointer,
    parse_ref,
    pointer_text,
    registry,
    render_pointer,
    resolve,
    uri_of,
)

DOCUMENT: dict[str, Any] = {
    "paths": {"/runs/{runId}": {"get": {"parameters": [{"name": "a"}, {"$ref": "#/p/b"}]}}},
    "p": {"b": {"name": "b", "in": "query"}},
    "a~b": {"c/d": {"type": "integer"}},
    "refs": {
        "tilde": {"$ref": "#/a~0b/c~1d"},
        "encoded": {"$ref": "#/a~0b/c~1d%20x"},
        "index": {"$ref": "#/paths/~1runs~1{runId}/get/parameters/1"},
        "chain": {"$ref": "#/refs/index", "description": "outer"},
        "self": {"$ref": "#/refs/self"},
        "x": {"$ref": "#/refs/y"},
        "y": {"$ref": "#/refs/x"},
        "nothing": {"$ref": "#/p/nothing"},
        "past-the-end": {"$ref": "#/paths/~1runs~1{runId}/get/parameters/2"},
        "into-a-name": {"$ref": "#/p/b/name/x"},
        "remote": {"$ref": "other.yaml#/p/b"},
        "anchor": {"$ref": "#b"},
    },
}
DOCUMENT["a~b"]["c/d x"] = {"type": "string"}


def _ref(name: str) -> tuple[Any, tuple[str, ...]]:
    return DOCUMENT["refs"][name], ("refs", name)


def test_pointers_round_trip_through_ref_syntax() -> None:
    pointer = ("paths", "/runs/{runId}", "patch", "a~b")

    assert json_pointer(pointer) == "#/paths/~1runs~1{runId}/patch/a~0b"
    assert parse_ref(json_pointer(pointer)) == pointer
    assert parse_ref("other.yaml#/a") is None
    assert render_pointer(()) == "(root)"


def test_the_string_form_round_trips_and_the_root_is_empty() -> None:
    pointer = ("a~b", "c/d", "", "0")

    assert pointer_text(pointer) == "/a~0b/c~1d//0"
    assert parse_pointer(pointer_text(pointer)) == pointer
    assert parse_pointer("") == () == parse_ref("#")


def test_resolve_follows_a_chain_and_stops_at_a_cycle() -> None:
    spec = {
        "a": {"$ref": "#/b"},
        "b": {"$ref": "#/c"},
        "c": {"type": "string"},
        "x": {"$ref": "#/y"},
        "y": {"$ref": "#/x"},
    }

    assert resolve(spec, spec["a"], ("a",)) == ({"type": "string"}, ("c",))
    node, at = resolve(spec, spec["x"], ("x",))
    assert at in {("x",), ("y",)}
    assert "$ref" in node


def test_tilde_zero_and_tilde_one_are_unescaped_and_percent_encoding_read() -> None:
    assert resolve(DOCUMENT, *_ref("tilde")) == ({"type": "integer"}, ("a~b", "c/d"))
    assert resolve(DOCUMENT, *_ref("encoded")) == ({"type": "string"}, ("a~b", "c/d x"))
    assert lookup(DOCUMENT, ("a~b", "c/d x")) == {"type": "string"}


def test_a_list_index_is_followed_and_one_past_the_end_names_nothing() -> None:
    parameter_at = ("paths", "/runs/{runId}", "get", "parameters", "1")

    assert resolve(DOCUMENT, *_ref("index")) == ({"name": "b", "in": "query"}, ("p", "b"))
    assert lookup(DOCUMENT, parameter_at) == {"$ref": "#/p/b"}
    with pytest.raises(DanglingRefError, match=r"names nothing"):
        resolve(DOCUMENT, *_ref("past-the-end"), strict=True)


def test_a_cycle_is_refused_where_strict_and_stops_where_lenient() -> None:
    with pytest.raises(RefCycleError, match=r"^#/refs/y: \$ref '#/refs/x' leads back"):
        resolve(DOCUMENT, *_ref("x"), strict=True)
    with pytest.raises(RefCycleError, match=r"^#/refs/self: "):
        resolve(DOCUMENT, *_ref("self"), strict=True)

    assert resolve(DOCUMENT, *_ref("x")) == (DOCUMENT["refs"]["y"], ("refs", "y"))
    assert resolve(DOCUMENT, *_ref("self")) == (DOCUMENT["refs"]["self"], ("refs", "self"))


@pytest.mark.parametrize("name", ["nothing", "past-the-end", "into-a-name"])
def test_a_dangling_ref_says_where_it_is_and_lenient_callers_keep_the_node(name: str) -> None:
    node, at = _ref(name)

    with pytest.raises(DanglingRefError, match=rf"^#/refs/{name}: \$ref .* names nothing"):
        resolve(DOCUMENT, node, at, strict=True)
    assert resolve(DOCUMENT, node, at) == (node, at)


@pytest.mark.parametrize("name", ["remote", "anchor"])
def test_a_ref_outside_the_document_is_remote(name: str) -> None:
    node, at = _ref(name)

    with pytest.raises(RemoteRefError, match=r"is not local \(#/\.\.\.\)"):
        follow(DOCUMENT, node["$ref"], at)
    assert resolve(DOCUMENT, node, at) == (node, at)


def test_siblings_are_laid_over_the_target_outermost_first() -> None:
    document = {
        "outer": {"$ref": "#/middle", "description": "outer", "nullable": True},
        "middle": {"$ref": "#/inner", "description": "middle", "title": "middle"},
        "inner": {"type": "string", "description": "inner"},
    }

    assert resolve(document, document["outer"], ("outer",), siblings=True) == (
        {"type": "string", "description": "outer", "title": "middle", "nullable": True},
        ("inner",),
    )
    assert resolve(document, document["outer"], ("outer",)) == (document["inner"], ("inner",))


def test_a_node_without_ref_comes_back_as_it_is() -> None:
    node = {"type": "object"}

    assert resolve(DOCUMENT, node, ("somewhere",)) == (node, ("somewhere",))
    assert resolve(DOCUMENT, [node], ("list",)) == ([node], ("list",))


def test_validators_reach_a_schema_by_its_uri_even_with_escaped_keys() -> None:
    validator = Draft202012Validator(
        {"$ref": uri_of(("a~b", "c/d x"))}, registry=registry(DOCUMENT)
    )

    assert validator.is_valid("text")
    assert not validator.is_valid(1)
