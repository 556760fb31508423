"""What the spec declares reaches the client: readable enum members, parameter descriptions in the
docstrings, and the same id rule as the server's (decisions D19, D20)."""

from __future__ import annotations

import inspect
import re
from types import ModuleType
from typing import Any

import pytest
from industrydata_runs_client import types
from industrydata_runs_client.api.industry_data_run import add_run, update_process_run, update_run
from industrydata_runs_client.models import (
    OdataTypeRun,
    PublicErrorOdataType,
    RunStatus,
    RunStatusInput,
)

from contract.refs import resolve
from tests.client.support import spec

MODULES = {"addRun": add_run, "updateRun": update_run, "updateProcessRun": update_process_run}


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z])(?=[A-Z])", "_", name).replace("-", "_").lower()


def _parameters(operation_id: str) -> list[dict[str, Any]]:
    """The operation's parameters as the spec declares them, `$ref`s followed."""
    for template, item in spec()["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                declared = [
                    *item.get("parameters", []),
                    *operation.get("parameters", []),
                ]
                return [
                    resolve(spec(), entry, ("paths", template, method))[0] for entry in declared
                ]
    raise KeyError(operation_id)


def test_enum_members_read_like_the_spec_values() -> None:
    assert RunStatus.COMPLETED_WITH_ERRORS.value == "completedWithErrors"
    assert RunStatus.UNKNOWN_FUTURE_VALUE.value == "unknownFutureValue"
    assert RunStatusInput.COMPLETED_WITH_WARNINGS.value == "completedWithWarnings"
    run_type = OdataTypeRun.MICROSOFT_GRAPH_INDUSTRY_DATA_RUN
    assert run_type.value == "#microsoft.graph.industryData.run"
    error_type = PublicErrorOdataType.HASH_MICROSOFT_GRAPH_PUBLIC_ERROR
    assert error_type.value == "#microsoft.graph.publicError"
    for enum in (RunStatus, RunStatusInput, OdataTypeRun, PublicErrorOdataType):
        assert not [name for name in enum.__members__ if name.startswith("VALUE_")], enum


@pytest.mark.parametrize("operation_id", sorted(MODULES))
def test_each_parameter_docstring_is_the_specs_description(operation_id: str) -> None:
    module: ModuleType = MODULES[operation_id]
    for function in (module.sync, module.sync_detailed, module.asyncio, module.asyncio_detailed):
        doc = " ".join((inspect.getdoc(function) or "").split())
        for parameter in _parameters(operation_id):
            described = " ".join(parameter["description"].split()).split(". ")[0]
            python_name = _snake(parameter["name"])
            found = re.search(rf"\b{python_name} \([^)]*\): (.*)", doc)
            assert found, (operation_id, python_name)
            # The docstring wraps at hyphens too: "include-unknown- enum-members".
            text = found.group(1).replace("- ", "-")
            assert text.startswith(described[:40]), (python_name, text[:80], described)
    assert "assigns GUIDs" not in (inspect.getdoc(module.sync_detailed) or "")


def test_the_clients_id_rule_is_the_specs() -> None:
    schemas = spec()["components"]["schemas"]
    assert schemas["entityId"]["pattern"] == types.ENTITY_ID_PATTERN
    assert schemas["entityId"]["maxLength"] == types.ENTITY_ID_MAX_LENGTH
    assert frozenset(schemas["notDotSegment"]["not"]["enum"]) == types.DOT_SEGMENTS
    for parameter in _parameters("updateProcessRun"):
        if parameter["in"] == "path":
            refs = [entry["$ref"] for entry in parameter["schema"]["allOf"]]
            assert refs == ["#/components/schemas/entityId", "#/components/schemas/notDotSegment"]
