"""The API changelog of a release: every change from the published baseline to this version,
named with the rule ids of `make breaking`, as Markdown and as a page beside the HTML reference.

A reader learns what changed without diffing YAML; because both come from `spec_diff`, the
changelog and the breaking-change gate can never disagree.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from spec_diff import BREAKING, NON_BREAKING, Change, diff_specs

PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'"
"""The page loads nothing: no script, no font, no image; only its own inline style."""

_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;"
    "line-height:1.5}table{border-collapse:collapse;width:100%;margin-bottom:2rem}"
    "th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}"
    "code{font-size:.9em}"
    # Paths and JSON pointers are long words: a fixed layout with set widths, and breaks inside
    # them, keep the table within the page (issue 24: it overflowed at 1280 px).
    "table{table-layout:fixed}td,th{overflow-wrap:anywhere}"
    "th:nth-child(1){width:30%}th:nth-child(2){width:17%}th:nth-child(3){width:30%}"
)


@dataclass(frozen=True)
class ApiChangelog:
    """The changes between two versions of the spec, breaking ones first."""

    title: str
    base_version: str
    version: str
    changes: Sequence[Change]

    def of_level(self, level: str) -> list[Change]:
        return [change for change in self.changes if change.level == level]

    @property
    def summary(self) -> str:
        breaking = len(self.of_level(BREAKING))
        return f"{breaking} breaking, {len(self.changes) - breaking} non-breaking change(s)"


def _version(spec: Mapping[str, Any]) -> str:
    info = spec.get("info")
    return str(info.get("version", "?")) if isinstance(info, Mapping) else "?"


def api_changelog(base: Mapping[str, Any], revision: Mapping[str, Any], title: str) -> ApiChangelog:
    """The changelog from the published `base` to `revision`."""
    return ApiChangelog(title, _version(base), _version(revision), diff_specs(base, revision))


def _split(message: str) -> tuple[str, str]:
    """(the JSON pointer the message starts with, the rest), or ("", message)."""
    head, _, rest = message.partition(" ")
    return (head, rest) if head.startswith("/") else ("", message)


_SECTIONS = ((BREAKING, "Breaking changes"), (NON_BREAKING, "Non-breaking changes"))
_INTRO = (
    "Every change from the published baseline to this version that `make breaking` compares: "
    "servers, operations, parameters, bodies, responses, schemas and security (vendor extensions "
    "such as `x-ms-enum`, and anything marked `x-internal`, are not compared). Rule ids are "
    "oasdiff's; ids starting with `local-` name kinds of change oasdiff has no rule for. A "
    "breaking change can break an existing client; the release notes say what a client must do "
    "about it."
)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(log: ApiChangelog) -> str:
    """The changelog as Markdown: a summary, then one table per level."""
    lines = [
        f"# API changes: {log.title} {log.base_version} → {log.version}",
        "",
        _INTRO,
        "",
        f"**{log.summary}.**",
    ]
    if not log.changes:
        lines += ["", "No change to the API."]
    for level, heading in _SECTIONS:
        changes = log.of_level(level)
        if not changes:
            continue
        lines += ["", f"## {heading}", "", "| operation | rule | where | what changed |"]
        lines.append("|---|---|---|---|")
        for change in changes:
            pointer, what = _split(change.message)
            where = f"`{_cell(pointer)}`" if pointer else ""
            lines.append(f"| `{_cell(change.where)}` | `{change.rule}` | {where} | {_cell(what)} |")
    return "\n".join(lines) + "\n"


def render_html(log: ApiChangelog) -> str:
    """The changelog as a page that stands alone: no script, nothing loaded from anywhere."""
    esc = html.escape
    title = f"API changes: {log.title} {log.base_version} → {log.version}"
    intro = re.sub(r"`([^`]+)`", r"<code>\1</code>", esc(_INTRO))
    body = [
        f"<h1>{esc(title)}</h1>",
        f"<p>{intro}</p>",
        f"<p><strong>{esc(log.summary)}.</strong></p>",
    ]
    if not log.changes:
        body.append("<p>No change to the API.</p>")
    for level, heading in _SECTIONS:
        changes = log.of_level(level)
        if not changes:
            continue
        rows = []
        for change in changes:
            pointer, what = _split(change.message)
            rows.append(
                f"<tr><td><code>{esc(change.where)}</code></td><td><code>{esc(change.rule)}</code>"
                f"</td><td><code>{esc(pointer)}</code></td><td>{esc(what)}</td></tr>"
            )
        body += [
            f'<h2 id="{level}">{esc(heading)}</h2>',
            "<table><thead><tr><th>operation</th><th>rule</th><th>where</th>"
            "<th>what changed</th></tr></thead><tbody>",
            *rows,
            "</tbody></table>",
        ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{PAGE_POLICY}">'
        f"<title>{esc(title)}</title><style>{_STYLE}</style></head><body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )
