"""Bundle the spec into one file, as YAML and as JSON, with Redocly CLI.

`openapi.yaml` is one file today, but a bundle is what readers and tools download: it must stay
a single file with every component even if the source is ever split. Both outputs are checked
after writing, so a bundler change that drops a component or leaves a `$ref` to another file fails
the publish instead of shipping.

A bundle is the published contract: Redocly's `remove-x-internal` decorator (in `redocly.yaml`)
leaves out everything marked `x-internal: true`, such as the reference server on loopback that the
source keeps for `make serve`, and the check after writing refuses a bundle that still has one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from contract.loading import SpecLoadError, load_document
from contract.refs import escape
from tooling.node import run_node_tool
from tooling.paths import ROOT

CONFIG = ROOT / "redocly.yaml"
"""The Redocly configuration whose decorators make the bundle the published contract."""
INTERNAL = "x-internal"


class BundleError(Exception):
    """A bundle is missing, or is not the single self-contained file it must be."""


def run_redocly(args: Sequence[str]) -> None:
    """Run the pinned Redocly CLI quietly; raise with its output when it fails."""
    result = run_node_tool("redocly", args)
    if result.returncode != 0:
        command = " ".join(args)
        raise BundleError(
            f"redocly {command} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
        )


def external_refs(node: Any) -> Iterator[str]:
    """Every `$ref` in `node` that points outside its own document."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#"):
            yield ref
        for value in node.values():
            yield from external_refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from external_refs(item)


def internal_pointers(node: Any, at: str = "") -> Iterator[str]:
    """The JSON pointer of every object in `node` marked `x-internal: true`."""
    if isinstance(node, dict):
        if node.get(INTERNAL) is True:
            yield at or "/"
        for key, value in node.items():
            yield from internal_pointers(value, f"{at}/{escape(key)}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from internal_pointers(item, f"{at}/{index}")


def bundle(spec: Path, yaml_out: Path, json_out: Path, config: Path = CONFIG) -> dict[str, Any]:
    """Write the YAML and JSON bundles of `spec`; return the bundled document."""
    for out in (yaml_out, json_out):
        run_redocly(["bundle", str(spec), "--config", str(config), "--output", str(out)])
    try:
        from_yaml = load_document(yaml_out)
        source = load_document(spec)
    except SpecLoadError as error:
        raise BundleError(str(error)) from None
    with json_out.open(encoding="utf-8") as stream:
        from_json = json.load(stream)
    if from_yaml != from_json:
        raise BundleError(f"{yaml_out.name} and {json_out.name} hold different documents")
    if not isinstance(from_json, dict):
        raise BundleError(f"{json_out.name} is not an OpenAPI document")
    leftover = sorted(set(external_refs(from_json)))
    if leftover:
        raise BundleError(f"the bundle still refers to other files: {', '.join(leftover)}")
    internal = list(internal_pointers(from_json))
    if internal:
        raise BundleError(f"the bundle still holds what is internal: {', '.join(internal)}")
    missing = _missing_components(source, from_json)
    if missing:
        raise BundleError(f"the bundle lost components: {', '.join(missing)}")
    return from_json


def _missing_components(source: dict[str, Any], bundled: dict[str, Any]) -> list[str]:
    """Components of the source (`kind/name`) that the bundle does not have."""
    have = bundled.get("components") or {}
    missing = []
    for kind, members in (source.get("components") or {}).items():
        for name in members or {}:
            if name not in (have.get(kind) or {}):
                missing.append(f"{kind}/{name}")
    return missing
