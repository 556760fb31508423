"""The published HTML reference page renders in a real browser with the network blocked.

The page is built by `release.publish` exactly as `make publish` builds it, opened from its
`dist/` folder as a `file://` URL in headless Debian Chromium, and judged on what Redoc rendered
(headings and schema fields in the live DOM, not the spec embedded in the page's script), on
what a browser without JavaScript shows, and on how the page is laid out at 1280 px.
Screenshots go to `reports/docs-page.png` (the page as it opens) and
`reports/docs-page-operations.png` (the operations).
"""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path
from typing import Any

import pytest

from release.docs_page import page_spec
from release.publish import Names, publish, spec_info
from tests.release.chromium import RenderedPage, Visit, measure, visit, without_scripts
from tooling.paths import ROOT

REPORTS = ROOT / "reports"
OPERATION_SUMMARIES = {"Add run", "Update run", "Update a run in a run's process"}
SCHEME = "microsoftIdentityPlatform"
DELEGATED = {"IndustryData-InboundFlow.ReadWrite.All"}
APPLICATION = {"https://graph.microsoft.com/.default"}
REQUIRED = (DELEGATED, APPLICATION)
EMBEDDED = "const __redoc_definition = "
RUN_PROPERTIES = {"displayName", "startDateTime", "endDateTime", "status", "blockingError"}
METHODS = {"get", "put", "post", "patch", "delete"}
FALLBACK = "reference-without-javascript"
TAG_PATHS = """(function () {
  var list = document.querySelector('[data-testid="items-navigation-list"]');
  var paths = list ? list.querySelectorAll("button > span > span") : [];
  if (paths.length === 0) return null;
  var edge = list.getBoundingClientRect().right;
  return Array.prototype.map.call(paths, function (path) {
    return {text: path.textContent, cut: path.scrollWidth > path.clientWidth,
            inside: path.getBoundingClientRect().right <= edge};
  });
})()"""
TABLES_FIT = """(function () {
  var tables = document.querySelectorAll("table");
  if (tables.length === 0) return null;
  return {page: document.documentElement.scrollWidth, window: window.innerWidth,
          tables: Array.prototype.map.call(tables, function (table) {
            return table.getBoundingClientRect().right; })};
})()"""


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference page of a fresh publish of the working tree."""
    out = tmp_path_factory.mktemp("publish") / "dist"
    publish(out, ROOT / "openapi.yaml", ROOT / "generated", ROOT / "CHANGELOG.md")
    version, _ = spec_info(ROOT / "openapi.yaml")
    return out / Names(version).docs_html


@pytest.fixture(scope="module")
def bundled(page: Path) -> dict[str, Any]:
    """The bundled spec published next to the page."""
    version, _ = spec_info(ROOT / "openapi.yaml")
    document: dict[str, Any] = json.loads((page.parent / Names(version).spec_json).read_text())
    return document


@pytest.fixture(scope="module")
def operations_route(page: Path) -> Visit:
    """The tag's route, which shows its operations in place; the tall window lets Redoc render
    all of them (it renders only what is near the viewport). One visit, read by every test
    that looks at the rendered operations."""
    return visit(f"{page.as_uri()}#/industrydata.run", height=6000)


@pytest.fixture(scope="module")
def without_javascript(page: Path, tmp_path_factory: pytest.TempPathFactory) -> Visit:
    """The page as a browser that runs no script shows it: one visit for every test."""
    return visit(without_scripts(page, tmp_path_factory.mktemp("no-js")).as_uri(), height=6000)


def _offline(result: Visit) -> None:
    assert result.page_requests == [], f"the page requested {result.page_requests}"
    errors = [line for line in result.console if "Uncaught" in line]
    assert errors == [], f"the page raised script errors: {errors}"


def test_all_three_operations_render_offline(
    operations_route: Visit, bundled: dict[str, Any]
) -> None:
    summaries = {
        operation["summary"]
        for item in bundled["paths"].values()
        for method, operation in item.items()
        if method in {"get", "put", "post", "patch", "delete"}
    }
    assert summaries == OPERATION_SUMMARIES
    result = operations_route
    _offline(result)
    rendered = RenderedPage(result.dom)
    assert set(rendered.headings.get("h2", [])) >= OPERATION_SUMMARIES, rendered.headings
    assert FALLBACK not in rendered.ids  # the plain copy is gone where scripts run


def _operations(bundled: dict[str, Any]) -> list[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    return [
        (path, method, item, operation)
        for path, item in bundled["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def _deref(bundled: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = bundled
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def _section(dom: str, anchor: str) -> RenderedPage:
    """What the element with id `anchor` (a `<section>` of the plain reference) shows."""
    start = dom.index(f'id="{anchor}"')
    return RenderedPage(dom[start : dom.index("</section>", start)])


def test_every_operation_is_readable_without_javascript(
    without_javascript: Visit, bundled: dict[str, Any]
) -> None:
    """A browser that runs no script shows each operation in plain HTML: its method and whole
    path, its parameters, its request body and every response status (issue 24)."""
    result = without_javascript
    assert result.page_requests == []
    rendered = RenderedPage(result.dom)
    assert FALLBACK in rendered.ids
    assert set(rendered.headings.get("h3", [])) >= OPERATION_SUMMARIES | set(
        bundled["components"]["schemas"]
    )
    for path, method, item, operation in _operations(bundled):
        shown = _section(result.dom, f"operation-{operation['operationId']}")
        assert shown.headings["h3"] == [operation["summary"]]
        assert f"{method.upper()} {path}" in shown.text
        for parameter in [*item.get("parameters", []), *operation.get("parameters", [])]:
            assert _deref(bundled, parameter)["name"] in shown.text, parameter
        body = _deref(bundled, operation["requestBody"])
        for media, content in body["content"].items():
            assert media in shown.text
            refs = re.findall(r"#/components/schemas/(\w+)", json.dumps(content["schema"]))
            assert refs
            assert all(name in shown.text for name in refs), refs
        for status in operation["responses"]:
            assert re.search(rf"(^| ){re.escape(status)} ", shown.text), status


def test_no_literal_markdown_on_the_page(
    operations_route: Visit, without_javascript: Visit
) -> None:
    """Redoc shows server descriptions and example summaries as plain text: the page is built
    from a copy without their Markdown backticks; everywhere else Markdown is rendered."""
    for result in (operations_route, without_javascript):
        text = RenderedPage(result.dom).text
        assert "`" not in text, text[max(0, text.find("`") - 80) : text.find("`") + 80]


def test_the_page_copy_writes_plain_texts_plainly() -> None:
    spec: dict[str, Any] = {
        "servers": [{"url": "http://127.0.0.1:8000/beta", "description": "Local (`make serve`)."}],
        "paths": {
            "/runs": {
                "post": {
                    "description": "Keeps `Markdown`.",
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "examples": {"link": {"summary": "As SDKs send a `$ref`"}}
                            }
                        }
                    },
                }
            }
        },
    }
    shown = page_spec(spec)
    assert shown["servers"][0]["description"] == "Local (make serve)."
    post = shown["paths"]["/runs"]["post"]
    assert post["description"] == "Keeps `Markdown`."  # Redoc renders it
    examples = post["requestBody"]["content"]["application/json"]["examples"]
    assert examples["link"]["summary"] == "As SDKs send a $ref"
    assert spec["servers"][0]["description"] == "Local (`make serve`)."  # a copy


def test_the_tags_list_shows_each_whole_path(
    page: Path, bundled: dict[str, Any], tmp_path: Path
) -> None:
    """The two PATCH paths differ only at their end: each shows whole, within its panel."""
    shown = measure(page, TAG_PATHS, tmp_path, route="#/industrydata.run")
    assert sorted(entry["text"] for entry in shown) == sorted(bundled["paths"])
    assert [entry for entry in shown if entry["cut"] or not entry["inside"]] == []


def test_the_api_changes_table_fits_the_page_at_1280_px(page: Path, tmp_path: Path) -> None:
    version, _ = spec_info(ROOT / "openapi.yaml")
    changes = page.parent / Names(version).api_changes_html
    laid_out = measure(changes, TABLES_FIT, tmp_path, width=1280)
    assert laid_out["page"] <= laid_out["window"], laid_out
    assert all(right <= laid_out["window"] for right in laid_out["tables"]), laid_out


def test_the_run_schema_renders_offline(page: Path, bundled: dict[str, Any]) -> None:
    properties = set(bundled["components"]["schemas"]["run"]["properties"])
    assert properties >= RUN_PROPERTIES
    result = visit(f"{page.as_uri()}#/schemas/run")
    _offline(result)
    rendered = RenderedPage(result.dom)
    assert "run" in rendered.headings.get("h2", []), rendered.headings
    # Redoc gives every rendered schema field an anchor id `schemas/<schema>/path=<field>`.
    shown = {name for name in properties if f"schemas/run/path={name.lower()}" in rendered.ids}
    assert shown == properties


def _embedded_definition(page: Path) -> dict[str, Any]:
    """The spec the page renders, as embedded in its script."""
    html = page.read_text(encoding="utf-8")
    start = html.index(EMBEDDED) + len(EMBEDDED)
    definition, _ = json.JSONDecoder().raw_decode(html, start)
    assert isinstance(definition, dict)
    return definition


def test_both_security_flows_are_on_the_page(page: Path, operations_route: Visit) -> None:
    """Each flow's scope is one alternative requirement, and the page carries both flows and
    shows both requirements on every operation (D24)."""
    definition = _embedded_definition(page)
    scheme = definition["components"]["securitySchemes"][SCHEME]
    offered = {flow: set(value["scopes"]) for flow, value in scheme["flows"].items()}
    required = [set(requirement[SCHEME]) for requirement in definition["security"]]
    assert offered == {"authorizationCode": DELEGATED, "clientCredentials": APPLICATION}
    assert required == [DELEGATED, APPLICATION]
    result = operations_route
    _offline(result)
    text = RenderedPage(result.dom).text
    # Per operation: `<scheme> (Required scopes: <scope>) or ...`, a long scope cut to a prefix
    # and "...".
    shown = re.findall(rf"{SCHEME} \(Required scopes: (\S+?)(?:\.\.\.)? \)", text)
    assert len(shown) == len(REQUIRED) * len(OPERATION_SUMMARIES), text
    for index, prefix in enumerate(shown):
        (scope,) = REQUIRED[index % len(REQUIRED)]
        assert len(prefix) > len("https://"), prefix
        assert scope.startswith(prefix), (scope, prefix)


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_screenshots_of_the_page(page: Path) -> None:
    REPORTS.mkdir(exist_ok=True)
    # What a reader sees first, and the whole route of the operations. The window is as tall as
    # that route: in a shorter one, headless Chromium paints the scrolled page with a blank band.
    shots = {
        REPORTS / "docs-page.png": ("", 2000),
        REPORTS / "docs-page-operations.png": ("#/industrydata.run", 8000),
    }
    for shot, (route, height) in shots.items():
        shot.unlink(missing_ok=True)
        result = visit(f"{page.as_uri()}{route}", height=height, screenshot=shot)
        _offline(result)
        assert _png_size(shot) == (1280, height)


def test_the_network_log_sees_a_page_that_reaches_out(tmp_path: Path) -> None:
    # The offline assertions above rely on reading the page's requests from Chromium's network
    # log: a page that does load something must show up there.
    probe = tmp_path / "probe.html"
    probe.write_text(
        '<!DOCTYPE html><html><body><img src="https://cdn.example.invalid/logo.svg"></body></html>',
        encoding="utf-8",
    )
    result = visit(probe.as_uri())
    assert result.page_requests == ["https://cdn.example.invalid/logo.svg"]
