"""A valid token without `IndustryData-InboundFlow.ReadWrite.All` may write anyway.

Authenticated is taken for authorized: the permission check never runs.
"""

from __future__ import annotations

from bug_zoo.catalog import Variant
from bug_zoo.leniency import served_as_dev_user

VARIANT = Variant(
    name="no_permission_accepted",
    bug="a token without the permission may write",
    middleware=served_as_dev_user(403),
    covers=("D6", "status:*:403"),
)
