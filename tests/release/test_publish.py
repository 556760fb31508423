"""`make publish` (`release/`): what `make publish` puts in `dist/`, checked file by file."""

from __future__ import annotations

import json
import shutil
import subprocess
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from packaging.version import Version

from contract.loading import load_document, load_spec
from release import client_dist, docs_page, publish
from release import notes as release_notes
from release.bundle import external_refs
from scripts import publish as publish_command
from spec_diff.gate import judge
from tooling.paths import ROOT

SPEC = ROOT / "openapi.yaml"
CLIENT = ROOT / "generated"
CHANGELOG = ROOT / "CHANGELOG.md"


def _source() -> dict[str, Any]:
    return load_document(SPEC)


VERSION = str(_source()["info"]["version"])
NAMES = publish.Names(VERSION)


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A publish of the working tree through the command line entry point."""
    out = tmp_path_factory.mktemp("publish") / "dist"
    assert publish_command.main(["--out", str(out)]) == 0
    return out


def test_dist_holds_exactly_the_release_files(dist: Path) -> None:
    assert sorted(path.name for path in dist.iterdir()) == sorted(
        [
            NAMES.spec_yaml,
            NAMES.spec_json,
            NAMES.docs_html,
            NAMES.notes,
            NAMES.api_changes_md,
            NAMES.api_changes_html,
            f"industrydata_runs_client-{VERSION}-py3-none-any.whl",
            f"industrydata_runs_client-{VERSION}.tar.gz",
            publish.SUMS,
        ]
    )


def test_sha256sum_checks_every_other_file(dist: Path) -> None:
    result = subprocess.run(
        ["sha256sum", "--check", "--strict", publish.SUMS],
        cwd=dist,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    listed = sorted(
        line.split("  ", 1)[1] for line in (dist / publish.SUMS).read_text().splitlines()
    )
    assert listed == sorted(path.name for path in dist.iterdir() if path.name != publish.SUMS)


def test_sha256sum_notices_a_changed_file(dist: Path, tmp_path: Path) -> None:
    copy = tmp_path / "dist"
    copy.mkdir()
    for path in dist.iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
    with (copy / NAMES.notes).open("a", encoding="utf-8") as stream:
        stream.write("tampered\n")
    result = subprocess.run(
        ["sha256sum", "--check", "--quiet", publish.SUMS],
        cwd=copy,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert NAMES.notes in result.stdout


def test_bundles_are_one_file_each_and_the_same_document(dist: Path) -> None:
    from_yaml = load_document(dist / NAMES.spec_yaml)
    from_json = json.loads((dist / NAMES.spec_json).read_text(encoding="utf-8"))
    assert from_yaml == from_json
    assert list(external_refs(from_json)) == []
    source = _source()
    assert from_json["info"] == source["info"]
    assert from_json["paths"].keys() == source["paths"].keys()
    for kind, members in source["components"].items():
        assert from_json["components"][kind].keys() == members.keys(), kind


def test_docs_page_is_self_contained(dist: Path) -> None:
    html = (dist / NAMES.docs_html).read_text(encoding="utf-8")
    docs_page.check(html)
    # Redoc itself and the spec are inside the page.
    assert "const __redoc_definition = " in html
    assert json.dumps(_source()["info"]["title"]) in html
    assert "<script src=" not in html
    assert 'import { hydrate } from "https:' not in html


@pytest.mark.parametrize(
    ("head", "problem"),
    [
        ("", "Content-Security-Policy"),
        (
            "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'\">"
            '<script src="https://cdn.redocly.com/redoc/bundles/redoc.standalone.js"></script>',
            "loads from the network",
        ),
        (
            "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'\">"
            '<img srcset="logo.png 1x, //cdn.example.com/logo@2x.png 2x">',
            "loads from the network",
        ),
        (
            "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'\">"
            '<script type="module">import { hydrate } from "https://cdn.redocly.com/r.js";</script>',
            "imports a script from the network",
        ),
    ],
)
def test_docs_page_check_rejects_a_page_that_could_load(head: str, problem: str) -> None:
    options = '<script>x={"disableTelemetry":true}</script>'
    html = f"<html><head>{head}</head><body>{options}</body></html>"
    with pytest.raises(docs_page.DocsPageError, match=problem):
        docs_page.check(html)


def test_docs_page_check_wants_telemetry_off() -> None:
    html = "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'\">"
    with pytest.raises(docs_page.DocsPageError, match="telemetry"):
        docs_page.check(html)


def test_release_notes_are_the_changelog_section(dist: Path) -> None:
    notes = (dist / NAMES.notes).read_text(encoding="utf-8")
    section = release_notes.section(CHANGELOG.read_text(encoding="utf-8"), VERSION)
    assert notes == f"# {_source()['info']['title']} {VERSION}\n\n{section}\n"
    assert "docs/decisions.md" in section


def test_release_notes_section_stops_at_the_next_version() -> None:
    changelog = (
        "# Changelog\n\n## [2.0.0] - 2027-01-01\n\nBreaking: Update run.\n\n"
        "## 1.0.0 - 2026-11-25\n\nFirst release.\n### Operations\n- Add run\n\n"
        "## 0.9.0\n\nPreview.\n"
    )
    assert release_notes.section(changelog, "2.0.0") == "Breaking: Update run."
    assert release_notes.section(changelog, "1.0.0") == "First release.\n### Operations\n- Add run"
    assert release_notes.section(changelog, "0.9.0") == "Preview."


def test_release_notes_fail_without_a_section() -> None:
    with pytest.raises(release_notes.ReleaseNotesError, match=r"no section '## 1\.0\.1'"):
        release_notes.section("# Changelog\n\n## 1.0.0\n\nFirst.\n", "1.0.1")
    with pytest.raises(release_notes.ReleaseNotesError, match="empty"):
        release_notes.section("## 1.0.1\n\n## 1.0.0\n\nFirst.\n", "1.0.1")


def test_client_wheel_and_sdist_carry_the_spec_version(dist: Path) -> None:
    wheel = dist / f"industrydata_runs_client-{VERSION}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read(f"industrydata_runs_client-{VERSION}.dist-info/METADATA").decode()
    assert "industrydata_runs_client/py.typed" in names
    assert "industrydata_runs_client/client.py" in names
    assert not any("__pycache__" in name for name in names)
    assert f"\nVersion: {VERSION}\n" in metadata
    sdist = dist / f"industrydata_runs_client-{VERSION}.tar.gz"
    with tarfile.open(sdist) as archive:
        members = set(archive.getnames())
    assert f"industrydata_runs_client-{VERSION}/pyproject.toml" in members
    assert f"industrydata_runs_client-{VERSION}/industrydata_runs_client/py.typed" in members


def test_publish_is_reproducible(dist: Path, tmp_path: Path) -> None:
    again = tmp_path / "dist"
    publish.publish(again, SPEC, CLIENT, CHANGELOG)
    assert (again / publish.SUMS).read_text() == (dist / publish.SUMS).read_text()


def test_a_failed_publish_keeps_the_last_dist(dist: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    shutil.copytree(dist, out)  # the last dist: a publish's output, as the fixture wrote it
    before = (out / publish.SUMS).read_text()
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text("# Changelog\n\n## 0.0.1\n\nSomething else.\n", encoding="utf-8")
    assert publish_command.main(["--out", str(out), "--changelog", str(changelog)]) == 1
    assert (out / publish.SUMS).read_text() == before
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".dist-")] == []


def test_publish_refuses_a_client_of_another_version(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(
        SPEC.read_text(encoding="utf-8").replace(
            f"  version: {VERSION}\n", "  version: 99.0.0\n", 1
        ),
        encoding="utf-8",
    )
    assert publish.spec_info(spec)[0] == "99.0.0"
    with pytest.raises(publish.PublishError, match="regenerate the client"):
        publish.publish(tmp_path / "dist", spec, CLIENT, CHANGELOG)
    assert client_dist.version(CLIENT) == VERSION


def test_publish_refuses_a_spec_with_a_repeated_key_naming_its_line(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    text = SPEC.read_text(encoding="utf-8")
    spec.write_text(text + "info: {}\n", encoding="utf-8")
    line = len(text.splitlines()) + 1
    with pytest.raises(
        publish.PublishError, match=rf"openapi\.yaml:{line}: .*'info' appears twice"
    ):
        publish.publish(tmp_path / "dist", spec, CLIENT, CHANGELOG)
    assert not (tmp_path / "dist").exists()


def test_publish_refuses_to_replace_a_folder_it_did_not_write(tmp_path: Path) -> None:
    out = tmp_path / "somewhere"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(publish.PublishError, match="not replacing"):
        publish.publish(out, SPEC, CLIENT, CHANGELOG)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_the_api_changelog_compares_with_the_previous_release(dist: Path) -> None:
    previous = publish.previous_release(VERSION)
    base = load_spec(previous).data if previous else {"info": {"version": "none"}}
    gate = judge(base, _source())
    markdown = (dist / NAMES.api_changes_md).read_text(encoding="utf-8")
    page = (dist / NAMES.api_changes_html).read_text(encoding="utf-8")
    assert f"{base['info']['version']} → {VERSION}" in markdown
    assert gate.lines[len(gate.changes)] in markdown
    assert gate.changes, "a first release or a new version changes something"
    for change in gate.changes:
        assert f"`{change.rule}`" in markdown
        assert change.rule in page
    assert docs_page.offline_problems(page) == []


def test_the_previous_release_is_the_newest_older_one(tmp_path: Path) -> None:
    for version in ("1.0.0", "1.2.0", "1.10.0", "2.0.0"):
        (tmp_path / f"{version}.yaml").write_text("info: {}\n", encoding="utf-8")
    assert publish.previous_release("2.0.0", tmp_path) == tmp_path / "1.10.0.yaml"
    assert publish.previous_release("1.10.0", tmp_path) == tmp_path / "1.2.0.yaml"
    assert publish.previous_release("1.0.0", tmp_path) is None
    (tmp_path / "latest.yaml").write_text("info: {}\n", encoding="utf-8")
    with pytest.raises(publish.PublishError, match=r"<version>\.yaml"):
        publish.previous_release("2.0.0", tmp_path)


def test_published_openapi_is_the_newest_release() -> None:
    newest = max(publish.RELEASES.glob("*.yaml"), key=lambda path: Version(path.stem))
    assert (ROOT / "published" / "openapi.yaml").read_bytes() == newest.read_bytes()
