"""A release recorded in `published/`: what one version shipped, kept beside every earlier one.

`make publish` builds a version into `dist/`, which git ignores. Recording a release copies from
there what must outlive it: the bundled spec (the published contract, with nothing `x-internal`),
its release notes and its API changelog (Markdown and page); `published/openapi.yaml`, the
baseline of `make breaking`, becomes that spec. A released file never changes: recording a
version again succeeds only when every file is byte for byte what is already there.

A release notes section with a migration note speaks to both audiences, the people who call the
API through a client and the people who implement it; so does every release that raises the
major version, which always needs one.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from packaging.version import Version

from contract.loading import SpecLoadError, load_document
from release.bundle import internal_pointers
from release.publish import RELEASES, Names, previous_release

MIGRATION = "### Migration"
AUDIENCES = ("client users", "implementers")
"""Each migration note has one `### Migration (<audience>)` section per audience."""


class RecordError(Exception):
    """The release cannot be recorded as it is."""


@dataclass(frozen=True)
class Recorded:
    """The file names of one released version in `published/releases/`."""

    version: str

    @property
    def spec(self) -> str:
        return f"{self.version}.yaml"

    @property
    def notes(self) -> str:
        return f"{self.version}.release-notes.md"

    @property
    def api_changes_md(self) -> str:
        return f"{self.version}.api-changes.md"

    @property
    def api_changes_html(self) -> str:
        return f"{self.version}.api-changes.html"

    def from_dist(self) -> dict[str, str]:
        """Each recorded file's name, and the name of the `dist/` file it is copied from."""
        names = Names(self.version)
        return {
            self.spec: names.spec_yaml,
            self.notes: names.notes,
            self.api_changes_md: names.api_changes_md,
            self.api_changes_html: names.api_changes_html,
        }


def migration_problems(notes: str, *, major_raised: bool) -> list[str]:
    """What the migration note of `notes` lacks: a section for each audience."""
    headings = [line.strip().lower() for line in notes.splitlines() if line.startswith(MIGRATION)]
    if not headings and not major_raised:
        return []
    return [
        f"the release notes have no '{MIGRATION} ({audience})' section"
        for audience in AUDIENCES
        if f"{MIGRATION.lower()} ({audience})" not in headings
    ]


def _major_raised(version: str, releases: Path) -> bool:
    previous = previous_release(version, releases)
    return previous is not None and Version(version).major > Version(previous.stem).major


def _problems(dist: Path, recorded: Recorded, releases: Path) -> Iterator[str]:
    sources = recorded.from_dist()
    missing = [name for name in sources.values() if not (dist / name).is_file()]
    if missing:
        yield f"{dist} has no {', '.join(missing)}: run `make publish` first"
        return
    try:
        spec = load_document(dist / sources[recorded.spec])
    except SpecLoadError as error:
        yield str(error)
        return
    info = spec.get("info")
    if not isinstance(info, dict) or info.get("version") != recorded.version:
        yield f"the bundle in {dist} is not version {recorded.version}"
    for pointer in internal_pointers(spec):
        yield f"the bundle holds {pointer}, which is marked x-internal and is never published"
    notes = (dist / sources[recorded.notes]).read_text(encoding="utf-8")
    yield from migration_problems(notes, major_raised=_major_raised(recorded.version, releases))
    for name, source in sources.items():
        target = releases / name
        if target.exists() and target.read_bytes() != (dist / source).read_bytes():
            yield f"{target} is released and never changes: it differs from {dist / source}"


def record(dist: Path, version: str, releases: Path = RELEASES) -> list[Path]:
    """Copy version `version`'s release files from `dist` into `releases`, and its spec to
    `openapi.yaml` beside `releases` (the baseline of `make breaking`); return the files
    recorded. Nothing is written when anything is wrong."""
    baseline = releases.parent / "openapi.yaml"
    recorded = Recorded(version)
    problems = list(_problems(dist, recorded, releases))
    if problems:
        raise RecordError("; ".join(problems))
    releases.mkdir(parents=True, exist_ok=True)
    written = []
    for name, source in recorded.from_dist().items():
        shutil.copyfile(dist / source, releases / name)
        written.append(releases / name)
    shutil.copyfile(releases / recorded.spec, baseline)
    return [*written, baseline]
