"""The variants, by name, and what each one needs to be built.

Two suites share one mechanism: the bug variants (`bug_zoo/variants/`, one realistic bug each,
which `make fuzz-zoo` must catch) and the conforming variants (`bug_zoo/conforming/`, servers
that differ from the reference server only in what the contract leaves free, which
`make fuzz-conforming` must pass: a false alarm costs as much trust as a missed bug).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.types import ASGIApp

from reference_server.settings import ServerSettings
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
    "lenient_times",
    "impossible_dates_rolled",
    "length_counts_utf16",
    "null_name_accepted",
    "validation_422",
    "process_link_unchecked",
    "seed_type_in_responses",
    "slash_in_ids_decoded",
    "etag_frozen",
    "update_not_persisted",
    "no_challenge_on_403",
    "link_not_stored",
    "link_ignores_flow",
    "wrong_odata_type",
    "prefer_read_whole",
)
CONTROL = "none"
"""The reference server with no bug, served like the variants: the harness must pass it."""

# One module per conforming variant under bug_zoo/conforming/, each defining `VARIANT`: the
# reference server changed in a way the contract allows, which the harness must pass too.
CONFORMING = (
    "location_by_process_path",
    "not_found_first",
    "opaque_etags",
    "weak_etags",
    "open_errors",
    "odata_annotations",
)


@dataclass(frozen=True)
class Context:
    """What a variant may use to build itself: the server's settings and state folder."""

    settings: ServerSettings
    state_dir: Path


@dataclass(frozen=True)
class Variant:
    """A bug (or, in the conforming suite, a freedom the contract leaves), how it is put around
    the reference server (any of the three ways), and the ids of the rule table it shows
    (a bug: the rules it breaks; a conforming variant: the rules whose freedom it uses)."""

    name: str
    bug: str
    middleware: Callable[[ASGIApp, Context], ASGIApp] | None = None
    store: Callable[[RunStore], RunStore] | None = None
    settings: Callable[[ServerSettings, Context], ServerSettings] | None = None
    covers: tuple[str, ...] = ()
    conforms_to: Callable[[Mapping[str, Any]], bool] | None = None
    """For a conforming variant whose freedom a spec must grant first: whether this spec does.
    Against a spec that does not, the variant breaks the contract, and must be caught."""


def is_conforming(name: str, spec: Mapping[str, Any] | None = None) -> bool:
    """Whether `name` is a server the harness must pass against `spec` (the control, or a
    conforming variant whose freedom `spec` grants; every conforming variant without `spec`)."""
    if name == CONTROL:
        return True
    if name not in CONFORMING:
        return False
    granted = load(name).conforms_to
    return spec is None or granted is None or granted(spec)


def load(name: str) -> Variant:
    """The variant called `name` (a bug, the control or a conforming one); `KeyError` if none."""
    if name in CONFORMING:
        package = "conforming"
    elif name in (*NAMES, CONTROL):
        package = "variants"
    else:
        raise KeyError(name)
    module = importlib.import_module(f"bug_zoo.{package}.{name}")
    variant: Variant = module.VARIANT
    return variant
