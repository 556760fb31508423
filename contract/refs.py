"""Pointers into an OpenAPI document and its local `$ref`s: the one resolver every reader uses.

The validators, the breaking-change diff, the reference server and the fuzzer all follow `$ref`s
here. The document is the one resource of a `referencing` registry, and each hop is a
`Resolver.lookup` of the reference as written, against the document as a whole (as OpenAPI
readers do; the same registry serves jsonschema validators, which apply JSON Schema's own rules).

A reference that cannot be followed is an `UnresolvableRefError` saying why: it is not a JSON
pointer into this document (`RemoteRefError`), it names nothing (`DanglingRefError`), or
following it comes back to a place already passed (`RefCycleError`). Readers that report such
references themselves (the validators' `$ref` rule, the diff of a half-written document) ask
`resolve` for the lenient outcome, where the chain stops at the last node it reached.

This module imports nothing else of the project but the standard library and `referencing`, so
that the server and the fuzzer may use it without the rest of `contract/`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import quote, unquote

from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

Pointer = tuple[str, ...]
"""A place in the document: the keys (and list indices, as strings) from the root down."""

DOCUMENT_URI: Final = "urn:contract-kit:openapi"
"""The base URI the document is registered under; `#/...` references resolve against it."""


def render_pointer(pointer: Pointer) -> str:
    """The dotted form people read, like `components.schemas.run`; `(root)` for the root."""
    return ".".join(pointer) if pointer else "(root)"


def escape(token: object) -> str:
    """One pointer token with `~` and `/` escaped (RFC 6901: `~0`, `~1`)."""
    return str(token).replace("~", "~0").replace("/", "~1")


def pointer_text(pointer: Pointer) -> str:
    """The JSON string form of a pointer (RFC 6901 section 5), like `/paths/~1runs/post`."""
    return "".join("/" + escape(token) for token in pointer)


def json_pointer(pointer: Pointer) -> str:
    """The form a `$ref` is written in, like `#/components/schemas/run`."""
    return "#" + pointer_text(pointer)


def parse_pointer(text: str) -> Pointer:
    """The pointer a JSON string form (`/a/b~1c`) names; `` is the root."""
    if not text:
        return ()
    return tuple(token.replace("~1", "/").replace("~0", "~") for token in text[1:].split("/"))


def parse_ref(ref: str) -> Pointer | None:
    """The pointer a local `$ref` (`#` or `#/...`, percent-encoded or not) names, else None."""
    if ref != "#" and not ref.startswith("#/"):
        return None
    return parse_pointer(unquote(ref[1:]))


def uri_of(pointer: Pointer) -> str:
    """The absolute URI of `pointer` in the registry: a `$ref` a jsonschema validator can follow."""
    return DOCUMENT_URI + "#" + quote(pointer_text(pointer), safe="/~")


def registry(document: Mapping[str, Any]) -> Registry[Any]:
    """A registry holding `document` under `DOCUMENT_URI`, its schemas read as JSON Schema 2020-12.

    OpenAPI 3.1's Schema Objects are 2020-12 schemas, so jsonschema validators built with this
    registry follow `uri_of(...)` and the document's `#/components/...` references as written.
    """
    resource: Resource[Any] = Resource.from_contents(document, default_specification=DRAFT202012)
    schemas: Registry[Any] = Registry().with_resource(DOCUMENT_URI, resource)
    return schemas


class UnresolvableRefError(ValueError):
    """A `$ref` that cannot be followed; the message says which, where, and why."""

    def __init__(self, ref: str, at: Pointer | None, why: str) -> None:
        place = f"{json_pointer(at)}: " if at is not None else ""
        super().__init__(f"{place}$ref {ref!r} {why}")
        self.ref = ref
        self.at = at


class RemoteRefError(UnresolvableRefError):
    """Not a JSON pointer into this document: another file, a URL, or a plain-name anchor."""


class DanglingRefError(UnresolvableRefError):
    """A JSON pointer into this document that names nothing there."""


class RefCycleError(UnresolvableRefError):
    """Following the chain leads back to a place it already passed."""


def follow(document: Mapping[str, Any], ref: str, at: Pointer | None = None) -> tuple[Any, Pointer]:
    """One hop: what the `$ref` `ref` (written at `at`) names, and where that is."""
    target = parse_ref(ref)
    if target is None:
        raise RemoteRefError(ref, at, "is not local (#/...): only this document is read")
    try:
        resolved = registry(document).resolver(DOCUMENT_URI).lookup(ref)
    except (Unresolvable, LookupError, TypeError, ValueError):
        # `referencing` reads a list index with int(), which a non-number token fails.
        raise DanglingRefError(ref, at, "names nothing in the document") from None
    return resolved.contents, target


def lookup(document: Mapping[str, Any], pointer: Pointer) -> Any:
    """The node at `pointer`; raises `DanglingRefError` when there is none."""
    return follow(document, "#" + quote(pointer_text(pointer), safe="/~"))[0]


def resolve(
    document: Mapping[str, Any],
    node: Any,
    pointer: Pointer,
    *,
    siblings: bool = False,
    strict: bool = False,
) -> tuple[Any, Pointer]:
    """Follow a chain of `$ref`s from `node` (found at `pointer`) to its target and its pointer.

    The pointer is where the target is defined, so that a problem or a change is reported where
    it was made. `siblings` lays the keywords written beside each `$ref` over its target (OpenAPI
    3.1 allows them; the outermost win). A node without `$ref` comes back as it is. A reference
    that cannot be followed raises its `UnresolvableRefError` when `strict`; otherwise the chain
    stops at the last node reached, `$ref` and all, for the caller to report.
    """
    passed = {pointer}
    while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
        ref: str = node["$ref"]
        try:
            target, target_at = follow(document, ref, pointer)
            if target_at in passed:
                raise RefCycleError(ref, pointer, "leads back to a place the chain already passed")
        except UnresolvableRefError:
            if strict:
                raise
            break
        passed.add(target_at)
        if siblings and isinstance(target, Mapping):
            beside = {key: value for key, value in node.items() if key != "$ref"}
            target = {**target, **beside} if beside else target
        node, pointer = target, target_at
    return node, pointer
