"""Build the HTML reference page from the bundled spec: one file that loads nothing.

Redocly CLI's `build-docs --inlineBundle` embeds Redoc, but Redoc 3 still fetches its sidebar
logo from a CDN and can send telemetry. The page template therefore carries a Content Security
Policy that forbids every load from outside the file, and the build is checked here: the policy
is present, telemetry is off, and no element in the static markup points at the network.

Two things Redoc does not do are done here (issue 24): the page carries the whole reference as
plain HTML for a browser without JavaScript (`docs_fallback`, removed by a script where scripts
run), and the
texts Redoc shows as plain text rather than Markdown (server descriptions, example summaries)
have their code spans' backticks taken out, in the copy of the bundle the page is built from.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Mapping
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from contract.loading import load_spec
from release.bundle import run_redocly
from release.docs_fallback import fallback_html

TEMPLATE = Path(__file__).resolve().parent / "templates" / "docs_page.hbs"

FALLBACK_MARKER = "<!-- the reference without JavaScript -->"
"""Where the template receives `docs_fallback`'s HTML."""

_CODE_SPAN = re.compile(r"`+([^`]+?)`+")

# Redoc options: list the schemas too, so the run schema has a page of its own.
REDOC_OPTIONS = ("--openapi.schemaDefinitionsTagName=Schemas",)

# Attributes through which markup makes the browser load something by itself.
_LOADING_ATTRIBUTES = {
    "script": ("src",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "embed": ("src",),
    "object": ("data",),
}
_REMOTE_PREFIXES = ("http:", "https:", "//", "ftp:", "ws:", "wss:")
# A module script importing Redoc from its CDN, as build-docs writes without --inlineBundle.
_REMOTE_IMPORT = re.compile(r"""(?:\bfrom|\bimport)\s*\(?\s*["'`](?:https?:)?//""")


class DocsPageError(Exception):
    """The page could be built but would not stand alone."""


class _Loads(HTMLParser):
    """Collects the policy meta tag and every URL the markup would load."""

    def __init__(self) -> None:
        super().__init__()
        self.policies: list[str] = []
        self.remote: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "meta" and values.get("http-equiv", "").lower() == "content-security-policy":
            self.policies.append(values.get("content", ""))
        for name in _LOADING_ATTRIBUTES.get(tag, ()):
            if _is_remote(values.get(name, "")):
                self.remote.append(f"<{tag} {name}={values[name]!r}>")


def _is_remote(value: str) -> bool:
    """Whether an attribute value (a URL, or a `srcset` list) names a network location."""
    tokens = value.replace(",", " ").split()
    return any(token.lower().startswith(_REMOTE_PREFIXES) for token in tokens)


def offline_problems(html: str) -> list[str]:
    """Why `html` could load something from the network; empty for a page that stands alone."""
    parser = _Loads()
    parser.feed(html)
    parser.close()
    problems = []
    if not any("default-src 'none'" in policy for policy in parser.policies):
        problems.append("the page has no Content-Security-Policy with default-src 'none'")
    if parser.remote:
        problems.append(f"the page loads from the network: {', '.join(parser.remote)}")
    remote_import = _REMOTE_IMPORT.search(html)
    if remote_import:
        problems.append(f"the page imports a script from the network: {remote_import.group()}")
    return problems


def check(html: str) -> None:
    """Raise unless `html` is a Redoc page that cannot load anything from the network."""
    problems = offline_problems(html)
    if problems:
        raise DocsPageError(problems[0])
    if '"disableTelemetry":true' not in html:
        raise DocsPageError("Redoc telemetry is not disabled in the page")


def plain_text(text: str) -> str:
    """`text` with its Markdown code spans written plainly: `make serve` -> make serve."""
    return _CODE_SPAN.sub(r"\1", text)


def page_spec(node: Any, key: str = "") -> Any:
    """A copy of the bundle as the page shows it: the texts Redoc shows unrendered (each server's
    `description`, each example's `summary`) without Markdown backticks."""
    if isinstance(node, Mapping):
        copy = {str(name): page_spec(value, str(name)) for name, value in node.items()}
        if key == "examples":  # a media type's map of named examples
            for example in copy.values():
                if isinstance(example, dict) and isinstance(example.get("summary"), str):
                    example["summary"] = plain_text(example["summary"])
        return copy
    if isinstance(node, list):
        items = [page_spec(value) for value in node]
        if key == "servers":
            for server in items:
                if isinstance(server, dict) and isinstance(server.get("description"), str):
                    server["description"] = plain_text(server["description"])
        return items
    return node


def build(bundle: Path, out: Path) -> None:
    """Write the reference page for the bundled spec `bundle` to `out`, then check it."""
    spec = load_spec(bundle).data
    with tempfile.TemporaryDirectory(prefix="docs-page-") as scratch:
        shown = Path(scratch) / f"{bundle.stem}.json"
        shown.write_text(json.dumps(page_spec(spec), ensure_ascii=False), encoding="utf-8")
        run_redocly(
            [
                "build-docs",
                str(shown),
                "--inlineBundle",
                "--template",
                str(TEMPLATE),
                *REDOC_OPTIONS,
                "--output",
                str(out),
            ]
        )
    page = out.read_text(encoding="utf-8")
    if page.count(FALLBACK_MARKER) != 1:
        raise DocsPageError(f"the template has no single {FALLBACK_MARKER!r} for the fallback")
    page = page.replace(FALLBACK_MARKER, fallback_html(spec))
    out.write_text(page, encoding="utf-8")
    check(page)
