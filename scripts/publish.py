"""`make publish`: fill `dist/` with everything a release of the contract ships.

For the version in `info.version`: the spec bundled into one file (YAML and JSON), the offline
HTML reference page, the client's wheel and sdist, the release notes from `CHANGELOG.md`, and
`SHA256SUMS` over all of them. Everything is built in a scratch folder next to the output and
moved into place only when every part succeeded, so a failed publish leaves the last good `dist/`.

    python -m scripts.publish [--out DIR] [--spec FILE] [--client DIR] [--changelog FILE]
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from scripts import client_dist, docs_page, release_notes
from scripts.bundle import ROOT, BundleError, bundle

NAME = "industrydata-runs"
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


def spec_info(spec: Path) -> tuple[str, str]:
    """The spec's `info.version` and `info.title`."""
    with spec.open(encoding="utf-8") as stream:
        document = yaml.safe_load(stream)
    info = document.get("info") if isinstance(document, dict) else None
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


def _replace(out: Path, staged: Path) -> None:
    """Put `staged` where `out` is, refusing to delete a folder this script did not write."""
    if out.exists():
        if any(out.iterdir()) and not (out / SUMS).exists():
            raise PublishError(f"{out} is not empty and holds no {SUMS}: not replacing it")
        shutil.rmtree(out)
    staged.rename(out)


def publish(out: Path, spec: Path, client: Path, changelog: Path) -> list[Path]:
    """Build the release into `out`; return its files."""
    version, title = spec_info(spec)
    client_version = client_dist.version(client)
    if client_version != version:
        raise PublishError(
            f"the client in {client} is version {client_version}, the spec is {version}: "
            "regenerate the client with `make generate`"
        )
    names = Names(version)
    out.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    # mkdtemp makes a private folder; dist/ is meant to be read, served and copied.
    staged.chmod(0o755)
    try:
        notes = release_notes.render(changelog, version, title)
        (staged / names.notes).write_text(notes, encoding="utf-8")
        bundle(spec, staged / names.spec_yaml, staged / names.spec_json)
        docs_page.build(staged / names.spec_yaml, staged / names.docs_html)
        client_dist.build(client, staged)
        write_sums(staged)
        _replace(out, staged)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    return sorted(out.iterdir())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="output folder")
    parser.add_argument("--spec", type=Path, default=ROOT / "openapi.yaml")
    parser.add_argument("--client", type=Path, default=ROOT / "generated")
    parser.add_argument("--changelog", type=Path, default=ROOT / "CHANGELOG.md")
    args = parser.parse_args(argv)
    try:
        files = publish(args.out, args.spec, args.client, args.changelog)
    except (
        PublishError,
        BundleError,
        docs_page.DocsPageError,
        client_dist.ClientDistError,
        release_notes.ReleaseNotesError,
    ) as error:
        print(f"publish: {error}", file=sys.stderr)
        return 1
    print(f"published {len(files)} files to {args.out}:")
    for path in files:
        print(f"  {path.stat().st_size:>10}  {path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
