"""Update run on an id that does not exist creates the run (an upsert), instead of 404."""

from __future__ import annotations

from datetime import UTC, datetime

from bug_zoo.catalog import Variant
from bug_zoo.store import DelegatingStore, Update
from reference_server.storage.base import FlowRecord, NotFoundError, RunRecord, StoredRun


class UpsertingStore(DelegatingStore):
    def update(self, update: Update) -> StoredRun:
        try:
            return super().update(update)
        except NotFoundError:
            if update.process_of is not None:
                raise
        fields = {
            "displayName": "",
            "startDateTime": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "endDateTime": None,
            "status": "running",
            "blockingError": None,
            "statistics": {},
            **update.changes,
        }
        run = RunRecord(id=update.run_id, fields=fields)
        self.inner.load([FlowRecord(id=update.flow_id, runs=(run,))])
        stored = self.inner.get_run(update.flow_id, update.run_id)
        assert stored is not None
        return stored


VARIANT = Variant(
    name="unknown_id_upserted",
    bug="PATCH on an id never created creates it (200, not 404)",
    store=UpsertingStore,
    covers=("status:*:404",),
)
