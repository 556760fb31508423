"""Facts the checks and probes take from `openapi.yaml`, so that they follow the spec's changes.

The spec is read by the kit's one loader (`contract.loading`: a repeated key is refused, with its
line) and its `$ref`s are followed by the one resolver (`contract.refs`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from contract.loading import load_document
from contract.patterns import EcmaValidator
from contract.refs import registry, resolve, uri_of

SPEC_PATH = Path(__file__).resolve().parent.parent / "openapi.yaml"
# Which schemas each operation's request body follows (Add run: a run or a reference to link); the
# operation ids are the spec's own.
_BODY_SCHEMAS = {
    "addRun": ("runCreate", "runReference"),
    "updateRun": ("runUpdate",),
    "updateProcessRun": ("runUpdate",),
}
REFERENCE = "@odata.id"


def spec_path() -> Path:
    """The spec to fuzz: `FUZZ_SPEC` when set, else the repository's `openapi.yaml`."""
    return Path(os.environ.get("FUZZ_SPEC", SPEC_PATH))


@dataclass(frozen=True)
class Contract:
    """The parts of the spec the checks need, read once."""

    document: dict[str, Any]
    # Validators are costly to build (a registry of the whole document each); checks ask for
    # the same few on every response.
    _validators: dict[tuple[str, ...], jsonschema.protocols.Validator] = field(
        default_factory=dict, compare=False, repr=False
    )

    def schema(self, name: str) -> dict[str, Any]:
        schema: dict[str, Any] = self.document["components"]["schemas"][name]
        return schema

    def body_properties(
        self, operation_id: str, body: Mapping[str, Any] | None = None
    ) -> frozenset[str]:
        """The properties a request body of `operation_id` may carry.

        Where the body may take one of several shapes (Add run: a run or a reference), `body`
        picks them: the shapes whose required properties it has (all shapes when it has none's).
        A property is allowed only if each picked shape names it: a run body that also names
        `@odata.id` has one property too many whichever way it is read.
        """
        shapes = [self.schema(name) for name in _BODY_SCHEMAS[operation_id]]
        if body is not None:
            fitting = [s for s in shapes if set(s.get("required", ())) <= set(body)]
            if fitting:
                return frozenset.intersection(
                    *(frozenset(s.get("properties", {})) for s in fitting)
                )
        return frozenset(name for s in shapes for name in s.get("properties", {}))

    def _resolve(self, item: dict[str, Any]) -> dict[str, Any]:
        target: dict[str, Any] = resolve(self.document, item, (), strict=True)[0]
        return target

    def header_parameters(self, operation_id: str) -> dict[str, dict[str, Any]]:
        """The request headers `operation_id` declares, lower-cased, with their schemas."""
        for path_item in self.document["paths"].values():
            for operation in path_item.values():
                if not isinstance(operation, dict) or operation.get("operationId") != operation_id:
                    continue
                declared = [*path_item.get("parameters", []), *operation.get("parameters", [])]
                parameters = (self._resolve(parameter) for parameter in declared)
                return {
                    parameter["name"].lower(): self._resolve(parameter.get("schema", {}))
                    for parameter in parameters
                    if parameter.get("in") == "header"
                }
        return {}

    @property
    def time_properties(self) -> frozenset[str]:
        """The run properties that hold DateTimeOffset values."""
        properties = self.schema("run").get("properties", {})
        return frozenset(
            name for name, schema in properties.items() if "dateTimeOffset" in json.dumps(schema)
        )

    @property
    def nested_error_properties(self) -> frozenset[str]:
        """The properties a `blockingError` may carry."""
        return frozenset(self.schema("publicError").get("properties", {}))

    @property
    def input_statuses(self) -> frozenset[str]:
        return frozenset(self.schema("runStatusInput")["enum"])

    @property
    def sentinel_statuses(self) -> frozenset[str]:
        """Statuses a response may carry but a request may not (Graph's `unknownFutureValue`)."""
        return frozenset(self.schema("runStatus")["enum"]) - self.input_statuses

    @property
    def response_statuses_up_to_sentinel(self) -> frozenset[str]:
        """The `runStatus` members up to `unknownFutureValue`: what a caller that did not send
        `Prefer: include-unknown-enum-members` may get (D5, D20)."""
        members = [str(member) for member in self.schema("runStatus")["enum"]]
        sentinels = sorted(self.sentinel_statuses, key=members.index)
        return frozenset(members[: members.index(sentinels[-1]) + 1] if sentinels else members)

    @property
    def max_body_bytes(self) -> int:
        value: int = self.document["info"]["x-max-request-body-bytes"]
        return value

    @property
    def run_odata_type(self) -> str:
        """A run's `@odata.type`: may be left out, and when present is this (its `default`; a
        `const` in specs before 2.0.0)."""
        schema = self.schema("run")["properties"]["@odata.type"]
        value: str = schema.get("const", schema.get("default"))
        return value

    def is_entity_id(self, value: str) -> bool:
        """Whether `value` is an id the spec accepts in a path (`entityId`, no dot segment)."""
        return all(self.validator(name).is_valid(value) for name in ("entityId", "notDotSegment"))

    def server_urls(self) -> list[str]:
        """The absolute URLs of the spec's `servers`: a reference may name a run at any of them."""
        urls = [str(server.get("url", "")) for server in self.document.get("servers", [])]
        return [url.rstrip("/") for url in urls if "://" in url]

    def _operation(self, operation_id: str) -> tuple[dict[str, Any], tuple[str, ...]]:
        for path, item in self.document["paths"].items():
            for method, operation in item.items():
                if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                    return operation, ("paths", path, method)
        raise KeyError(operation_id)

    def response(self, operation_id: str, status: int) -> dict[str, Any] | None:
        """The response `operation_id` documents for `status` (`$ref`s followed), or None."""
        operation, pointer = self._operation(operation_id)
        declared = operation.get("responses", {}).get(str(status))
        if declared is None:
            return None
        target: dict[str, Any] = resolve(
            self.document, declared, (*pointer, "responses", str(status)), strict=True
        )[0]
        return target

    def response_validator(
        self, operation_id: str, status: int
    ) -> jsonschema.protocols.Validator | None:
        """A validator of the JSON body `operation_id` documents for `status`, or None."""
        key = ("response", operation_id, str(status))
        if key not in self._validators:
            found = self._response_validator(operation_id, status)
            if found is None:
                return None
            self._validators[key] = found
        return self._validators[key]

    def _response_validator(
        self, operation_id: str, status: int
    ) -> jsonschema.protocols.Validator | None:
        operation, pointer = self._operation(operation_id)
        declared = operation.get("responses", {}).get(str(status))
        if declared is None:
            return None
        response, at = resolve(
            self.document, declared, (*pointer, "responses", str(status)), strict=True
        )
        if "application/json" not in response.get("content", {}):
            return None
        return EcmaValidator(
            {"$ref": uri_of((*at, "content", "application/json", "schema"))},
            registry=registry(self.document),
            format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
        )

    def header_schema(self, name: str) -> dict[str, Any]:
        """The schema of response header `name` (a component of `components.headers`)."""
        schema: dict[str, Any] = self.document["components"]["headers"][name].get("schema", {})
        return schema

    def validator(self, schema_name: str) -> jsonschema.protocols.Validator:
        """A validator for one of the spec's component schemas, `$ref`s resolved in the spec."""
        key = ("schema", schema_name)
        if key not in self._validators:
            self._validators[key] = self._schema_validator(schema_name)
        return self._validators[key]

    def _schema_validator(self, schema_name: str) -> jsonschema.protocols.Validator:
        return EcmaValidator(
            {"$ref": uri_of(("components", "schemas", schema_name))},
            registry=registry(self.document),
            format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
        )


@cache
def contract() -> Contract:
    """The spec to fuzz, read once; raises `SpecLoadError` when the loader refuses it."""
    return Contract(document=load_document(spec_path()))
