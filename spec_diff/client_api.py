"""The client's side of the gate: the public API of two generated clients, compared with griffe.

A spec change can break client code that the spec diff cannot see: openapi-python-client names
modules, classes, enum members and parameters after the spec, and a rename there (an ignored
`x-enum-varnames`, say) breaks every program that used the old name. griffe reads both clients'
source, statically, and `griffe.find_breaking_changes` lists what was removed or renamed: a
module, class, member, function or parameter. Each is reported as a breaking change with the
rule id `local-client-<kind>` (oasdiff has no such rules: it knows no client).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from spec_diff.changes import BREAKING, LOCAL, Change

CLIENT_RULE: Final = f"{LOCAL}client-"
WHERE: Final = "client"


def _value(value: Any) -> str:
    name = getattr(value, "name", None)
    return str(name if isinstance(name, str) else value)


def _message(breakage: Any) -> str:
    """The object's Python path, what happened, and the names or values involved."""
    kind = breakage.kind.name
    detail = ""
    if kind.startswith("PARAMETER_"):
        detail = f" (parameter {_value(breakage.old_value or breakage.new_value)})"
    elif kind != "OBJECT_REMOVED":
        detail = f" ({_value(breakage.old_value)} -> {_value(breakage.new_value)})"
    return f"{breakage.obj.path}: {breakage.kind.value.lower()}{detail}"


def client_changes(old_root: Path, new_root: Path, package: str) -> list[Change]:
    """Every breaking change of `package`'s public API from `old_root`'s copy to `new_root`'s."""
    import griffe  # only the gate needs it; its import is not free

    old = griffe.load(package, search_paths=[old_root], allow_inspection=False)
    new = griffe.load(package, search_paths=[new_root], allow_inspection=False)
    return [
        Change(
            rule=CLIENT_RULE + breakage.kind.name.lower().replace("_", "-"),
            level=BREAKING,
            where=WHERE,
            message=_message(breakage),
        )
        for breakage in griffe.find_breaking_changes(old, new)
    ]
