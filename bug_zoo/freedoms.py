"""Whether a spec grants a conforming variant's freedom, judged by the contract core.

A conforming variant answers what a correct service may answer only under some specs (members the
spec does not name are allowed only where its schemas are open). Reading `additionalProperties`
by hand misses the other ways a schema closes or opens (`patternProperties`,
`unevaluatedProperties`, `propertyNames`) and the members' values, so the spec's own validator
decides, as it does for the server, the fuzzer and the traffic checker.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contract.api import ApiContract


def members_accepted(spec: Mapping[str, Any], schema: str, members: Mapping[str, Any]) -> bool:
    """Whether an object of `components.schemas.<schema>` in `spec` may carry `members` (names and
    values) beside its own properties: the validator's only objections to an object holding just
    those members are the required properties it lacks."""
    validator = ApiContract(dict(spec)).schema_validator(schema)
    return all(
        error.validator == "required" and not error.path
        for error in validator.iter_errors(dict(members))
    )
