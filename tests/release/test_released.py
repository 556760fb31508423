"""A released version never changes: its spec, its notes and its API changelog, kept in
`published/releases/` beside each other, are what its release commit holds (D26).

What was released is read from git: the release commit of a version is the one that added its
`published/releases/<version>.yaml`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from packaging.version import Version

from contract.loading import load_document
from release import docs_page, notes
from release.bundle import internal_pointers
from release.publish import RELEASES, Names, previous_release, publish, spec_info
from release.record import Recorded, RecordError, migration_problems, record
from scripts import publish as publish_command
from tooling.paths import ROOT

SPEC = ROOT / "openapi.yaml"
CHANGELOG = ROOT / "CHANGELOG.md"
VERSIONS = sorted((path.stem for path in RELEASES.glob("*.yaml")), key=Version)
VERSION, TITLE = spec_info(SPEC)


def _git(*args: str) -> bytes:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, check=True).stdout


def _needs_history() -> None:
    """A test that reads what was released from git needs the history, not a shallow copy (the
    tests that need none run anyway)."""
    if _git("rev-parse", "--is-shallow-repository").strip() == b"true":
        pytest.skip("a shallow clone has no release commits to compare with")


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _added_in(path: Path) -> str | None:
    """The commit that first added `path`, or None when it is not committed yet."""
    commits = _git("log", "--diff-filter=A", "--format=%H", "--", _relative(path)).split()
    return commits[-1].decode() if commits else None


def _release_commit(version: str) -> str:
    _needs_history()
    commit = _added_in(RELEASES / Recorded(version).spec)
    assert commit is not None, f"release {version} is not committed"
    return commit


def _at(commit: str, path: Path) -> bytes:
    return _git("show", f"{commit}:{_relative(path)}")


def test_the_releases_are_the_ones_published() -> None:
    """Every version the CHANGELOG dates is recorded, and nothing else: a release whose files
    were deleted is missed here, not passed over."""
    dated = re.findall(r"^## (\d+\.\d+\.\d+) - \d{4}-\d{2}-\d{2}$", CHANGELOG.read_text(), re.M)
    assert sorted(dated, key=Version) == VERSIONS
    assert VERSIONS[:2] == ["1.0.0", "2.0.0"]


@pytest.mark.parametrize("version", VERSIONS)
def test_a_release_keeps_its_notes_and_api_changelog_beside_its_spec(version: str) -> None:
    recorded = Recorded(version)
    for name in recorded.from_dist():
        assert (RELEASES / name).is_file(), name


@pytest.mark.parametrize("version", VERSIONS)
def test_a_released_spec_is_what_its_release_commit_holds(version: str) -> None:
    spec = RELEASES / Recorded(version).spec
    assert spec.read_bytes() == _at(_release_commit(version), spec)


@pytest.mark.parametrize("version", VERSIONS)
def test_the_changelog_section_of_a_release_is_the_one_released(version: str) -> None:
    released = _at(_release_commit(version), CHANGELOG).decode("utf-8")
    now = CHANGELOG.read_text(encoding="utf-8")
    assert notes.section(now, version) == notes.section(released, version)


@pytest.mark.parametrize("version", VERSIONS)
def test_the_published_notes_are_the_changelog_section(version: str) -> None:
    _, title = spec_info(RELEASES / Recorded(version).spec)
    published = (RELEASES / Recorded(version).notes).read_text(encoding="utf-8")
    assert published == notes.render(CHANGELOG, version, title)


@pytest.mark.parametrize("version", VERSIONS)
def test_a_release_api_changelog_compares_with_the_release_before(version: str) -> None:
    previous = previous_release(version)
    base = previous.stem if previous else "none"
    _, title = spec_info(RELEASES / Recorded(version).spec)
    markdown = (RELEASES / Recorded(version).api_changes_md).read_text(encoding="utf-8")
    assert markdown.startswith(f"# API changes: {title} {base} → {version}\n")
    page = (RELEASES / Recorded(version).api_changes_html).read_text(encoding="utf-8")
    assert docs_page.offline_problems(page) == []


def test_no_committed_release_file_ever_changed() -> None:
    _needs_history()
    changed = [
        path.name
        for path in sorted(RELEASES.iterdir())
        if (commit := _added_in(path)) is not None and path.read_bytes() != _at(commit, path)
    ]
    assert changed == []


@pytest.mark.parametrize(
    ("text", "major_raised", "missing"),
    [
        ("### Added\n- x\n", False, []),
        ("### Added\n- x\n", True, ["client users", "implementers"]),
        ("### Migration (client users)\n- x\n", False, ["implementers"]),
        ("### Migration (implementers)\n- x\n", True, ["client users"]),
        ("### Migration (client users)\n- x\n### Migration (implementers)\n- y\n", True, []),
    ],
)
def test_a_migration_note_speaks_to_users_and_implementers(
    text: str, major_raised: bool, missing: list[str]
) -> None:
    problems = migration_problems(text, major_raised=major_raised)
    assert problems == [
        f"the release notes have no '### Migration ({audience})' section" for audience in missing
    ]


def _changelog(tmp_path: Path, migration: str) -> Path:
    path = tmp_path / "CHANGELOG.md"
    path.write_text(f"# Changelog\n\n## {VERSION}\n\nA release.\n\n{migration}", encoding="utf-8")
    return path


BOTH = "### Migration (client users)\n- Nothing to do.\n\n### Migration (implementers)\n- Some.\n"


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A publish of the working tree whose notes speak to both audiences."""
    folder = tmp_path_factory.mktemp("record")
    out = folder / "dist"
    publish(out, SPEC, ROOT / "generated", _changelog(folder, BOTH), RELEASES)
    return out


def test_recording_a_release_copies_the_published_contract(dist: Path, tmp_path: Path) -> None:
    releases = tmp_path / "published" / "releases"
    written = record(dist, VERSION, releases)
    recorded = Recorded(VERSION)
    names = Names(VERSION)
    assert sorted(path.name for path in written) == sorted([*recorded.from_dist(), "openapi.yaml"])
    spec = releases / recorded.spec
    assert spec.read_bytes() == (dist / names.spec_yaml).read_bytes()
    assert (tmp_path / "published" / "openapi.yaml").read_bytes() == spec.read_bytes()
    bundled = load_document(spec)
    assert list(internal_pointers(bundled)) == []
    hosts = {urlsplit(server["url"]).hostname for server in bundled["servers"]}
    assert hosts == {"graph.microsoft.com"}
    assert (releases / recorded.notes).read_bytes() == (dist / names.notes).read_bytes()
    # Recording the same release again changes nothing and is no error.
    assert record(dist, VERSION, releases) == written


def test_the_publish_command_records_a_release(tmp_path: Path) -> None:
    releases = tmp_path / "published" / "releases"
    releases.mkdir(parents=True)
    changelog = _changelog(tmp_path, BOTH)
    command = ["--out", str(tmp_path / "dist"), "--changelog", str(changelog)]
    assert publish_command.main([*command, "--releases", str(releases), "--record"]) == 0
    assert sorted(path.name for path in releases.iterdir()) == sorted(Recorded(VERSION).from_dist())
    assert (tmp_path / "published" / "openapi.yaml").is_file()


def test_a_recorded_release_is_never_written_over(dist: Path, tmp_path: Path) -> None:
    releases = tmp_path / "releases"
    record(dist, VERSION, releases)
    notes_file = releases / Recorded(VERSION).notes
    released = notes_file.read_bytes()
    notes_file.write_bytes(released.replace(b"A release.", b"An edited release."))
    with pytest.raises(RecordError, match="is released and never changes"):
        record(dist, VERSION, releases)
    assert b"An edited release." in notes_file.read_bytes()


def test_a_release_whose_migration_note_leaves_out_implementers_is_refused(
    dist: Path, tmp_path: Path
) -> None:
    # The module's publish with the notes a publish of this changelog writes; nothing else in
    # a dist depends on the changelog.
    out = tmp_path / "dist"
    shutil.copytree(dist, out)
    only_users = "### Migration (client users)\n- Nothing to do.\n"
    rendered = notes.render(_changelog(tmp_path, only_users), *spec_info(SPEC))
    (out / Names(VERSION).notes).write_text(rendered, encoding="utf-8")
    with pytest.raises(RecordError, match=r"no '### Migration \(implementers\)' section"):
        record(out, VERSION, tmp_path / "releases")
    assert not (tmp_path / "releases").exists()
