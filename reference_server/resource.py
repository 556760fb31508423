"""The run resource as the API returns it, shaped by the loaded contract.

The `@odata.type` a run carries is the contract's business: it is read from the `run` schema of
the spec the server loaded (the `default` of its `@odata.type`: the value a client may assume when
the member is left out), not written into code, so a spec that renames the type changes what the
server answers, and the data file is checked against the same.

Evolvable enumerations: members of `runStatus` listed after Graph's sentinel `unknownFutureValue`
are returned as the sentinel, unless the caller sent `Prefer: include-unknown-enum-members`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.request import parse_http_list

from reference_server.conformance import ServedContract
from reference_server.storage.base import RUN_FIELDS, StoredRun

RUN_SCHEMA = ("components", "schemas", "run")
STATUS_SCHEMA = ("components", "schemas", "runStatus")
SENTINEL = "unknownFutureValue"
INCLUDE_UNKNOWN_ENUM_MEMBERS = "include-unknown-enum-members"


def _node(spec: ServedContract, pointer: tuple[str, ...]) -> Any:
    node: Any = spec.document
    for key in pointer:
        node = node.get(key) if isinstance(node, dict) else None
    return node


def run_odata_type(spec: ServedContract) -> str:
    """The `default` of the `run` schema's `@odata.type`; a `ValueError` (at start-up) if none."""
    node = _node(spec, (*RUN_SCHEMA, "properties", "@odata.type", "default"))
    if not isinstance(node, str):
        where = spec.source or "the spec"
        raise ValueError(
            f"{where}: /{'/'.join(RUN_SCHEMA)}/properties/@odata.type needs a string default"
        )
    return node


def evolvable_statuses(spec: ServedContract) -> frozenset[str]:
    """The `runStatus` members after the sentinel: returned only to callers that prefer them."""
    members = _node(spec, (*STATUS_SCHEMA, "enum"))
    if not isinstance(members, list) or SENTINEL not in members:
        return frozenset()
    return frozenset(str(m) for m in members[members.index(SENTINEL) + 1 :])


def preferences(values: Iterable[str]) -> frozenset[str]:
    """The preference names of `Prefer` header values (RFC 7240), lower-cased.

    `Prefer: respond-async, wait=10; x=1` names `respond-async` and `wait`; tokens are
    case-insensitive. The list is split as RFC 7240's grammar reads it (the standard library's
    `parse_http_list`), so a comma inside a quoted value splits nothing:
    `foo="x, include-unknown-enum-members"` names only `foo`.
    """
    names = set()
    for value in values:
        for preference in parse_http_list(value):
            name = preference.split(";", 1)[0].split("=", 1)[0].strip().lower()
            if name:
                names.add(name)
    return frozenset(names)


def run_resource(
    run: StoredRun,
    odata_type: str,
    *,
    evolvable: frozenset[str] = frozenset(),
    include_unknown_enum_members: bool = False,
) -> dict[str, Any]:
    """The run as the API returns it: every property, in the spec's order.

    A status among `evolvable` is the sentinel unless the caller asked for unknown members.
    """
    resource: dict[str, Any] = {"@odata.type": odata_type, "id": run.id}
    for name in RUN_FIELDS:
        resource[name] = run.fields.get(name)
    if resource.get("status") in evolvable and not include_unknown_enum_members:
        resource["status"] = SENTINEL
    return resource
