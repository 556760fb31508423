"""`BENCHMARKS.md`: what each section measured, how, and whether its goal was met."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Table:
    caption: str
    headers: Sequence[str]
    rows: Sequence[Sequence[str]]

    def render(self) -> str:
        lines = [f"**{self.caption}**", ""] if self.caption else []
        lines.append("| " + " | ".join(self.headers) + " |")
        lines.append("|" + "|".join("---" for _ in self.headers) + "|")
        lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in self.rows]
        return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


@dataclass
class Section:
    """One numbered section: a verdict per goal, tables, the commands, and notes."""

    title: str
    what: str
    verdicts: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def render(self, number: int) -> str:
        parts = [f"## {number}. {self.title}", "", self.what, ""]
        if self.verdicts:
            parts += [f"- {v}" for v in self.verdicts] + [""]
        if self.notes:
            parts += [f"- {n}" for n in self.notes] + [""]
        for table in self.tables:
            parts += [table.render(), ""]
        if self.commands:
            parts += ["Commands:", "", "```sh", *self.commands, "```", ""]
        return "\n".join(parts)


def verdict(
    name: str, ratio: float, goal_text: str, met: bool, why_not: str = "", unit: str = "x"
) -> str:
    """`name: 1.23x, goal ≤ 1.3x: **met**`, or not met with what holds it back."""
    line = f"{name}: **{ratio:.2f}{unit}** (goal {goal_text}): "
    if met:
        return line + "**met**"
    return line + "**not met**" + (f"; {why_not}" if why_not else "")


def verdict_value(name: str, value: str, goal_text: str, met: bool, why_not: str = "") -> str:
    """`name: 0.12 s (goal ≤ 0.3 s): **met**`, for a goal that is not a ratio."""
    line = f"{name}: **{value}** (goal {goal_text}): "
    if met:
        return line + "**met**"
    return line + "**not met**" + (f"; {why_not}" if why_not else "")


def render(title: str, preface: Sequence[str], sections: Sequence[Section]) -> str:
    parts = [f"# {title}", "", *preface, ""]
    for number, section in enumerate(sections, start=1):
        parts.append(section.render(number))
    return "\n".join(parts).rstrip() + "\n"
