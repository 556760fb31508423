"""The bundles `make publish` writes are the published contract: nothing marked `x-internal`."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from contract.loading import load_document
from release.bundle import CONFIG, BundleError, bundle, internal_pointers
from tooling.paths import ROOT

SPEC = ROOT / "openapi.yaml"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def _hosts(document: dict[str, object]) -> set[str]:
    servers = document.get("servers")
    assert isinstance(servers, list)
    return {urlsplit(str(server["url"])).hostname or "" for server in servers}


def test_the_source_keeps_the_dev_server_for_make_serve() -> None:
    source = load_document(SPEC)
    assert _hosts(source) & LOOPBACK
    assert "/servers/1" in list(internal_pointers(source))


def test_the_bundle_leaves_out_every_internal_server_and_operation(tmp_path: Path) -> None:
    bundled = bundle(SPEC, tmp_path / "spec.yaml", tmp_path / "spec.json")
    assert list(internal_pointers(bundled)) == []
    assert _hosts(bundled) == {"graph.microsoft.com"}
    assert not _hosts(load_document(tmp_path / "spec.yaml")) & LOOPBACK
    assert bundled["paths"].keys() == load_document(SPEC)["paths"].keys()


def test_a_bundle_that_keeps_an_internal_server_is_refused(tmp_path: Path) -> None:
    """Without the decorator Redocly keeps the dev server, and the publish stops."""
    config = tmp_path / "redocly.yaml"
    text = CONFIG.read_text(encoding="utf-8")
    assert "remove-x-internal: on" in text
    config.write_text(text.replace("remove-x-internal: on", "remove-x-internal: off"))
    with pytest.raises(BundleError, match=r"internal: /servers/1"):
        bundle(SPEC, tmp_path / "spec.yaml", tmp_path / "spec.json", config)
