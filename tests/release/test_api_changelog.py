"""The API changelog `make publish` writes: every change `make breaking` sees, with its rule id,
as Markdown and as a page that loads nothing."""

from __future__ import annotations

import copy
from html.parser import HTMLParser

import pytest

from contract.loading import load_spec
from release.api_changelog import api_changelog, render_html, render_markdown
from release.docs_page import offline_problems
from spec_diff.gate import judge
from tests.spec_diff.breaking_edits import lower_request_max_length, remove_request_enum_value
from tests.spec_diff.safe_edits import add_optional_request_property, edit_description
from tests.spec_diff.shapes import Doc, Mutation
from tooling.paths import SPEC

EDITS: list[Mutation] = [
    remove_request_enum_value,
    lower_request_max_length,
    add_optional_request_property,
    edit_description,
]


@pytest.fixture(scope="module")
def spec() -> Doc:
    return load_spec(SPEC).data


def _edited(spec: Doc, edits: list[Mutation]) -> tuple[Doc, Doc]:
    base, revision = copy.deepcopy(spec), copy.deepcopy(spec)
    for edit in edits:
        edit(base, revision)
    revision["info"]["version"] = "9.0.0"
    return base, revision


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def test_every_change_the_gate_sees_is_in_both_forms_with_its_rule(spec: Doc) -> None:
    base, revision = _edited(spec, EDITS)
    log = api_changelog(base, revision, "Runs")
    gate = judge(base, revision)
    assert list(log.changes) == gate.changes
    assert {change.level for change in log.changes} == {"breaking", "non-breaking"}
    markdown = render_markdown(log)
    parser = _Text()
    parser.feed(render_html(log))
    page_text = "".join(parser.parts)
    for change in gate.changes:
        assert f"`{change.rule}`" in markdown
        assert change.rule in page_text
        assert change.where in page_text
    assert f"{spec['info']['version']} → 9.0.0" in markdown
    assert gate.lines[len(gate.changes)] in markdown  # the gate's summary line
    assert markdown.index("## Breaking changes") < markdown.index("## Non-breaking changes")


def test_the_page_stands_alone_and_escapes_what_the_spec_says(spec: Doc) -> None:
    base, revision = _edited(spec, [])
    revision["paths"]['/x<script>alert("1")</script>'] = revision["paths"].pop(
        next(iter(revision["paths"]))
    )
    page = render_html(api_changelog(base, revision, "Runs <b>"))
    assert offline_problems(page) == []
    parser = _Text()
    parser.feed(page)
    assert "script" not in parser.tags
    assert "b" not in parser.tags
    assert "<script>" in "".join(parser.parts)


def test_no_change_says_so(spec: Doc) -> None:
    log = api_changelog(spec, copy.deepcopy(spec), "Runs")
    assert list(log.changes) == []
    assert "No change to the API." in render_markdown(log)
    assert "No change to the API." in render_html(log)
