"""A store that hands every call to the real one, for variants that change one method."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from reference_server.storage.base import (
    JSON,
    FlowRecord,
    IdempotencyKey,
    Precondition,
    RunStore,
    StoredRun,
)


@dataclass(frozen=True)
class Update:
    """One call of `RunStore.update_run`, as a variant's bug receives it."""

    flow_id: str
    run_id: str
    changes: Mapping[str, JSON]
    process_of: str | None = None
    precondition: Precondition | None = None

    def apply(self, store: RunStore) -> StoredRun:
        """Make this call on `store`."""
        return store.update_run(
            self.flow_id,
            self.run_id,
            self.changes,
            process_of=self.process_of,
            precondition=self.precondition,
        )


class DelegatingStore(RunStore):
    """Forwards everything to `inner`; a variant overrides the method its bug lives in.

    A bug in updates overrides `update`, which receives each `update_run` call as an `Update`.
    """

    def __init__(self, inner: RunStore) -> None:
        self.inner = inner

    def load(self, flows: Sequence[FlowRecord]) -> int:
        return self.inner.load(flows)

    def create_linked_run(
        self,
        flow_id: str,
        parent_run_id: str,
        new_run_id: str,
        fields: Mapping[str, JSON],
        *,
        key: IdempotencyKey | None = None,
    ) -> StoredRun:
        return self.inner.create_linked_run(flow_id, parent_run_id, new_run_id, fields, key=key)

    def link_run(
        self, flow_id: str, run_id: str, linked_run_id: str, *, key: IdempotencyKey | None = None
    ) -> StoredRun:
        return self.inner.link_run(flow_id, run_id, linked_run_id, key=key)

    def update_run(
        self,
        flow_id: str,
        run_id: str,
        changes: Mapping[str, JSON],
        *,
        process_of: str | None = None,
        precondition: Precondition | None = None,
    ) -> StoredRun:
        return self.update(Update(flow_id, run_id, changes, process_of, precondition))

    def update(self, update: Update) -> StoredRun:
        """Make `update` on the real store (a variant may change it first, or do otherwise)."""
        return update.apply(self.inner)

    def get_run(self, flow_id: str, run_id: str) -> StoredRun | None:
        return self.inner.get_run(flow_id, run_id)

    def flow_exists(self, flow_id: str) -> bool:
        return self.inner.flow_exists(flow_id)

    def process_runs(self, flow_id: str, run_id: str) -> list[str]:
        return self.inner.process_runs(flow_id, run_id)

    def snapshot(self) -> list[FlowRecord]:
        return self.inner.snapshot()

    def close(self) -> None:
        self.inner.close()
