"""The run resource takes its `@odata.type` from the loaded spec, not from a constant in code."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from reference_server.resource import run_odata_type, run_resource
from reference_server.settings import DEFAULT_SPEC
from reference_server.spec import Spec
from reference_server.storage.base import RUN_FIELDS, StoredRun

SHIPPED = Spec.load(DEFAULT_SPEC)


def _run_type(document: dict[str, Any]) -> dict[str, Any]:
    property_: dict[str, Any] = document["components"]["schemas"]["run"]["properties"][
        "@odata.type"
    ]
    return property_


def test_the_type_is_the_run_schemas_const() -> None:
    assert run_odata_type(SHIPPED) == _run_type(SHIPPED.document)["const"]
    document = copy.deepcopy(SHIPPED.document)
    _run_type(document)["const"] = "#example.renamed.run"
    assert run_odata_type(Spec(document)) == "#example.renamed.run"


def test_a_spec_without_the_const_fails_at_start_up() -> None:
    document = copy.deepcopy(SHIPPED.document)
    del _run_type(document)["const"]
    with pytest.raises(ValueError, match=r"/components/schemas/run/properties/@odata.type"):
        run_odata_type(Spec(document))


def test_the_resource_has_every_property_in_order_and_the_given_type() -> None:
    run = StoredRun(flow_id="f", id="r", fields={"status": "running"}, version=3)
    resource = run_resource(run, "#example.renamed.run")
    assert list(resource) == ["@odata.type", "id", *RUN_FIELDS]
    assert resource["@odata.type"] == "#example.renamed.run"
    assert resource["status"] == "running"
    assert resource["displayName"] is None
