"""Add run takes `Idempotency-Key` and drops it: a create sent again after a lost answer makes a
second run, as a service that documents the header but never stored the keys would."""

from __future__ import annotations

from collections.abc import Mapping

from bug_zoo.catalog import Variant
from bug_zoo.store import DelegatingStore
from reference_server.storage.base import JSON, IdempotencyKey, StoredRun


class KeylessStore(DelegatingStore):
    def create_linked_run(
        self,
        flow_id: str,
        parent_run_id: str,
        new_run_id: str,
        fields: Mapping[str, JSON],
        *,
        key: IdempotencyKey | None = None,
    ) -> StoredRun:
        return self.inner.create_linked_run(flow_id, parent_run_id, new_run_id, fields)


VARIANT = Variant(
    name="idempotency_key_ignored",
    bug="a create sent again with the same `Idempotency-Key` makes a second run",
    store=KeylessStore,
    covers=("D28", "status:addRun:422", "header:Location"),
)
