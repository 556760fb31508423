"""The release notes of one version: its section of `CHANGELOG.md`.

The changelog is the one place release notes are written, so a published version without a
section there is a release nobody described: that is an error, not an empty file.
"""

from __future__ import annotations

import re
from pathlib import Path

# `## 1.0.0`, `## 1.0.0 - 2026-11-25` or `## [1.0.0] - 2026-11-25` (Keep a Changelog).
_HEADING = re.compile(r"^## +\[?(?P<version>[^\]\s]+)\]?(?P<rest>.*)$")


class ReleaseNotesError(Exception):
    """The changelog has no usable section for the version being published."""


def section(changelog: str, version: str) -> str:
    """The text under the `## <version>` heading, up to the next `## ` heading, stripped."""
    lines = changelog.splitlines()
    start: int | None = None
    for index, line in enumerate(lines):
        match = _HEADING.match(line)
        if match is None:
            continue
        if start is not None:
            return _finish(lines[start:index], version)
        if match.group("version") == version:
            start = index + 1
    if start is None:
        raise ReleaseNotesError(f"CHANGELOG.md has no section '## {version}' for info.version")
    return _finish(lines[start:], version)


def _finish(body: list[str], version: str) -> str:
    text = "\n".join(body).strip()
    if not text:
        raise ReleaseNotesError(f"the CHANGELOG.md section for {version} is empty")
    return text


def render(changelog_path: Path, version: str, title: str) -> str:
    """The release notes file: a heading naming the API and version, then the section."""
    body = section(changelog_path.read_text(encoding="utf-8"), version)
    return f"# {title} {version}\n\n{body}\n"
