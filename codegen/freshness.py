"""When `make generate` has nothing to do: the client's inputs are unchanged since it was last
generated, and `generated/` still holds exactly what was generated then.

The inputs are those the bytes depend on (see `codegen.generator`): the spec, the generator's
config, the recipe and templates (all of `codegen/`), and the pinned generator, ruff and mypy.
The output is recorded by content, byproducts left out, so that an edited, added or removed file
in `generated/` makes the next run regenerate.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from codegen.generator import CONFIG, LOCK, OUTPUT, is_byproduct
from tooling.paths import ROOT, SPEC
from tooling.stamps import Stamp, digest

STAMPS = ROOT / ".cache" / "stamps"
CODEGEN = Path(__file__).resolve().parent
SHAPING_TOOLS = ("openapi-python-client", "ruff", "mypy")
"""The pins that change what is generated (the generator, its formatter) or whether it passes."""


def pinned(lock: Path = LOCK) -> list[str]:
    """`name==version` of each shaping tool as `requirements.lock` pins it."""
    wanted = {name: "" for name in SHAPING_TOOLS}
    for line in lock.read_text(encoding="utf-8").splitlines():
        name, sep, _version = line.strip().partition("==")
        if sep and name.lower() in wanted:
            wanted[name.lower()] = line.strip()
    return [pin or f"{name} unpinned" for name, pin in wanted.items()]


def inputs_digest(spec: Path = SPEC) -> str:
    python = "python {}.{}".format(*sys.version_info[:2])
    return digest([spec, CONFIG, CODEGEN], skip=is_byproduct, extra=[*pinned(), python])


def output_digest(output: Path = OUTPUT) -> str:
    return digest([output], skip=is_byproduct)


@dataclass(frozen=True)
class GenerationPaths:
    """Where `make generate` reads and writes; tests point it at scratch folders."""

    spec: Path = SPEC
    output: Path = OUTPUT
    stamps: Path = STAMPS

    @property
    def generate_stamp(self) -> Stamp:
        return Stamp(self.stamps / "generate.json")

    def record(self, inputs: str) -> dict[str, str]:
        """The generate stamp's record for `inputs`, with `output` as it is now."""
        return {"inputs": inputs, "output": output_digest(self.output)}

    def up_to_date(self) -> bool:
        """True when the client's inputs and `output` are both as last recorded."""
        recorded = self.generate_stamp.read()
        if recorded is None or recorded.get("inputs") != inputs_digest(self.spec):
            return False
        return recorded.get("output") == output_digest(self.output)
