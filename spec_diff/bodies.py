"""Request bodies, and the media types and schemas of any body, request or response."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from contract.refs import escape
from spec_diff.changes import Change, Spec, description_changes, fixed
from spec_diff.nodes import SchemaContext
from spec_diff.resolve import as_mapping, resolve
from spec_diff.schemas import diff_schema


def request_body_changes(
    base: Spec, rev: Spec, where: str, bodies: tuple[Any, Any], pointer: str
) -> Iterator[Change]:
    """Compare the ``requestBody`` of an operation (at ``pointer``) in both documents."""
    if bodies[0] is None and bodies[1] is None:
        return
    old, bptr = resolve(base, bodies[0], f"{pointer}/requestBody")
    new, rptr = resolve(rev, bodies[1], f"{pointer}/requestBody")
    if old is None or new is None:
        yield _request_body_existence(new, rptr if new is not None else bptr, where)
        return
    old, new = as_mapping(old), as_mapping(new)
    was, now = old.get("required") is True, new.get("required") is True
    if was != now:
        state = "required" if now else "optional"
        yield fixed(f"request-body-became-{state}", where, rptr, f"request body became {state}")
    yield from description_changes(where, old, new, rptr)
    ctx = SchemaContext(base, rev, where, "request", "request-body", "request-property")
    yield from content_changes(ctx, (old, new), (bptr, rptr), "request-body-media-type")


def _request_body_existence(new: Any, pointer: str, where: str) -> Change:
    if new is None:
        return fixed("request-body-removed", where, pointer, "request body removed")
    required = as_mapping(new).get("required") is True
    rule = f"request-body-added-{'required' if required else 'optional'}"
    return fixed(rule, where, pointer, "request body added")


def content_changes(
    ctx: SchemaContext,
    owners: tuple[Mapping[str, Any], Mapping[str, Any]],
    pointers: tuple[str, str],
    rule_stem: str,
) -> Iterator[Change]:
    """Media types of a request body or a response: removed, added, and their schemas."""
    old, new = as_mapping(owners[0].get("content")), as_mapping(owners[1].get("content"))
    bptr, rptr = pointers
    for media in old.keys() - new.keys():
        pointer = f"{bptr}/content/{escape(media)}"
        yield fixed(f"{rule_stem}-removed", ctx.where, pointer, f"media type {media} removed")
    for media in new.keys() - old.keys():
        pointer = f"{rptr}/content/{escape(media)}"
        yield fixed(f"{rule_stem}-added", ctx.where, pointer, f"media type {media} added")
    for media in sorted(old.keys() & new.keys()):
        bschema = as_mapping(old[media]).get("schema")
        rschema = as_mapping(new[media]).get("schema")
        if bschema is None or rschema is None:
            continue
        yield from diff_schema(
            ctx,
            bschema,
            rschema,
            f"{bptr}/content/{escape(media)}/schema",
            f"{rptr}/content/{escape(media)}/schema",
        )
