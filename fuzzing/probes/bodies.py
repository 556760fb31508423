"""Probes of the body as bytes: broken or cut-short JSON, other media types, the size limit.

schemathesis builds each body from the schema and sends it whole; these bodies are broken, cut
short, of the size limit to the byte, or labelled with another media type.
"""

from __future__ import annotations

from collections.abc import Iterator

from fuzzing.facts import contract
from fuzzing.probes.prober import (
    NEVER_APPLIED,
    NEVER_APPLIED_BODY,
    Prober,
    as_json,
    new_run,
    probe,
)

_CHUNK = 8192


def _truncations(body: bytes) -> Iterator[bytes]:
    """`body` cut short at a few places, as a dropped connection or a buggy client leaves it."""
    for end in sorted({1, len(body) // 3, len(body) // 2, len(body) - 1}):
        yield body[:end]


def _padded(size: int) -> bytes:
    """A valid update body of exactly `size` bytes."""
    empty = as_json({"statistics": {"padding": ""}})
    body = as_json({"statistics": {"padding": "x" * (size - len(empty))}})
    assert len(body) == size
    return body


@probe(order=90, covers=("D15", "status:*:400"))
def malformed_json(prober: Prober) -> None:
    """Bodies that are not JSON objects, or are cut short, are 400 and change nothing."""
    valid = as_json({"displayName": NEVER_APPLIED, "status": "failed", "statistics": {"a": [1, 2]}})
    broken = [
        *_truncations(valid),
        b'{"displayName": }',
        b"{'displayName': 'single quotes'}",
        b'{"displayName": "trailing comma",}',
        b'{"statistics": {"a": NaN}}',
        b'{"statistics": {"a": Infinity}}',
        b'{"displayName": "\xff\xfe not UTF-8"}',
        b"",
        b"null",
        b"[]",
        b'"a string"',
        b"42",
    ]
    cut = [*_truncations(as_json(new_run())), b"", b"[]", b'{"displayName": "x",}']
    check = "malformed_json_rejected"
    prober.refused_updates([(body, "malformed JSON") for body in broken], 400, check)
    prober.refused_adds([(body, "malformed JSON") for body in cut], 400, check)


@probe(order=110, covers=("D8", "status:*:415"))
def media_types(prober: Prober) -> None:
    """A body not sent as `application/json` is 415; a charset parameter is still JSON."""
    url, key = prober.runs[0]
    check = "unsupported_media_type"
    body = NEVER_APPLIED_BODY
    for media_type in ("text/plain", "application/x-www-form-urlencoded", "application/xml", None):
        what = f"Content-Type {media_type}"
        prober.refused("PATCH", url, body, {415}, check, what, key, content_type=media_type)
    created = as_json(new_run())
    prober.refused(
        "POST", prober.add_url, created, {415}, check, "text/plain", content_type="text/plain"
    )
    charset = "application/json; charset=utf-8"
    accepted = prober.send(
        "PATCH", url, as_json({"displayName": "probe: charset"}), content_type=charset
    )
    prober.expect(accepted, {200}, "json_media_type_accepted", charset)


@probe(order=120, covers=("D10", "body:size", "status:*:413"))
def body_size(prober: Prober) -> None:
    """A body of the size limit is taken; one byte more is 413, streamed or not."""
    limit = contract().max_body_bytes
    url, key = prober.runs[0]
    check = "body_size_limit"
    over = _padded(limit + 1)
    prober.refused("PATCH", url, over, {413}, check, f"{limit + 1} bytes", key)
    chunks = [over[i : i + _CHUNK] for i in range(0, len(over), _CHUNK)]
    prober.refused("PATCH", url, chunks, {413}, check, f"{limit + 1} bytes, chunked", key)
    big = as_json(new_run(statistics={"padding": "x" * limit}))
    prober.refused("POST", prober.add_url, big, {413}, check, f"{len(big)} bytes")
    exchange = prober.send("PATCH", url, _padded(limit))
    prober.expect(exchange, {200}, check, f"a body of exactly {limit} bytes")
    # Leave the run small again, so later reads stay cheap.
    prober.send("PATCH", url, as_json({"statistics": {}}))
