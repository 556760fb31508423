"""Paths and operations: which were added, removed or deprecated, and what changed in the rest.

Paths match whatever their parameters are called, as in oasdiff: renaming ``{runId}`` changes
nothing for a client.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, Final

from contract.refs import escape
from spec_diff.bodies import request_body_changes
from spec_diff.changes import Change, Spec, description_changes, fixed
from spec_diff.parameters import parameter_changes
from spec_diff.resolve import as_mapping, resolved_mapping
from spec_diff.responses import response_set_changes
from spec_diff.security import operation_security_changes

METHODS: Final = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def path_changes(base: Spec, rev: Spec) -> Iterator[Change]:
    """Every change under ``paths``: operations added, removed, and changed."""
    old, new = _paths(base), _paths(rev)
    for key, path in old.items():
        if key not in new:
            yield from _path_removed(base, path)
            continue
        yield from _operation_set_changes(base, rev, path, new[key])
    for key, path in new.items():
        if key not in old:
            for method in _operations(rev, path):
                yield _added_operation(method, path)


def _path_key(path: str) -> str:
    return re.sub(r"\{[^}/]*\}", "{}", path)


def _paths(doc: Spec) -> dict[str, str]:
    return {_path_key(path): path for path in as_mapping(doc.get("paths"))}


def _operations(doc: Spec, path: str) -> dict[str, Mapping[str, Any]]:
    item = resolved_mapping(doc, as_mapping(doc.get("paths")).get(path))
    return {m: as_mapping(item[m]) for m in METHODS if isinstance(item.get(m), Mapping)}


def _op_pointer(path: str, method: str) -> str:
    return f"/paths/{escape(path)}/{method}"


def _where(method: str, path: str) -> str:
    return f"{method.upper()} {path}"


def _added_operation(method: str, path: str) -> Change:
    return fixed("endpoint-added", _where(method, path), _op_pointer(path, method), "added")


def _path_removed(base: Spec, path: str) -> Iterator[Change]:
    for method, op in _operations(base, path).items():
        deprecated = op.get("deprecated") is True
        rule = f"api-path-removed-with{'' if deprecated else 'out'}-deprecation"
        yield fixed(rule, _where(method, path), f"/paths/{escape(path)}", "path removed")


def _operation_set_changes(base: Spec, rev: Spec, bpath: str, rpath: str) -> Iterator[Change]:
    old, new = _operations(base, bpath), _operations(rev, rpath)
    for method, op in old.items():
        if method not in new:
            deprecated = op.get("deprecated") is True
            rule = f"api-removed-with{'' if deprecated else 'out'}-deprecation"
            yield fixed(rule, _where(method, bpath), _op_pointer(bpath, method), "removed")
    for method in new.keys() - old.keys():
        yield _added_operation(method, rpath)
    for method in sorted(old.keys() & new.keys()):
        yield from _operation_changes(base, rev, (bpath, rpath), method)


def _operation_changes(
    base: Spec, rev: Spec, paths: tuple[str, str], method: str
) -> Iterator[Change]:
    bpath, rpath = paths
    bop, rop = _operations(base, bpath)[method], _operations(rev, rpath)[method]
    where, pointer = _where(method, rpath), _op_pointer(rpath, method)
    yield from _deprecation_change(where, bop, rop, pointer)
    yield from description_changes(where, bop, rop, pointer)
    yield from parameter_changes(base, rev, paths, method, where)
    bodies = (bop.get("requestBody"), rop.get("requestBody"))
    yield from request_body_changes(base, rev, where, bodies, pointer)
    responses = (bop.get("responses"), rop.get("responses"))
    yield from response_set_changes(base, rev, where, responses, pointer)
    yield from operation_security_changes(base, rev, where, (bop, rop), pointer)


def _deprecation_change(
    where: str, bop: Mapping[str, Any], rop: Mapping[str, Any], pointer: str
) -> Iterator[Change]:
    was, now = bop.get("deprecated") is True, rop.get("deprecated") is True
    if now and not was:
        yield fixed("endpoint-deprecated", where, pointer, "deprecated")
    elif was and not now:
        yield fixed("endpoint-reactivated", where, pointer, "no longer deprecated")
