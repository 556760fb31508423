"""Built from a spec copy whose body limit was raised to 16 MiB: bodies over 64 KiB pass."""

from __future__ import annotations

import dataclasses

import yaml

from bug_zoo.catalog import Context, Variant
from reference_server.settings import Settings

RAISED_LIMIT = 16 * 1024 * 1024


def build(settings: Settings, context: Context) -> Settings:
    spec = yaml.safe_load(settings.spec_path.read_text(encoding="utf-8"))
    spec["info"]["x-max-request-body-bytes"] = RAISED_LIMIT
    copy = context.state_dir / "openapi-with-raised-limit.yaml"
    copy.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return dataclasses.replace(settings, spec_path=copy)


VARIANT = Variant(
    name="body_limit_missing",
    bug="bodies over 64 KiB are accepted (no 413)",
    settings=build,
)
