"""Load `openapi.yaml` keeping the line of every node, and follow its local `$ref`s.

Every problem the validation reports names its place twice: as a pointer into the spec
(`paths./industryData/....post.responses.204`) and as `file:line`. PyYAML's composed node tree
knows the lines; the constructed data does not, so both are built from one parse.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Pointer = tuple[str, ...]
"""A place in the spec: the keys (and list indices, as strings) from the root down."""


def render_pointer(pointer: Pointer) -> str:
    """The dotted form people read, like `components.schemas.run`; `(root)` for the root."""
    return ".".join(pointer) if pointer else "(root)"


def json_pointer(pointer: Pointer) -> str:
    """The RFC 6901 fragment form used by `$ref`, like `#/components/schemas/run`."""
    return "#" + "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in pointer)


def parse_ref(ref: str) -> Pointer | None:
    """The pointer a local `$ref` (`#/...`) names, or None for any other reference."""
    if ref == "#":
        return ()
    if not ref.startswith("#/"):
        return None
    return tuple(part.replace("~1", "/").replace("~0", "~") for part in ref[2:].split("/"))


def lookup(spec: Any, pointer: Pointer) -> Any:
    """The node at `pointer`; raises KeyError when there is none."""
    node = spec
    for part in pointer:
        if isinstance(node, Mapping):
            if part in node:
                node = node[part]
                continue
            # YAML reads an unquoted `204:` as an int key.
            matches = [key for key in node if str(key) == part]
            if not matches:
                raise KeyError(part)
            node = node[matches[0]]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise KeyError(part)
    return node


def resolve(spec: Any, node: Any, pointer: Pointer) -> tuple[Any, Pointer]:
    """Follow a chain of local `$ref`s from `node` (found at `pointer`) to its target.

    Returns the target and its pointer; a node without `$ref`, or with a reference that does not
    resolve, comes back unchanged (the `$ref` check reports those).
    """
    seen: set[Pointer] = set()
    while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
        target = parse_ref(node["$ref"])
        if target is None or target in seen:
            break
        seen.add(target)
        try:
            node = lookup(spec, target)
        except KeyError:
            break
        pointer = target
    return node, pointer


class SpecLoadError(Exception):
    """The file is not YAML, or not a YAML mapping, or repeats a key."""


@dataclass(frozen=True)
class LoadedSpec:
    """The parsed spec with the (1-based) line of every node."""

    path: Path
    data: dict[str, Any]
    lines: dict[Pointer, int] = field(repr=False)

    def line_of(self, pointer: Pointer) -> int | None:
        """The line of `pointer`, or of its nearest ancestor that the file has."""
        for end in range(len(pointer), -1, -1):
            line = self.lines.get(pointer[:end])
            if line is not None:
                return line
        return None


def load_spec(path: Path) -> LoadedSpec:
    """Parse `path`; raises SpecLoadError naming the line of the first YAML problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SpecLoadError(f"{path}: cannot read: {error}") from error
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise SpecLoadError(f"{path}: the file is empty")
        lines: dict[Pointer, int] = {}
        duplicates: list[str] = []
        _index_lines(node, (), lines, duplicates)
        if duplicates:
            raise SpecLoadError("\n".join(f"{path}:{entry}" for entry in duplicates))
        data = loader.construct_document(node)
    except yaml.YAMLError as error:
        raise SpecLoadError(f"{path}: not valid YAML: {error}") from error
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise SpecLoadError(f"{path}: the document is not a mapping (an OpenAPI object)")
    return LoadedSpec(path=path, data=data, lines=lines)


def _index_lines(
    node: yaml.Node, pointer: Pointer, lines: dict[Pointer, int], duplicates: list[str]
) -> None:
    lines[pointer] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key == "<<":
                continue  # a merge key, resolved by the constructor
            if key in seen:
                # PyYAML keeps the last of two equal keys silently; the first would be lost.
                duplicates.append(
                    f"{key_node.start_mark.line + 1}: {render_pointer(pointer)}: "
                    f"key {key!r} appears twice in one mapping"
                )
            seen.add(key)
            _index_lines(value_node, (*pointer, key), lines, duplicates)
            # A problem about a key (say, a path template) is best shown on the key's own line.
            lines[(*pointer, key)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index_lines(item, (*pointer, str(index)), lines, duplicates)
