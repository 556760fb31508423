"""Rules about operation ids: present, unique, and good Python names in the generated client."""

from __future__ import annotations

import keyword
import re
from collections.abc import Mapping
from typing import Any

from contract.rules.registry import Problem, register
from contract.rules.walk import iter_operations


def snake_case(name: str) -> str:
    """`addRun` -> `add_run`, the way client generators name functions and modules."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", spaced)
    return re.sub(r"[^0-9A-Za-z]+", "_", spaced).strip("_").lower()


@register
def check_operation_ids(spec: Mapping[str, Any]) -> list[Problem]:
    """operationIds exist and, snake_cased, are distinct Python identifiers (function names)."""
    problems: list[Problem] = []
    owners: dict[str, str] = {}
    for operation in iter_operations(spec):
        operation_id = operation.node.get("operationId")
        pointer = (*operation.pointer, "operationId")
        if not isinstance(operation_id, str) or not operation_id:
            problems.append(Problem(operation.pointer, f"{operation.label} has no operationId"))
            continue
        python_name = snake_case(operation_id)
        if not python_name.isidentifier() or keyword.iskeyword(python_name):
            problems.append(
                Problem(
                    pointer,
                    f"{operation.label}: operationId {operation_id!r} becomes {python_name!r} "
                    "in Python, which is not a valid identifier",
                )
            )
        elif python_name in owners:
            problems.append(
                Problem(
                    pointer,
                    f"{operation.label}: operationId {operation_id!r} becomes {python_name!r} "
                    f"in Python, like the operationId of {owners[python_name]}",
                )
            )
        else:
            owners[python_name] = operation.label
    return problems
