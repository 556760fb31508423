"""The committed schemathesis config, with its `${NAME}`s filled from a mapping.

The CLI fills them from the environment; the pytest integration fills them from the test's own
server, which is only known once the test runs.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import schemathesis

CONFIG_PATH = Path(__file__).resolve().parent / "schemathesis.toml"
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _filled(value: Any, values: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        return _PLACEHOLDER.sub(lambda match: values[match.group(1)], value)
    if isinstance(value, dict):
        return {key: _filled(item, values) for key, item in value.items()}
    if isinstance(value, list):
        return [_filled(item, values) for item in value]
    return value


def harness_config(values: Mapping[str, str]) -> schemathesis.Config:
    """The config of `make fuzz`, each `${NAME}` replaced by `values[NAME]` (KeyError if none)."""
    with CONFIG_PATH.open("rb") as config:
        data = tomllib.load(config)
    return schemathesis.Config.from_dict(_filled(data, values), base_dir=str(CONFIG_PATH.parent))
