"""Headless Debian Chromium with the network blocked, driven through its command line.

Each call starts a fresh browser with an empty profile, loads one URL, and returns what the page
rendered (`--dump-dom`) or a screenshot, plus the requests the page itself sent, read from
Chromium's network log. The proxy points at a closed loopback port, so nothing can reach the
network; the log proves the page did not even try.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"

# What the machine needs (its closed network refuses Chromium's background traffic), then the
# network block: every request, loopback included, goes to a proxy port where nothing listens.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--proxy-server=127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
    "--enable-logging=stderr",
    "--v=0",
    # The DOM or the screenshot is taken once the page's scripts have had 10 s of virtual time.
    "--virtual-time-budget=10000",
)

_LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:", "chrome:")


def executable() -> str:
    """The Chromium binary; skip locally when it is absent, but fail in CI, which installs it."""
    if Path(CHROMIUM).exists():
        return CHROMIUM
    found = shutil.which("chromium")
    if found:
        return found
    reason = "Debian chromium is not installed (make apt-packages installs it)"
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(reason)
    pytest.skip(reason)


@dataclass(frozen=True)
class Visit:
    """What one page load produced."""

    dom: str
    page_requests: list[str]
    console: list[str]


def _page_requests(netlog: Path) -> list[str]:
    """URLs of network requests made for a `file://` page, from a Chromium NetLog file."""
    log: dict[str, Any] = json.loads(netlog.read_text(encoding="utf-8"))
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = []
    for event in log["events"]:
        params = event.get("params") or {}
        if event.get("type") != start_job or "url" not in params:
            continue
        # Chromium's own background requests carry no page context; the page's carry file://.
        context = f"{params.get('network_isolation_key', '')} {params.get('site_for_cookies', '')}"
        from_page = "file://" in context or params.get("initiator") == "null"
        if from_page and not str(params["url"]).startswith(_LOCAL_SCHEMES):
            urls.append(str(params["url"]))
    return urls


def visit(
    url: str, *, width: int = 1280, height: int = 2000, screenshot: Path | None = None
) -> Visit:
    """Load `url` offline; return its rendered DOM (or take `screenshot`) and its requests."""
    with tempfile.TemporaryDirectory(prefix="chromium-") as scratch:
        netlog = Path(scratch) / "netlog.json"
        output = f"--screenshot={screenshot}" if screenshot is not None else "--dump-dom"
        result = subprocess.run(
            [
                executable(),
                *FLAGS,
                f"--user-data-dir={Path(scratch) / 'profile'}",
                f"--log-net-log={netlog}",
                f"--window-size={width},{height}",
                output,
                url,
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, f"chromium failed ({result.returncode}):\n{result.stderr}"
        console = [line for line in result.stderr.splitlines() if ":CONSOLE" in line]
        return Visit(dom=result.stdout, page_requests=_page_requests(netlog), console=console)


_POLICY = re.compile(r'<meta http-equiv="Content-Security-Policy"[^>]*>', re.IGNORECASE)
_MEASURED = re.compile(r'<pre id="measured">(.*?)</pre>', re.DOTALL)
_MEASURE = """<script>
(function poll() {
  var found = null;
  try { found = (%s); } catch (error) { found = null; }
  if (found === null || found === undefined) { setTimeout(poll, 100); return; }
  var out = document.createElement("pre");
  out.id = "measured";
  out.textContent = JSON.stringify(found);
  document.body.appendChild(out);
})();
</script>"""


def without_scripts(page: Path, scratch: Path) -> Path:
    """A copy of `page` (beside `scratch`) whose policy lets no script run: what a browser with
    JavaScript off shows, while the browser can still hand over the DOM."""
    text = page.read_text(encoding="utf-8")
    policies = _POLICY.findall(text)
    assert len(policies) == 1, policies
    blocked = re.sub(r"script-src [^;\"]*", "script-src 'none'", policies[0])
    copy = scratch / page.name
    copy.write_text(text.replace(policies[0], blocked), encoding="utf-8")
    return copy


def measure(
    page: Path, expression: str, scratch: Path, *, route: str = "", width: int = 1280
) -> Any:
    """What the JavaScript `expression` gives on `page` once it gives something other than
    null, laid out in a `width`-pixel window: a copy of the page with a script appended that
    polls it (the copy drops the page's policy, which may forbid that script)."""
    text = _POLICY.sub("", page.read_text(encoding="utf-8"))
    copy = scratch / f"measured-{page.name}"
    head, end, tail = text.rpartition("</body>")  # the last: Redoc's own script holds one too
    copy.write_text(f"{head}{_MEASURE % expression}{end}{tail}", encoding="utf-8")
    result = visit(f"{copy.as_uri()}{route}", width=width, height=2000)
    found = _MEASURED.search(result.dom)
    assert found, f"{expression} gave nothing within the time budget"
    return json.loads(html.unescape(found.group(1)))


class RenderedPage(HTMLParser):
    """The headings, element ids and shown text of a rendered DOM; script and style text is
    never read as markup or as text (the spec embedded in the page's script would match
    anything)."""

    def __init__(self, dom: str) -> None:
        super().__init__()
        self.headings: dict[str, list[str]] = {}
        self.ids: set[str] = set()
        self._open: str | None = None
        self._text: list[str] = []
        self._shown: list[str] = []
        self._hidden = 0
        self.feed(dom)
        self.close()
        self.text = " ".join(" ".join(self._shown).split())
        """Every piece of text outside scripts and styles, whitespace collapsed."""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
        if tag in {"script", "style"}:
            self._hidden += 1
        if tag in {"h1", "h2", "h3"} and self._open is None:
            self._open, self._text = tag, []

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self._hidden:
            self._hidden -= 1
        if tag == self._open:
            text = " ".join("".join(self._text).split())
            self.headings.setdefault(tag, []).append(text)
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)
        if not self._hidden:
            self._shown.append(data)
