"""Responses of an operation: status codes, headers, and their bodies."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from contract.refs import escape
from spec_diff.bodies import content_changes
from spec_diff.changes import Change, Spec, description_changes, fixed
from spec_diff.nodes import SchemaContext
from spec_diff.resolve import as_mapping, resolve
from spec_diff.schemas import diff_schema

_Found = tuple[Mapping[str, Any], str]
"""A header and the pointer where it is defined."""


def response_set_changes(
    base: Spec, rev: Spec, where: str, responses: tuple[Any, Any], pointer: str
) -> Iterator[Change]:
    """Compare the ``responses`` of an operation (at ``pointer``) in both documents."""
    old = {str(k): v for k, v in as_mapping(responses[0]).items()}
    new = {str(k): v for k, v in as_mapping(responses[1]).items()}
    for status in old.keys() - new.keys():
        rule = f"response-{_status_kind(status)}-status-removed"
        text = f"response {status} removed"
        yield fixed(rule, where, f"{pointer}/responses/{status}", text)
    for status in new.keys() - old.keys():
        rule = f"response-{_status_kind(status)}-status-added"
        yield fixed(rule, where, f"{pointer}/responses/{status}", f"response {status} added")
    for status in sorted(old.keys() & new.keys()):
        yield from _response_changes(base, rev, where, (old[status], new[status]), pointer, status)


def _status_kind(status: str) -> str:
    return "success" if status.startswith("2") else "non-success"


def _response_changes(
    base: Spec, rev: Spec, where: str, raws: tuple[Any, Any], pointer: str, status: str
) -> Iterator[Change]:
    old, bptr = resolve(base, raws[0], f"{pointer}/responses/{status}")
    new, rptr = resolve(rev, raws[1], f"{pointer}/responses/{status}")
    old, new = as_mapping(old), as_mapping(new)
    yield from description_changes(where, old, new, rptr)
    yield from _header_changes(base, rev, where, (old, new), (bptr, rptr))
    ctx = SchemaContext(base, rev, where, "response", "response-body", "response-property")
    yield from content_changes(ctx, (old, new), (bptr, rptr), "response-media-type")


def _headers(doc: Spec, response: Mapping[str, Any], pointer: str) -> dict[str, _Found]:
    found: dict[str, _Found] = {}
    for name, raw in as_mapping(response.get("headers")).items():
        header, header_pointer = resolve(doc, raw, f"{pointer}/headers/{escape(name)}")
        found[str(name).lower()] = (as_mapping(header), header_pointer)
    return found


def _header_changes(
    base: Spec,
    rev: Spec,
    where: str,
    responses: tuple[Mapping[str, Any], Mapping[str, Any]],
    pointers: tuple[str, str],
) -> Iterator[Change]:
    old = _headers(base, responses[0], pointers[0])
    new = _headers(rev, responses[1], pointers[1])
    for name in old.keys() - new.keys():
        header, pointer = old[name]
        kind = "required" if header.get("required") is True else "optional"
        text = f"{kind} header '{name}' removed"
        yield fixed(f"{kind}-response-header-removed", where, pointer, text)
    for name in new.keys() - old.keys():
        yield fixed("response-header-added", where, new[name][1], f"header '{name}' added")
    ctx = SchemaContext(base, rev, where, "response", "response-header", "response-property")
    for name in sorted(old.keys() & new.keys()):
        yield from _header_diff(ctx, name, old[name], new[name])


def _header_diff(ctx: SchemaContext, name: str, old: _Found, new: _Found) -> Iterator[Change]:
    (bheader, bptr), (rheader, rptr) = old, new
    was, now = bheader.get("required") is True, rheader.get("required") is True
    if was and not now:
        text = f"header '{name}' became optional"
        yield fixed("response-header-became-optional", ctx.where, rptr, text)
    elif now and not was:
        text = f"header '{name}' became required"
        yield fixed("local-response-header-became-required", ctx.where, rptr, text)
    yield from description_changes(ctx.where, bheader, rheader, rptr)
    bschema, rschema = bheader.get("schema"), rheader.get("schema")
    if bschema is not None and rschema is not None:
        yield from diff_schema(ctx, bschema, rschema, f"{bptr}/schema", f"{rptr}/schema")
