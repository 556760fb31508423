"""`tooling.node`: the pinned tools run quietly from `node_modules`, or say how to install them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tooling import node


def test_a_pinned_tool_runs_with_telemetry_off() -> None:
    result = node.run_node_tool("redocly", ["--version"], timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert node.node_env()["REDOCLY_TELEMETRY"] == "off"


def test_a_missing_tool_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(node, "NODE_BIN", tmp_path)
    with pytest.raises(node.ToolMissingError, match="run make install"):
        node.run_node_tool("spectral", ["--version"])
