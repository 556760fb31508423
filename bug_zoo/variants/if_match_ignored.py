"""`If-Match` is parsed but never checked: a stale ETag overwrites a newer update."""

from __future__ import annotations

import dataclasses

from bug_zoo.catalog import Variant
from bug_zoo.store import DelegatingStore, Update
from reference_server.storage.base import StoredRun


class IgnoringStore(DelegatingStore):
    def update(self, update: Update) -> StoredRun:
        return super().update(dataclasses.replace(update, precondition=None))


VARIANT = Variant(
    name="if_match_ignored",
    bug="a stale `If-Match` is applied (lost update), not 412",
    store=IgnoringStore,
    covers=("D12", "status:update*:412"),
)
