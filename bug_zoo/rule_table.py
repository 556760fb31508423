"""The rule table of `fuzzing/README.md`: `make rules` writes it (`scripts/rules.py`).

One row per rule of the contract (`fuzzing.contract_rules`): what it says, the checks, probes and
schemathesis built-ins that would fail if a server broke it, the modes they run in, and the bug
variants that prove it (`Variant.covers`). It lives here because it joins the harness and the
zoo, and the zoo may import the harness, never the other way round. `run` prints the table,
writes it into the marked block of the README and the variant tables of `bug_zoo/README.md`
(`variant_table`) (`write`), or finds a block stale (`check`).
"""

from __future__ import annotations

from collections.abc import Sequence
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Literal

from bug_zoo import variant_table
from bug_zoo.catalog import NAMES, load
from fuzzing.contract_rules import Judge, Rule, judges, judges_of, rules
from tooling.paths import ROOT

README = ROOT / "fuzzing" / "README.md"
ZOO_README = variant_table.README
BEGIN = "<!-- rule table: made by `make rules`; edits here are lost -->"
END = "<!-- end of the rule table -->"
FAMILIES = (
    "decision",
    "status",
    "header",
    "enum",
    "pattern",
    "format",
    "length",
    "nullability",
    "required",
    "closed",
)
_KINDS = {"check": "", "probe": "probe ", "schemathesis": "st "}


def proofs(rule: Rule) -> list[str]:
    """The bug variants whose `covers` name `rule`."""
    return [
        name
        for name in NAMES
        if any(fnmatchcase(rule.id, pattern) for pattern in load(name).covers)
    ]


def _judged(rule: Rule, found: Sequence[Judge]) -> str:
    if not rule.server:
        return f"— ({rule.binds})"
    if not found:
        return "**GAP: nothing judges it**"
    return ", ".join(f"{_KINDS[judge.kind]}`{judge.name}`" for judge in found)


def _modes(found: Sequence[Judge]) -> str:
    modes = {mode for judge in found for mode in judge.modes}
    return ", ".join(mode for mode in ("fuzz", "proxy", "recorded") if mode in modes) or "—"


def render() -> str:
    """The table, as the README holds it between its markers."""
    everyone = judges()
    table = rules()
    server = [rule for rule in table if rule.server]
    gaps = [rule for rule in server if not judges_of(rule, everyone)]
    proven = [rule for rule in server if proofs(rule)]
    lines = [
        BEGIN,
        "",
        f"{len(table)} rules ({len(table) - len(server)} of them the client's), **{len(gaps)} "
        f"gap(s)**; {len(proven)} server rules proven by a bug variant of the zoo. Modes: `fuzz` "
        "is `make fuzz`; `proxy` and `recorded` are a passive observer of live or recorded "
        "traffic, which runs only checks that need no read of their own.",
    ]
    if gaps:
        lines += ["", "Gaps: " + ", ".join(f"`{rule.id}`" for rule in gaps)]
    for family in FAMILIES:
        rows = [rule for rule in table if rule.family == family]
        if not rows:
            continue
        variants = sorted({name for rule in rows for name in proofs(rule)})
        lines += [
            "",
            f"**{family}** ({len(rows)} rules; bug variants: "
            f"{', '.join(f'`{name}`' for name in variants) or 'none'})",
            "",
            "| rule | says | judged by | modes | bug variants |",
            "|---|---|---|---|---|",
        ]
        for rule in rows:
            found = judges_of(rule, everyone) if rule.server else []
            said = rule.text.replace("|", "\\|")
            shown = ", ".join(f"`{name}`" for name in proofs(rule)) or "—"
            lines.append(
                f"| `{rule.id}` | {said} | {_judged(rule, found)} | {_modes(found)} | {shown} |"
            )
    lines += ["", END]
    return "\n".join(lines)


def with_table(readme: str, table: str) -> str:
    """`readme` with the block between the markers replaced by `table` (whose first and last
    lines are the markers)."""
    lines = table.splitlines()
    start, end = readme.index(lines[0]), readme.index(lines[-1]) + len(lines[-1])
    return readme[:start] + table + readme[end:]


def _written() -> dict[Path, tuple[str, str]]:
    """Each README the tables go to: as it is, and with its tables current."""
    files: dict[Path, tuple[str, str]] = {}
    for path, table in [(README, render()), *((ZOO_README, t) for t in variant_table.render())]:
        current, wanted = files.get(path) or (2 * (path.read_text(encoding="utf-8"),))
        files[path] = (current, with_table(wanted, table))
    return files


Action = Literal["print", "write", "check"]


def run(action: Action = "print") -> int:
    """Print the rule table, write the tables into their READMEs, or check that the READMEs hold
    them; the exit status: 1 when `check` finds a table stale, else 0."""
    if action == "write":
        for path, (_, wanted) in _written().items():
            path.write_text(wanted, encoding="utf-8")
        print(f"wrote the rule table to {README} and the variant tables to {ZOO_README}")
        return 0
    if action == "check":
        stale = [path for path, (current, wanted) in _written().items() if current != wanted]
        for path in stale:
            print(f"{path}: a generated table is stale; run make rules")
        return 1 if stale else 0
    print(render())
    return 0
