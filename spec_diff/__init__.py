"""Classify the differences between two OpenAPI 3.1 documents as breaking or not.

oasdiff (the Go tool) cannot be installed here, so the kit implements the checks it needs itself,
but names every kind of change with oasdiff's rule id, so that a report reads the same as oasdiff's
and the gate can later be swapped for oasdiff without relearning the vocabulary. The ids were
checked against oasdiff's checker sources (``checker/rules.go`` and the ``*Id`` constants of
``checker/check_*.go``, oasdiff/oasdiff at commit 4553c69d). oasdiff's levels map to ours as
ERR and WARN -> breaking (``oasdiff breaking`` reports both), INFO -> non-breaking.

Where oasdiff has no rule for a kind of change, the id starts with ``local-``.

Everything here is a pure function of two already-loaded documents. The modules, by concern:
`changes` (the record and the rule ids), `resolve` (lenient accessors, and `$ref`s followed by
`contract.refs`), `nodes` and `schemas` (schema comparison), `operations`, `parameters`, `bodies`,
`responses` and `security`.
"""

from __future__ import annotations

from collections.abc import Iterator

from contract.refs import escape
from spec_diff.changes import (
    BREAKING,
    LOCAL,
    NON_BREAKING,
    RULES,
    SCHEMA_LEVELS,
    Change,
    Level,
    Spec,
    fixed,
)
from spec_diff.operations import path_changes
from spec_diff.resolve import as_mapping
from spec_diff.security import global_security_changes, scheme_changes
from spec_diff.servers import server_changes

__all__ = [
    "BREAKING",
    "LOCAL",
    "NON_BREAKING",
    "RULES",
    "SCHEMA_LEVELS",
    "Change",
    "Level",
    "diff_specs",
]


def diff_specs(base: Spec, revision: Spec) -> list[Change]:
    """Every classified difference from ``base`` to ``revision``, breaking ones first.

    A component shared by several responses of one operation is reported once for it.
    """
    changes = dict.fromkeys(
        [
            *path_changes(base, revision),
            *global_security_changes(base, revision),
            *scheme_changes(base, revision),
            *server_changes(base, revision),
            *_component_changes(base, revision),
        ]
    )
    return sorted(changes, key=lambda change: change.level != BREAKING)


def _component_changes(base: Spec, rev: Spec) -> Iterator[Change]:
    old = as_mapping(as_mapping(base.get("components")).get("schemas"))
    new = as_mapping(as_mapping(rev.get("components")).get("schemas"))
    for name in sorted(old.keys() - new.keys()):
        pointer = f"/components/schemas/{escape(name)}"
        yield fixed("api-schema-removed", "components", pointer, f"schema '{name}' removed")
