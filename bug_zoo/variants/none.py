"""The control: the reference server as it is, served the way the variants are."""

from __future__ import annotations

from bug_zoo.catalog import Variant

VARIANT = Variant(name="none", bug="none (control: must pass)")
