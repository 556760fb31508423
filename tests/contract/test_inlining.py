"""Inlined schemas judge every value as the registry-backed `$ref`s do, and a schema that cannot
be inlined keeps its references."""

from __future__ import annotations

import random
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from contract.api import JSON, ApiContract
from contract.inlining import NotInlinableError, inlined
from contract.refs import registry, uri_of
from tooling.paths import SPEC

DOCUMENT: dict[str, Any] = {
    "components": {
        "schemas": {
            "name": {"type": "string", "maxLength": 5, "description": "a name"},
            "named": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "name": {"$ref": "#/components/schemas/name", "description": "why"},
                    "short": {"$ref": "#/components/schemas/name", "minLength": 2},
                    "enum": {"enum": ["$ref", {"$ref": "#/not/a/schema"}]},
                },
            },
            "tree": {
                "type": "object",
                "properties": {"children": {"items": {"$ref": "#/components/schemas/tree"}}},
            },
            "remote": {"$ref": "https://example.invalid/schema.json"},
            "dangling": {"properties": {"a": {"$ref": "#/components/schemas/nothing"}}},
            "a/b~c": {"type": "integer"},
            "escaped": {"items": {"$ref": "#/components/schemas/a~1b~0c"}},
        }
    }
}


def _registry_validator(document: dict[str, Any], name: str) -> Draft202012Validator:
    schema = {"$ref": uri_of(("components", "schemas", name))}
    return Draft202012Validator(schema, registry=registry(document))


def _errors(validator: Draft202012Validator, instance: object) -> list[tuple[str, str, str]]:
    return sorted(
        (e.message, str(list(e.absolute_path)), str(e.validator))
        for e in validator.iter_errors(instance)
    )


def test_annotations_beside_a_ref_vanish_and_checks_beside_it_are_kept() -> None:
    schema = inlined(DOCUMENT, ["components", "schemas", "named"])
    assert schema["properties"]["name"] == {
        "type": "string",
        "maxLength": 5,
        "description": "a name",
    }
    assert schema["properties"]["short"] == {
        "minLength": 2,
        "allOf": [{"type": "string", "maxLength": 5, "description": "a name"}],
    }
    # enum is data: what looks like a reference inside it is a value, left alone.
    assert schema["properties"]["enum"] == {"enum": ["$ref", {"$ref": "#/not/a/schema"}]}


@pytest.mark.parametrize(
    "instance",
    [
        {"name": "abc"},
        {"name": "abcdefg"},
        {"short": "a"},
        {"short": 5, "name": None},
        {"enum": "$ref"},
        {"enum": {"$ref": "#/not/a/schema"}},
        {"other": 1},
        [],
    ],
)
def test_inlined_and_referenced_schemas_give_the_same_errors(instance: object) -> None:
    inline = Draft202012Validator(inlined(DOCUMENT, ["components", "schemas", "named"]))
    assert _errors(inline, instance) == _errors(_registry_validator(DOCUMENT, "named"), instance)


def test_cycles_and_remote_references_are_not_inlined() -> None:
    with pytest.raises(NotInlinableError):
        inlined(DOCUMENT, ["components", "schemas", "tree"])
    with pytest.raises(NotInlinableError):
        inlined(DOCUMENT, ["components", "schemas", "remote"])


def test_dangling_references_are_not_inlined_and_escaped_ones_are() -> None:
    with pytest.raises(NotInlinableError, match="names nothing"):
        inlined(DOCUMENT, ["components", "schemas", "dangling"])
    with pytest.raises(NotInlinableError, match="nothing at"):
        inlined(DOCUMENT, ["components", "schemas", "nothing"])
    assert inlined(DOCUMENT, ["components", "schemas", "escaped"]) == {"items": {"type": "integer"}}


def test_the_specs_validators_have_no_references_and_judge_as_the_registry_does() -> None:
    spec = ApiContract.load(SPEC)
    operation = spec.operations["updateRun"]
    assert operation.body is not None
    validator = operation.body.media_types[JSON]
    assert validator is not None
    assert "$ref" not in str(validator.full.schema)
    assert all("$ref" not in str(p.validator.full.schema) for p in operation.parameters)
    document = spec.document
    referenced = _registry_validator(document, "runUpdate")
    inline = Draft202012Validator(inlined(document, ["components", "schemas", "runUpdate"]))
    values: list[object] = [None, 1, "", "x" * 300, "running", "unknownFutureValue", [], {}]
    values += ["2026-11-24T02:00:00Z", {"code": "c", "message": "m"}, {"code": 1}]
    keys = ["displayName", "startDateTime", "endDateTime", "status", "blockingError"]
    keys += ["statistics", "id", "@odata.type"]
    rng = random.Random(7)  # noqa: S311 - repeatable test data, not secrets
    for _ in range(300):
        body = {k: rng.choice(values) for k in rng.sample(keys, rng.randint(0, 4))}
        assert _errors(inline, body) == _errors(referenced, body), body
