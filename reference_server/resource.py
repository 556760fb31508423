"""The run resource as the API returns it, shaped by the loaded contract.

The `@odata.type` a run carries is the contract's business: it is read from the `run` schema of
the spec the server loaded (its `@odata.type` `const`), not written into code, so a spec that
renames the type changes what the server answers, and the data file is checked against the same.
"""

from __future__ import annotations

from typing import Any

from reference_server.spec import Spec
from reference_server.storage.base import RUN_FIELDS, StoredRun

RUN_SCHEMA = ("components", "schemas", "run")


def run_odata_type(spec: Spec) -> str:
    """The `const` of the `run` schema's `@odata.type`; a `ValueError` (at start-up) if none."""
    node: Any = spec.document
    for key in (*RUN_SCHEMA, "properties", "@odata.type", "const"):
        node = node.get(key) if isinstance(node, dict) else None
    if not isinstance(node, str):
        where = spec.source or "the spec"
        raise ValueError(
            f"{where}: /{'/'.join(RUN_SCHEMA)}/properties/@odata.type needs a string const"
        )
    return node


def run_resource(run: StoredRun, odata_type: str) -> dict[str, Any]:
    """The run as the API returns it: every property, in the spec's order."""
    resource: dict[str, Any] = {"@odata.type": odata_type, "id": run.id}
    for name in RUN_FIELDS:
        resource[name] = run.fields.get(name)
    return resource
