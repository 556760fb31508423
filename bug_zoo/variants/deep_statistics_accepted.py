"""Built from a spec copy without `statistics`' depth limit: any nesting the parser reads is kept.

A server written from a contract that did not bound the free-form object takes `statistics`
nested hundreds of levels deep; some then fail every later answer for that run (a 500 when the
encoder or the driver runs out of stack). The contract bounds it (`x-max-depth`, D38).
"""

from __future__ import annotations

import dataclasses

import yaml

from bug_zoo.catalog import Context, Variant
from contract.loading import load_document
from contract.validators import MAX_DEPTH
from reference_server.settings import ServerSettings


def build(settings: ServerSettings, context: Context) -> ServerSettings:
    spec = load_document(settings.spec_path)
    spec["components"]["schemas"]["runStatistics"].pop(MAX_DEPTH, None)
    copy = context.state_dir / "openapi-without-depth-limit.yaml"
    copy.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return dataclasses.replace(settings, spec_path=copy)


VARIANT = Variant(
    name="deep_statistics_accepted",
    bug="`statistics` nested deeper than 32 levels is accepted and kept",
    settings=build,
    covers=("request:runStatistics:length", "status:*:400"),
)
