"""Stamps: the record that a step passed for inputs of given contents, so that it can be skipped.

A stamp is a small JSON file (under `.cache/stamps/`, git-ignored) holding digests of the step's
inputs and, for a step that writes a folder, of what it wrote. Digests are of contents, never of
times: a checkout or a `touch` changes nothing, and a hand edit of the output is seen. A step
writes its stamp only after it passed, so a failed or interrupted run leaves no stamp behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

FORCE_VARIABLE = "FORCE"


def forced(flag: bool = False, env: Mapping[str, str] = os.environ) -> bool:
    """Whether to run a stamped step anyway: `--force`, or `FORCE=1` (`make generate FORCE=1`)."""
    return flag or env.get(FORCE_VARIABLE, "").strip().lower() not in ("", "0", "false", "no")


Skip = Callable[[Path], bool]
"""Whether a file, given by its path relative to the folder walked, is left out of a digest."""


def _never(relative: Path) -> bool:
    return False


def _folder_files(folder: Path, skip: Skip) -> list[tuple[str, Path]]:
    files = []
    for path in folder.rglob("*"):
        relative = path.relative_to(folder)
        if path.is_file() and not skip(relative):
            files.append((relative.as_posix(), path))
    return sorted(files)


def digest(paths: Iterable[Path], *, skip: Skip = _never, extra: Iterable[str] = ()) -> str:
    """One SHA-256 over the contents of `paths` (folders walked, `skip` applied inside them) and
    the strings in `extra` (tool versions, say). A missing path counts as such, not as empty."""
    total = hashlib.sha256()
    for path in paths:
        if path.is_dir():
            entries = _folder_files(path, skip)
            total.update(f"dir {path.name} {len(entries)}\n".encode())
            for name, file in entries:
                total.update(f"{name} {hashlib.sha256(file.read_bytes()).hexdigest()}\n".encode())
        elif path.is_file():
            total.update(
                f"file {path.name} {hashlib.sha256(path.read_bytes()).hexdigest()}\n".encode()
            )
        else:
            total.update(f"missing {path.name}\n".encode())
    for item in extra:
        total.update(f"extra {item}\n".encode())
    return total.hexdigest()


class Stamp:
    """The stamp file of one step: compare a record with the last one written, or write one."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> dict[str, str] | None:
        try:
            record = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return record if isinstance(record, dict) else None

    def matches(self, record: Mapping[str, str]) -> bool:
        return self.read() == dict(record)

    def write(self, record: Mapping[str, str]) -> None:
        """Replace the stamp in one rename, so that a reader never sees half of one."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, scratch = tempfile.mkstemp(prefix=f".{self.path.name}-", dir=self.path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump(dict(record), file, indent=2, sort_keys=True)
                file.write("\n")
            os.replace(scratch, self.path)
        except BaseException:
            Path(scratch).unlink(missing_ok=True)
            raise

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)
