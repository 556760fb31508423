"""403 leaves out `WWW-Authenticate`, as Graph and most frameworks' forbidden answers do: the
contract asks for a challenge on 401 only, and judges a 403's only when one is sent (D8).

Needs a spec whose 403 responses do not require the header: against one that does (2.0.0),
`make fuzz` rightly fails it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bug_zoo.asgi import answering_with_header
from bug_zoo.catalog import Variant
from contract.api import ApiContract


def challenge_optional_on_403(spec: Mapping[str, Any]) -> bool:
    """Whether no operation of `spec` requires `WWW-Authenticate` on its 403."""
    for operation in ApiContract(dict(spec)).operations.values():
        forbidden = operation.responses.get("403")
        declared = forbidden.headers.get("www-authenticate") if forbidden else None
        if declared is not None and declared.required:
            return False
    return True


VARIANT = Variant(
    name="no_challenge_on_403",
    bug="none: 403 without `WWW-Authenticate`, as Graph answers",
    middleware=answering_with_header(403, "www-authenticate", None),
    covers=("D8", "header:WWW-Authenticate", "status:*:403"),
    conforms_to=challenge_optional_on_403,
)
