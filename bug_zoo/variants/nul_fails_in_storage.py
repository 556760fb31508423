"""A string holding NUL (`\\u0000`) fails in storage: the write is a 500, not kept.

JSON allows `\\u0000` in any string, and the contract keeps what it accepts (D38), but
PostgreSQL's `text` and `jsonb` refuse the NUL character ("invalid byte sequence"), and a server
that hands them the string as it came fails the write with a 500.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bug_zoo.catalog import Variant
from bug_zoo.store import DelegatingStore, Update
from reference_server.storage.base import JSON, IdempotencyKey, StoredRun


def _holds_nul(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_holds_nul(name) or _holds_nul(member) for name, member in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return isinstance(value, str) and "\x00" in value


class NulRefusingStore(DelegatingStore):
    """Fails any write that holds NUL, as PostgreSQL's text types do."""

    def create_linked_run(
        self,
        flow_id: str,
        parent_run_id: str,
        new_run_id: str,
        fields: Mapping[str, JSON],
        *,
        key: IdempotencyKey | None = None,
    ) -> StoredRun:
        if _holds_nul(dict(fields)):
            raise ValueError("invalid byte sequence for encoding UTF8: 0x00")
        return super().create_linked_run(flow_id, parent_run_id, new_run_id, fields, key=key)

    def update(self, update: Update) -> StoredRun:
        if _holds_nul(dict(update.changes)):
            raise ValueError("invalid byte sequence for encoding UTF8: 0x00")
        return super().update(update)


VARIANT = Variant(
    name="nul_fails_in_storage",
    bug="a string holding NUL (`\\u0000`) is a 500, not kept (PostgreSQL's text refuses it)",
    store=NulRefusingStore,
    covers=("D7", "status:update*:200", "status:addRun:204"),
)
