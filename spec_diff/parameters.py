"""Parameters of an operation: removed, added, made required, and their schemas.

A parameter is matched by where it goes and its name; path parameters by their position in the
path, so that renaming one is no change, and header names case-insensitively.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from contract.refs import escape
from spec_diff.changes import Change, Spec, description_changes, fixed
from spec_diff.nodes import SchemaContext
from spec_diff.resolve import as_list, as_mapping, resolve
from spec_diff.schemas import diff_schema

_Found = tuple[Mapping[str, Any], str]
"""A parameter and the pointer where it is defined."""


def parameter_changes(
    base: Spec, rev: Spec, paths: tuple[str, str], method: str, where: str
) -> Iterator[Change]:
    """Compare the parameters of one operation, found at ``paths[0]`` and ``paths[1]``."""
    old = _parameters(base, paths[0], method)
    new = _parameters(rev, paths[1], method)
    for key in old.keys() - new.keys():
        param, pointer = old[key]
        text = f"{key[0]} parameter '{param.get('name')}' removed"
        yield fixed("request-parameter-removed", where, pointer, text)
    for key in new.keys() - old.keys():
        yield _parameter_added(where, *new[key])
    for key in sorted(old.keys() & new.keys()):
        yield from _parameter_diff(base, rev, where, old[key], new[key])


def _parameters(doc: Spec, path: str, method: str) -> dict[tuple[str, str], _Found]:
    """Path-item and operation parameters, the latter winning, keyed so renames still match."""
    item_pointer = f"/paths/{escape(path)}"
    item = as_mapping(resolve(doc, as_mapping(doc.get("paths")).get(path), item_pointer)[0])
    slots = re.findall(r"\{([^}/]*)\}", path)
    found: dict[tuple[str, str], _Found] = {}
    sources = ((item, item_pointer), (as_mapping(item.get(method)), f"{item_pointer}/{method}"))
    for owner, owner_pointer in sources:
        for index, raw in enumerate(as_list(owner.get("parameters"))):
            param, pointer = resolve(doc, raw, f"{owner_pointer}/parameters/{index}")
            param = as_mapping(param)
            where_in, name = str(param.get("in", "")), str(param.get("name", ""))
            if where_in == "path" and name in slots:
                name = f"#{slots.index(name)}"
            elif where_in == "header":
                name = name.lower()
            found[(where_in, name)] = (param, pointer)
    return found


def _parameter_added(where: str, param: Mapping[str, Any], pointer: str) -> Change:
    location, name = param.get("in"), param.get("name")
    if location == "path":
        rule = "new-request-path-parameter"
    elif param.get("required") is True:
        rule = "new-required-request-parameter"
    else:
        rule = "new-optional-request-parameter"
    return fixed(rule, where, pointer, f"{location} parameter '{name}' added")


def _parameter_schema(param: Mapping[str, Any], pointer: str) -> tuple[Any, str]:
    if "schema" in param:
        return param["schema"], f"{pointer}/schema"
    for media, content in as_mapping(param.get("content")).items():
        return as_mapping(content).get("schema"), f"{pointer}/content/{escape(media)}/schema"
    return None, pointer


def _parameter_diff(
    base: Spec, rev: Spec, where: str, old: _Found, new: _Found
) -> Iterator[Change]:
    (bparam, bptr), (rparam, rptr) = old, new
    was, now = bparam.get("required") is True, rparam.get("required") is True
    if was != now:
        state = "required" if now else "optional"
        text = f"parameter '{rparam.get('name')}' became {state}"
        yield fixed(f"request-parameter-became-{state}", where, rptr, text)
    yield from description_changes(where, bparam, rparam, rptr)
    ctx = SchemaContext(
        base, rev, where, "request", "request-parameter", "request-parameter-property"
    )
    bschema, bschema_ptr = _parameter_schema(bparam, bptr)
    rschema, rschema_ptr = _parameter_schema(rparam, rptr)
    if bschema is not None and rschema is not None:
        yield from diff_schema(ctx, bschema, rschema, bschema_ptr, rschema_ptr)
