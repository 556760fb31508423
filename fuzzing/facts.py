"""Facts the checks and probes take from `openapi.yaml`, so that they follow the spec's changes.

The contract is the kit's one reading of the spec (`contract.api`: the one loader, resolver and
validators), so what the fuzzer calls valid is what the server and the traffic checker call
valid; this adds what the checks ask of it by name.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from contract.api import JSON, ApiContract
from contract.refs import lookup
from contract.validators import SchemaValidator
from tooling.paths import SPEC

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
    return Path(os.environ.get("FUZZ_SPEC", SPEC))


class SpecFacts(ApiContract):
    """The loaded contract, with the facts the checks and probes ask of it by name."""

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

    def header_parameters(self, operation_id: str) -> dict[str, SchemaValidator]:
        """The request headers `operation_id` declares, lower-cased, with their validators."""
        operation = self.operations.get(operation_id)
        if operation is None:
            return {}
        return {
            parameter.name.lower(): parameter.validator
            for parameter in operation.parameters
            if parameter.location == "header"
        }

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
    def run_odata_type(self) -> str:
        """A run's `@odata.type`: may be left out, and when present is this (its `default`; a
        `const` in specs before 2.0.0)."""
        schema = self.schema("run")["properties"]["@odata.type"]
        value: str = schema.get("const", schema.get("default"))
        return value

    def is_entity_id(self, value: str) -> bool:
        """Whether `value` is an id the spec accepts in a path (`entityId`, no dot segment)."""
        return all(
            self.schema_validator(name).is_valid(value) for name in ("entityId", "notDotSegment")
        )

    def server_urls(self) -> list[str]:
        """The absolute URLs of the published contract's servers (not `x-internal`): a reference
        may name a run at any of them, or at the service's own base URL (D17)."""
        return self._servers(internal=False)

    def internal_server_urls(self) -> list[str]:
        """The absolute URLs of the spec's `x-internal` servers (the loopback dev server): not
        published, so a reference there names a run only when the request was sent there."""
        return self._servers(internal=True)

    def _servers(self, *, internal: bool) -> list[str]:
        servers = [
            server
            for server in self.document.get("servers", [])
            if isinstance(server, dict) and (server.get("x-internal") is True) == internal
        ]
        urls = [str(server.get("url", "")) for server in servers]
        return [url.rstrip("/") for url in urls if "://" in url]

    def response(self, operation_id: str, status: int) -> dict[str, Any] | None:
        """The response `operation_id` documents for `status` (`$ref`s followed): by its code,
        else by its range (`4XX`); None when neither documents it."""
        documented = self.operation(operation_id).response_for(status)
        if documented is None:
            return None
        found: dict[str, Any] = lookup(self.document, documented.pointer)
        return found

    def response_validator(self, operation_id: str, status: int) -> SchemaValidator | None:
        """The validator of the JSON body `operation_id` documents for `status` (by code or by
        range), or None."""
        documented = self.operation(operation_id).response_for(status)
        if documented is None or documented.content is None:
            return None
        return documented.content.media_types.get(JSON)

    def header_schema(self, name: str) -> dict[str, Any]:
        """The schema of response header `name` (a component of `components.headers`)."""
        schema: dict[str, Any] = self.document["components"]["headers"][name].get("schema", {})
        return schema


@cache
def contract() -> SpecFacts:
    """The spec to fuzz, read once; raises `SpecLoadError` when the loader refuses it."""
    return SpecFacts.load(spec_path())
