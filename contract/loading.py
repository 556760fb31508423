"""Read an OpenAPI document: the one loader of every reader, which refuses a repeated key.

PyYAML keeps the last of two equal keys silently, so a spec that `make validate` refuses would
read differently elsewhere; every reader of the spec (the validators, the diff, the server, the
fuzzer, publishing) loads it here instead. Keys are read as the text written in the file, as JSON
has them: an unquoted `204:` is `"204"`, and `on:` stays `"on"` rather than YAML 1.1's `True`.

Every problem the validation reports names its place twice: as a pointer into the spec
(`paths./industryData/....post.responses.204`) and as `file:line`. PyYAML's composed node tree
knows the lines; the constructed data does not, so both are built from one parse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from contract.refs import Pointer, render_pointer


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


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML's safe loader with every mapping key the text the file writes for it; on libyaml
    where PyYAML was built with it (a ninth of the pure-Python parser's time: every server start
    loads the spec twice, every worker once more)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        self.flatten_mapping(node)  # merge keys (`<<`), as the safe loader does
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    "found a key that is not a scalar (JSON keys are strings)",
                    key_node.start_mark,
                )
            mapping[key_node.value] = self.construct_object(value_node, deep=deep)
        return mapping


def load_document(path: Path) -> dict[str, Any]:
    """The OpenAPI document at `path`, for readers that need no line numbers.

    It costs what `yaml.safe_load` costs (indexing the lines is a small part of parsing), so it
    is `load_spec` without the lines rather than a second parser.
    """
    return load_spec(path).data


def load_spec(path: Path) -> LoadedSpec:
    """Parse `path`; raises SpecLoadError naming the line of the first YAML problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SpecLoadError(f"{path}: cannot read: {error}") from error
    loader = _Loader(text)
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
