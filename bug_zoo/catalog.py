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
from tooling.discovery import module_names

CONTROL = "none"
"""The reference server with no bug, served like the variants: the harness must pass it."""


def bug_variants() -> tuple[str, ...]:
    """The bug variants: every module of `bug_zoo/variants/` but the control, by name. Each
    defines `VARIANT`; a new one is one module there."""
    return tuple(name for name in module_names("bug_zoo.variants") if name != CONTROL)


def conforming_variants() -> tuple[str, ...]:
    """The conforming variants: every module of `bug_zoo/conforming/`, by name, each defining
    `VARIANT`: the reference server changed in a way the contract allows, which the harness must
    pass too."""
    return module_names("bug_zoo.conforming")


NAMES = bug_variants()
CONFORMING = conforming_variants()


@dataclass(frozen=True)
class Context:
    """What a variant may use to build itself: the server's settings and state folder."""

    settings: ServerSettings
    state_dir: Path


@dataclass(frozen=True)
class Variant:
    """A bug (or, in the conforming suite, a freedom the contract leaves), how it is put around
    the reference server (any of the three ways), and the ids of the rule table it shows
    (a bug: the rules it breaks; a conforming variant: the rules whose freedom it uses).

    `name` is its module's; `bug` is its row in the zoo's tables and in `bug_zoo/README.md`
    (`make rules` writes it there): what is wrong, or for a conforming variant `none: ` and what
    it does that the contract leaves free."""

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
