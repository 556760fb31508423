"""curl command lines that reproduce a request, with the token left to the shell.

A body that is large or not printable UTF-8 goes to a file next to the reports, so the line
stays short and the bytes stay exact.
"""

from __future__ import annotations

import hashlib
import shlex
from collections.abc import Mapping
from pathlib import Path

_INLINE_LIMIT = 2048
# Headers every client sends on its own; leaving them out keeps the line readable.
_IMPLICIT = {"host", "user-agent", "accept", "accept-encoding", "connection", "content-length"}


def _printable(text: str) -> bool:
    return all(character.isprintable() or character in "\n\t" for character in text)


def _double_quoted(text: str) -> str:
    for special in ("\\", '"', "$", "`"):
        text = text.replace(special, f"\\{special}")
    return text


def _header(header: str, secrets: Mapping[str, str]) -> str:
    """The header as one shell word, any secret in it written as `${VARIABLE}`."""
    for secret, variable in secrets.items():
        if secret and secret in header:
            prefix, _, suffix = header.partition(secret)
            return f'"{_double_quoted(prefix)}${{{variable}}}{_double_quoted(suffix)}"'
    return shlex.quote(header)


def curl_line(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes | None,
    *,
    secrets: Mapping[str, str],
    body_dir: Path,
) -> str:
    """A curl command for the request; header values in `secrets` become shell variables.

    `secrets` maps a secret value (a token) to the name of the variable that holds it.
    """
    parts = ["curl", "-i", "-X", method]
    for name, value in headers.items():
        if name.lower() in _IMPLICIT or name.lower().startswith("x-schemathesis"):
            continue
        parts += ["-H", _header(f"{name}: {value}", secrets)]
    if body is not None:
        text = body.decode("utf-8", errors="replace")
        # curl reads `@name` as a file name, so such a body goes to a file too.
        inline = not text.startswith("@") and len(body) <= _INLINE_LIMIT
        if inline and text.encode() == body and _printable(text):
            parts += ["--data-binary", shlex.quote(text)]
        else:
            body_dir.mkdir(parents=True, exist_ok=True)
            path = body_dir / f"{hashlib.sha256(body).hexdigest()[:16]}.body"
            path.write_bytes(body)
            parts += ["--data-binary", shlex.quote(f"@{path}")]
    parts.append(shlex.quote(url))
    return " ".join(parts)
