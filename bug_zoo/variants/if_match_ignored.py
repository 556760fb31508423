"""`If-Match` is parsed but never checked: a stale ETag overwrites a newer update."""

from __future__ import annotations

from collections.abc import Mapping

from bug_zoo.catalog import Variant
from bug_zoo.store import DelegatingStore
from reference_server.storage.base import JSON, Precondition, RunStore, StoredRun


class IgnoringStore(DelegatingStore):
    def update_run(
        self,
        flow_id: str,
        run_id: str,
        changes: Mapping[str, JSON],
        *,
        process_of: str | None = None,
        precondition: Precondition | None = None,
    ) -> StoredRun:
        return super().update_run(flow_id, run_id, changes, process_of=process_of)


def build(store: RunStore) -> RunStore:
    return IgnoringStore(store)


VARIANT = Variant(
    name="if_match_ignored",
    bug="a stale `If-Match` is applied (lost update), not 412",
    store=build,
)
