"""The run resource takes its `@odata.type` from the loaded spec, not from a constant in code, and
hides evolvable enum members from callers that did not ask for them."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from reference_server.conformance import ServedContract
from reference_server.resource import (
    evolvable_statuses,
    preferences,
    run_odata_type,
    run_resource,
)
from reference_server.storage.base import RUN_FIELDS, StoredRun
from tooling.paths import SPEC

SHIPPED = ServedContract.load(SPEC)


def _run_type(document: dict[str, Any]) -> dict[str, Any]:
    property_: dict[str, Any] = document["components"]["schemas"]["run"]["properties"][
        "@odata.type"
    ]
    return property_


def test_the_type_is_the_run_schemas_default() -> None:
    assert run_odata_type(SHIPPED) == _run_type(SHIPPED.document)["default"]
    document = copy.deepcopy(SHIPPED.document)
    _run_type(document)["default"] = "#example.renamed.run"
    assert run_odata_type(ServedContract(document)) == "#example.renamed.run"


def test_a_spec_without_the_default_fails_at_start_up() -> None:
    document = copy.deepcopy(SHIPPED.document)
    del _run_type(document)["default"]
    with pytest.raises(ValueError, match=r"/components/schemas/run/properties/@odata.type"):
        run_odata_type(ServedContract(document))


def test_the_resource_has_every_property_in_order_and_the_given_type() -> None:
    run = StoredRun(flow_id="f", id="r", fields={"status": "running"}, version=3)
    resource = run_resource(run, "#example.renamed.run")
    assert list(resource) == ["@odata.type", "id", *RUN_FIELDS]
    assert resource["@odata.type"] == "#example.renamed.run"
    assert resource["status"] == "running"
    assert resource["displayName"] is None


def _with_status_after_the_sentinel(member: str) -> ServedContract:
    document = copy.deepcopy(SHIPPED.document)
    document["components"]["schemas"]["runStatus"]["enum"].append(member)
    return ServedContract(document)


def test_members_after_the_sentinel_are_evolvable() -> None:
    assert evolvable_statuses(SHIPPED) == frozenset()
    assert evolvable_statuses(_with_status_after_the_sentinel("paused")) == {"paused"}


def test_an_evolvable_status_is_the_sentinel_unless_the_caller_prefers_it() -> None:
    evolvable = evolvable_statuses(_with_status_after_the_sentinel("paused"))
    run = StoredRun(flow_id="f", id="r", fields={"status": "paused"}, version=1)
    hidden = run_resource(run, "#t", evolvable=evolvable)
    shown = run_resource(run, "#t", evolvable=evolvable, include_unknown_enum_members=True)
    assert (hidden["status"], shown["status"]) == ("unknownFutureValue", "paused")
    known = StoredRun(flow_id="f", id="r", fields={"status": "running"}, version=1)
    assert run_resource(known, "#t", evolvable=evolvable)["status"] == "running"


@pytest.mark.parametrize(
    ("values", "names"),
    [
        (["include-unknown-enum-members"], {"include-unknown-enum-members"}),
        (["respond-async, wait=10; x=1"], {"respond-async", "wait"}),
        (
            ["Include-Unknown-Enum-Members ", "odata.maxpagesize=5"],
            {"include-unknown-enum-members", "odata.maxpagesize"},
        ),
        ([" , ;"], set()),
        (['foo="x, include-unknown-enum-members, y"'], {"foo"}),  # a quoted comma splits nothing
        (['a; q="1,include-unknown-enum-members", b'], {"a", "b"}),
    ],
)
def test_preferences_are_the_names_of_each_prefer_value(values: list[str], names: set[str]) -> None:
    assert preferences(values) == names
