"""Where the committed schemathesis config is: the CLI (`make fuzz`) and the bench read it, and
schemathesis fills its `${NAME}`s from the environment as it loads it."""

from __future__ import annotations

from pathlib import Path

CONFIG_PATH = Path(__file__).resolve().parent / "schemathesis.toml"
