"""Linking by reference checks that the run exists, answers 204, and never writes the link."""

from __future__ import annotations

from bug_zoo.catalog import Variant
from bug_zoo.store import DelegatingStore
from reference_server.storage.base import IdempotencyKey, StoredRun, linked_run_missing


class ForgetfulStore(DelegatingStore):
    def link_run(
        self, flow_id: str, run_id: str, linked_run_id: str, *, key: IdempotencyKey | None = None
    ) -> StoredRun:
        linked = self.inner.get_run(flow_id, linked_run_id)
        if linked is None:
            raise linked_run_missing(flow_id, linked_run_id)
        return linked  # the INSERT of the link was forgotten


VARIANT = Variant(
    name="link_not_stored",
    bug="a reference is answered 204 but the run is never linked",
    store=ForgetfulStore,
    covers=("D17", "status:addRun:204"),
)
