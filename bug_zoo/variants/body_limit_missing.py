"""Built from a spec copy whose body limit was raised to 16 MiB: bodies over 64 KiB pass."""

from __future__ import annotations

import dataclasses

import yaml

from bug_zoo.catalog import Context, Variant
from contract.loading import load_document
from reference_server.settings import ServerSettings

RAISED_LIMIT = 16 * 1024 * 1024


def build(settings: ServerSettings, context: Context) -> ServerSettings:
    spec = load_document(settings.spec_path)
    spec["info"]["x-max-request-body-bytes"] = RAISED_LIMIT
    copy = context.state_dir / "openapi-with-raised-limit.yaml"
    copy.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return dataclasses.replace(settings, spec_path=copy)


VARIANT = Variant(
    name="body_limit_missing",
    bug="bodies over 64 KiB are accepted (no 413)",
    settings=build,
    covers=("D10", "body:size", "status:*:413"),
)
