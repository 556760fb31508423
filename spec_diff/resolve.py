"""Reading an OpenAPI document as plain JSON: lenient accessors, and local `$ref`s followed.

Either document may be half-written, so the accessors return an empty value instead of raising,
and a reference that cannot be followed stops where it is. The diff's pointers are JSON pointer
strings (`/paths/~1runs/post`), as its reports show them; `$ref`s are followed by the kit's one
resolver, `contract.refs`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from contract.refs import parse_pointer, pointer_text
from contract.refs import resolve as follow_refs
from spec_diff.changes import Spec

MAX_DEPTH: Final = 64
"""How far allOf and nested schemas are followed: far more than a real spec needs."""


def as_mapping(value: Any) -> Mapping[str, Any]:
    """`value` if it is a mapping, else an empty one."""
    return value if isinstance(value, Mapping) else {}


def as_list(value: Any) -> list[Any]:
    """`value` if it is a list, else an empty one."""
    return value if isinstance(value, list) else []


def resolve(doc: Spec, node: Any, pointer: str) -> tuple[Any, str]:
    """Follow local ``$ref``s, so that a change is reported where it was made.

    OpenAPI 3.1 allows keywords next to ``$ref``; they are laid over the target.
    """
    target, at = follow_refs(doc, node, parse_pointer(pointer), siblings=True)
    return target, pointer_text(at)


def resolved_mapping(doc: Spec, node: Any) -> Mapping[str, Any]:
    """What `node` refers to, as a mapping; for looking at it, not for reporting where it is."""
    return as_mapping(resolve(doc, node, "")[0])
