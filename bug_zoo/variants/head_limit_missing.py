"""Built with its head limits raised to the most the settings allow: a head over the contract's
32 KiB cap is served, not answered 431, as a server whose HTTP layer was left at its defaults."""

from __future__ import annotations

import dataclasses

from bug_zoo.catalog import Context, Variant
from reference_server.settings import ServerSettings

RAISED_BYTES = 1 << 20
RAISED_FIELDS = 10_000


def build(settings: ServerSettings, context: Context) -> ServerSettings:
    limits = dataclasses.replace(
        settings.limits, max_header_bytes=RAISED_BYTES, max_headers=RAISED_FIELDS
    )
    return dataclasses.replace(settings, limits=limits)


VARIANT = Variant(
    name="head_limit_missing",
    bug="request heads over the documented 32 KiB are served (no 431)",
    settings=build,
    covers=("head:size",),
)
