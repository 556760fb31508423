"""Reading an OpenAPI document as plain JSON: lenient accessors, JSON pointers, local `$ref`s.

Either document may be half-written, so the accessors return an empty value instead of raising.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import unquote

from spec_diff.changes import Spec

MAX_DEPTH: Final = 64
"""How far refs, allOf and nested schemas are followed: far more than a real spec needs."""


def as_mapping(value: Any) -> Mapping[str, Any]:
    """`value` if it is a mapping, else an empty one."""
    return value if isinstance(value, Mapping) else {}


def as_list(value: Any) -> list[Any]:
    """`value` if it is a list, else an empty one."""
    return value if isinstance(value, list) else []


def escape(token: object) -> str:
    """Escape one JSON pointer token (RFC 6901)."""
    return str(token).replace("~", "~0").replace("/", "~1")


def lookup(doc: Spec, pointer: str) -> Any:
    """The value at a JSON pointer, or None when nothing is there."""
    node: Any = doc
    for raw in pointer.split("/")[1:]:
        token = unquote(raw).replace("~1", "/").replace("~0", "~")
        if isinstance(node, Mapping):
            node = node.get(token)
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


def resolve(doc: Spec, node: Any, pointer: str) -> tuple[Any, str]:
    """Follow local ``$ref``s, so that a change is reported where it was made.

    OpenAPI 3.1 allows keywords next to ``$ref``; they are laid over the target.
    """
    for _ in range(MAX_DEPTH):
        ref = node.get("$ref") if isinstance(node, Mapping) else None
        if not isinstance(ref, str) or not ref.startswith("#/"):
            break
        target = lookup(doc, ref[1:])
        if target is None:
            break
        siblings = {key: value for key, value in node.items() if key != "$ref"}
        node = {**target, **siblings} if siblings and isinstance(target, Mapping) else target
        pointer = unquote(ref[1:])
    return node, pointer


def resolved_mapping(doc: Spec, node: Any) -> Mapping[str, Any]:
    """What `node` refers to, as a mapping; for looking at it, not for reporting where it is."""
    return as_mapping(resolve(doc, node, "")[0])
