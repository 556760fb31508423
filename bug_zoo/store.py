"""A store that hands every call to the real one, for variants that change one method."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from reference_server.storage.base import JSON, FlowRecord, Precondition, RunStore, StoredRun


class DelegatingStore(RunStore):
    """Forwards everything to `inner`; a variant overrides the method its bug lives in."""

    def __init__(self, inner: RunStore) -> None:
        self.inner = inner

    def load(self, flows: Sequence[FlowRecord]) -> int:
        return self.inner.load(flows)

    def create_linked_run(
        self, flow_id: str, parent_run_id: str, new_run_id: str, fields: Mapping[str, JSON]
    ) -> StoredRun:
        return self.inner.create_linked_run(flow_id, parent_run_id, new_run_id, fields)

    def update_run(
        self,
        flow_id: str,
        run_id: str,
        changes: Mapping[str, JSON],
        *,
        process_of: str | None = None,
        precondition: Precondition | None = None,
    ) -> StoredRun:
        return self.inner.update_run(
            flow_id, run_id, changes, process_of=process_of, precondition=precondition
        )

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
