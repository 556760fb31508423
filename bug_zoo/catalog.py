"""The variants, by name, and what each one needs to be built."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from starlette.types import ASGIApp

from reference_server.settings import Settings
from reference_server.storage.base import RunStore

# One module per variant under bug_zoo/variants/, each defining `VARIANT`.
NAMES = (
    "malformed_json_500",
    "invalid_enum_accepted",
    "sentinel_accepted",
    "ignores_auth",
    "no_permission_accepted",
    "no_content_with_body",
    "patch_resets_unsent",
    "truncates_fraction",
    "wrong_content_type",
    "drops_null_properties",
    "unknown_id_upserted",
    "partial_apply",
    "unknown_properties_accepted",
    "client_request_id_dropped",
    "stack_trace_in_errors",
    "body_limit_missing",
    "if_match_ignored",
    "location_names_parent",
    "plain_text_405",
    "link_not_stored",
    "link_ignores_flow",
    "wrong_odata_type",
)
CONTROL = "none"
"""The reference server with no bug, served like the variants: the harness must pass it."""

# One module per conforming variant under bug_zoo/conforming/, each defining `VARIANT`: the
# reference server changed in a way the contract allows, which the harness must pass too.
CONFORMING = ("odata_annotations",)


@dataclass(frozen=True)
class Context:
    """What a variant may use to build itself: the server's settings and state folder."""

    settings: Settings
    state_dir: Path


@dataclass(frozen=True)
class Variant:
    """A bug, and how it is put around the reference server (any of the three ways)."""

    name: str
    bug: str
    middleware: Callable[[ASGIApp, Context], ASGIApp] | None = None
    store: Callable[[RunStore], RunStore] | None = None
    settings: Callable[[Settings, Context], Settings] | None = None


def load(name: str) -> Variant:
    """The variant called `name` (the control, a conforming one); `KeyError` if not listed."""
    if name in CONFORMING:
        package = "conforming"
    elif name in (*NAMES, CONTROL):
        package = "variants"
    else:
        raise KeyError(name)
    module = importlib.import_module(f"bug_zoo.{package}.{name}")
    variant: Variant = module.VARIANT
    return variant
