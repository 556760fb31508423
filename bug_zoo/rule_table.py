"""`python -m bug_zoo.rule_table [--write | --check]`: the rule table of `fuzzing/README.md`.

One row per rule of the contract (`fuzzing.rules`): what it says, the checks, probes and
schemathesis built-ins that would fail if a server broke it, the modes they run in, and the bug
variants that prove it (`Variant.covers`). It lives here because it joins the harness and the
zoo, and the zoo may import the harness, never the other way round. `--write` replaces the
marked block of the README; `--check` exits 1 when that block is stale; no option prints it.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from fnmatch import fnmatchcase

from bug_zoo.catalog import NAMES, load
from fuzzing.rules import Judge, Rule, judges, judges_of, rules
from tooling.paths import ROOT

README = ROOT / "fuzzing" / "README.md"
BEGIN = "<!-- rule table: made by `python -m bug_zoo.rule_table --write`; edits here are lost -->"
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
    """`readme` with the block between the markers replaced by `table`."""
    start, end = readme.index(BEGIN), readme.index(END) + len(END)
    return readme[:start] + table + readme[end:]


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    table = render()
    current = README.read_text(encoding="utf-8")
    if args == ["--write"]:
        README.write_text(with_table(current, table), encoding="utf-8")
        print(f"wrote the rule table to {README}")
        return 0
    if args == ["--check"]:
        if with_table(current, table) != current:
            print(f"{README}: the rule table is stale; run python -m bug_zoo.rule_table --write")
            return 1
        return 0
    if args:
        print("usage: python -m bug_zoo.rule_table [--write | --check]", file=sys.stderr)
        return 2
    print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
