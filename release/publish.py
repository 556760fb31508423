"""A release of the contract in `dist/` (`make publish`): everything it ships, built together.

For the version in `info.version`: the spec bundled into one file (YAML and JSON), the offline
HTML reference page, the API changelog against the published baseline (Markdown and a page), the
client's wheel and sdist, the release notes from `CHANGELOG.md`, and
`SHA256SUMS` over all of them. Everything is built in a scratch folder next to the output and
moved into place only when every part succeeded, so a failed publish leaves the last good `dist/`.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

from contract.loading import SpecLoadError, load_document, load_spec
from release import client_dist, docs_page
from release import notes as release_notes
from release.api_changelog import api_changelog, render_html, render_markdown
from release.bundle import bundle
from tooling.paths import ROOT
from tooling.staging import StagingError, swap_in

NAME = "industrydata-runs"
RELEASES = ROOT / "published" / "releases"
"""Every published version of the spec, as `<version>.yaml`: the API changelog of a version
compares with the newest one before it, so publishing again after the release commit (which adds
the version itself here) still writes the same changelog."""
SUMS = "SHA256SUMS"
# A version goes into file names: keep to characters that are safe there.
_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+-]*$")


class PublishError(Exception):
    """Something the release needs is missing or inconsistent."""


@dataclass(frozen=True)
class Names:
    """The file names in `dist/` for one version."""

    version: str

    @property
    def spec_yaml(self) -> str:
        return f"{NAME}-{self.version}.openapi.yaml"

    @property
    def spec_json(self) -> str:
        return f"{NAME}-{self.version}.openapi.json"

    @property
    def docs_html(self) -> str:
        return f"{NAME}-{self.version}.html"

    @property
    def notes(self) -> str:
        return f"{NAME}-{self.version}.release-notes.md"

    @property
    def api_changes_md(self) -> str:
        return f"{NAME}-{self.version}.api-changes.md"

    @property
    def api_changes_html(self) -> str:
        return f"{NAME}-{self.version}.api-changes.html"


def spec_info(spec: Path) -> tuple[str, str]:
    """The spec's `info.version` and `info.title`."""
    try:
        info = load_document(spec).get("info")
    except SpecLoadError as error:
        raise PublishError(str(error)) from None
    if not isinstance(info, dict):
        raise PublishError(f"{spec} has no info object")
    version, title = info.get("version"), info.get("title")
    if not isinstance(version, str) or not _VERSION.match(version):
        raise PublishError(f"info.version {version!r} is not a version usable in file names")
    if not isinstance(title, str):
        raise PublishError(f"{spec} has no info.title")
    return version, title


def write_sums(folder: Path) -> Path:
    """Write `SHA256SUMS` in `sha256sum` format over every other file in `folder`."""
    lines = []
    for path in sorted(folder.iterdir()):
        if path.name == SUMS or not path.is_file():
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{digest}  {path.name}\n")
    sums = folder / SUMS
    sums.write_text("".join(lines), encoding="utf-8")
    return sums


def _written_by_publish(out: Path) -> str | None:
    """Why `out` may not be replaced: a folder with files but no `SHA256SUMS` is not ours."""
    if any(out.iterdir()) and not (out / SUMS).exists():
        return f"{out} is not empty and holds no {SUMS}: not replacing it"
    return None


def previous_release(version: str, releases: Path = RELEASES) -> Path | None:
    """The newest published spec older than `version`, or None when there is none."""
    try:
        current = Version(version)
    except InvalidVersion:
        raise PublishError(
            f"info.version {version!r} is not a version to order releases by"
        ) from None
    older: list[tuple[Version, Path]] = []
    for path in releases.glob("*.yaml"):
        try:
            published = Version(path.stem)
        except InvalidVersion:
            raise PublishError(f"{path} is not named <version>.yaml") from None
        if published < current:
            older.append((published, path))
    return max(older)[1] if older else None


def write_api_changes(
    releases: Path, spec: Path, version: str, title: str, md: Path, page: Path
) -> None:
    """The API changelog from the previous release to `spec`, as Markdown and as a page."""
    baseline = previous_release(version, releases)
    try:
        revision = load_spec(spec).data
        # A first release changes everything from nothing: every operation is added.
        base = load_spec(baseline).data if baseline else {"info": {"version": "none"}}
    except SpecLoadError as error:
        raise PublishError(f"cannot read the previous release or the spec: {error}") from None
    log = api_changelog(base, revision, title)
    md.write_text(render_markdown(log), encoding="utf-8")
    html = render_html(log)
    problems = docs_page.offline_problems(html)
    if problems:
        raise PublishError(f"the API changelog page would not stand alone: {problems[0]}")
    page.write_text(html, encoding="utf-8")


def publish(
    out: Path, spec: Path, client: Path, changelog: Path, releases: Path = RELEASES
) -> list[Path]:
    """Build the release into `out`; return its files. `releases` holds the published specs."""
    version, title = spec_info(spec)
    client_version = client_dist.version(client)
    if client_version != version:
        raise PublishError(
            f"the client in {client} is version {client_version}, the spec is {version}: "
            "regenerate the client with `make generate`"
        )
    # Asked before the build as well as at the swap: a folder that is not ours fails at once.
    refused = _written_by_publish(out) if out.is_dir() else None
    if refused is not None:
        raise PublishError(refused)
    names = Names(version)
    out.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    # mkdtemp makes a private folder; dist/ is meant to be read, served and copied.
    staged.chmod(0o755)
    try:
        notes = release_notes.render(changelog, version, title)
        (staged / names.notes).write_text(notes, encoding="utf-8")
        bundle(spec, staged / names.spec_yaml, staged / names.spec_json)
        write_api_changes(
            releases,
            spec,
            version,
            title,
            staged / names.api_changes_md,
            staged / names.api_changes_html,
        )
        docs_page.build(staged / names.spec_yaml, staged / names.docs_html)
        client_dist.build(client, staged)
        write_sums(staged)
        try:
            swap_in(staged, out, replaceable=_written_by_publish)
        except StagingError as error:
            raise PublishError(str(error)) from None
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    return sorted(out.iterdir())
