"""The breaking-change gate: each rule is shown to fire on a small edit of the real openapi.yaml.

Edits find their target by shape (`shapes.py`) rather than by name, so the tests keep working
while the spec grows; `breaking_edits.py` and `safe_edits.py` hold them with their rule ids.
"""

from __future__ import annotations

import copy

import pytest

from contract.loading import load_document
from spec_diff import BREAKING, NON_BREAKING, Change, diff_specs
from tests.spec_diff.breaking_edits import BREAKING_EDITS
from tests.spec_diff.safe_edits import (
    NON_BREAKING_EDITS,
    drop_internal_server,
    rename_path_parameter,
)
from tests.spec_diff.shapes import (
    METHODS,
    Doc,
    Mutation,
    first,
    only,
)
from tooling.paths import SPEC as SPEC_PATH


@pytest.fixture(scope="module")
def spec() -> Doc:
    return load_document(SPEC_PATH)


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


def test_an_internal_server_is_no_part_of_the_comparison(spec: Doc) -> None:
    revision = copy.deepcopy(spec)
    drop_internal_server(spec, revision)
    assert revision["servers"] != spec["servers"]
    assert diff_specs(spec, revision) == []


def test_renamed_path_parameter_is_no_change(spec: Doc) -> None:
    changes = _diff(spec, rename_path_parameter)
    assert [change for change in changes if change.level == BREAKING] == []


def test_change_names_operation_and_component_pointer(spec: Doc) -> None:
    def edit(base: Doc, rev: Doc) -> None:
        schema = first(only(rev, "request"), "request-only enum", lambda s: "enum" in s)
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


def test_a_body_that_became_one_alternative_of_a_one_of_is_compared_with_it() -> None:
    # Add run in 2.0.0: the run body became one shape of a oneOf beside a reference body. Old
    # bodies are still valid, so this is one alternative added, not every property removed.
    item = {"type": "object", "properties": {"a": {"type": "string", "maxLength": 9}}}
    schemas = {
        "item": item,
        "ref": {"type": "object"},
        "body": {"$ref": "#/components/schemas/item"},
    }
    base = _tiny(schemas)
    rev = copy.deepcopy(base)
    rev["components"]["schemas"]["body"] = {
        "oneOf": [{"$ref": "#/components/schemas/item"}, {"$ref": "#/components/schemas/ref"}]
    }
    rev["components"]["schemas"]["item"]["properties"]["a"]["maxLength"] = 5
    changes = diff_specs(base, rev)
    assert sorted((c.rule, c.level) for c in changes) == [
        ("request-body-one-of-added", NON_BREAKING),
        ("request-property-max-length-decreased", BREAKING),
    ]
    # And back: the alternative that stays is compared, the other one named as removed.
    back = diff_specs(rev, base)
    assert sorted((c.rule, c.level) for c in back) == [
        ("request-body-one-of-removed", BREAKING),
        ("request-property-max-length-increased", NON_BREAKING),
    ]


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
