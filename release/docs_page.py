"""Build the HTML reference page from the bundled spec: one file that loads nothing.

Redocly CLI's `build-docs --inlineBundle` embeds Redoc, but Redoc 3 still fetches its sidebar
logo from a CDN and can send telemetry. The page template therefore carries a Content Security
Policy that forbids every load from outside the file, and the build is checked here: the policy
is present, telemetry is off, and no element in the static markup points at the network.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from release.bundle import run_redocly

TEMPLATE = Path(__file__).resolve().parent / "templates" / "docs_page.hbs"

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


def build(bundle: Path, out: Path) -> None:
    """Write the reference page for the bundled spec `bundle` to `out`, then check it."""
    run_redocly(
        [
            "build-docs",
            str(bundle),
            "--inlineBundle",
            "--template",
            str(TEMPLATE),
            *REDOC_OPTIONS,
            "--output",
            str(out),
        ]
    )
    check(out.read_text(encoding="utf-8"))
