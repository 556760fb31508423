"""Rules about references and paths: one self-contained file, path parameters unique and
declared."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from contract.refs import DanglingRefError, Pointer, RemoteRefError, follow
from contract.rules.registry import Problem, register
from contract.rules.walk import effective_parameters, iter_operations

_TEMPLATE_PARAMETER = re.compile(r"\{([^{}]*)\}")


@register
def check_local_refs(spec: Mapping[str, Any]) -> list[Problem]:
    """Every `$ref` is local (`#/...`) and names something: the spec is one self-contained file."""
    problems: list[Problem] = []

    def walk(node: Any, pointer: Pointer) -> None:
        if isinstance(node, Mapping):
            ref = node.get("$ref")
            if isinstance(ref, str):
                try:
                    follow(spec, ref)
                except RemoteRefError:
                    problems.append(
                        Problem((*pointer, "$ref"), f"$ref {ref!r} is not local (#/...)")
                    )
                except DanglingRefError:
                    problems.append(
                        Problem((*pointer, "$ref"), f"$ref {ref!r} names nothing in the spec")
                    )
            for key, value in node.items():
                walk(value, (*pointer, str(key)))
        elif isinstance(node, list):
            for index, item in enumerate(node):
                walk(item, (*pointer, str(index)))

    walk(spec, ())
    return problems


@register
def check_unique_path_parameters(spec: Mapping[str, Any]) -> list[Problem]:
    """A path template names each parameter once (generators drop or mangle such operations)."""
    problems: list[Problem] = []
    paths = spec.get("paths")
    for template in paths if isinstance(paths, Mapping) else ():
        names = _TEMPLATE_PARAMETER.findall(str(template))
        for name in sorted({name for name in names if names.count(name) > 1}):
            problems.append(
                Problem(
                    ("paths", str(template)),
                    f"the path template uses the parameter {{{name}}} {names.count(name)} times; "
                    "a parameter name must be unique within a path (name the second one "
                    f"differently, e.g. {{{name}2}})",
                )
            )
    return problems


@register
def check_path_parameters_declared(spec: Mapping[str, Any]) -> list[Problem]:
    """Each `{name}` of a template has an `in: path` parameter, and each of those a `{name}`."""
    problems: list[Problem] = []
    for operation in iter_operations(spec):
        in_template = set(_TEMPLATE_PARAMETER.findall(operation.template))
        declared = {
            name: parameter.used_at
            for (name, location), parameter in effective_parameters(spec, operation).items()
            if location == "path"
        }
        for name in sorted(in_template - declared.keys()):
            problems.append(
                Problem(
                    operation.pointer,
                    f"{operation.label}: the path parameter {{{name}}} is not declared "
                    "(no parameter with `in: path` and that name)",
                )
            )
        for name in sorted(declared.keys() - in_template):
            problems.append(
                Problem(
                    declared[name],
                    f"{operation.label}: the path parameter {name!r} is declared but the "
                    f"path has no {{{name}}}",
                )
            )
    return problems
