"""Update run on an id that does not exist creates the run (an upsert), instead of 404."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from bug_zoo.catalog import Variant
from bug_zoo.store import DelegatingStore
from reference_server.storage.base import (
    JSON,
    FlowRecord,
    NotFoundError,
    Precondition,
    RunRecord,
    RunStore,
    StoredRun,
)


class UpsertingStore(DelegatingStore):
    def update_run(
        self,
        flow_id: str,
        run_id: str,
        changes: Mapping[str, JSON],
        *,
        process_of: str | None = None,
        precondition: Precondition | None = None,
    ) -> StoredRun:
        try:
            return super().update_run(
                flow_id, run_id, changes, process_of=process_of, precondition=precondition
            )
        except NotFoundError:
            if process_of is not None:
                raise
        fields = {
            "displayName": "",
            "startDateTime": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "endDateTime": None,
            "status": "running",
            "blockingError": None,
            "statistics": {},
            **changes,
        }
        self.inner.load([FlowRecord(id=flow_id, runs=(RunRecord(id=run_id, fields=fields),))])
        stored = self.inner.get_run(flow_id, run_id)
        assert stored is not None
        return stored


def build(store: RunStore) -> RunStore:
    return UpsertingStore(store)


VARIANT = Variant(
    name="unknown_id_upserted",
    bug="PATCH on an id never created creates it (200, not 404)",
    store=build,
)
