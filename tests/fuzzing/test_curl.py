"""curl lines that repeat a request byte for byte, the token left to the shell."""

from __future__ import annotations

import shlex
from pathlib import Path

from fuzzing.curl import curl_line


def test_secrets_become_variables_and_the_rest_is_quoted(tmp_path: Path) -> None:
    line = curl_line(
        "PATCH",
        "http://127.0.0.1:1/beta/industryData/incomingFlows/f/runs/$ref",
        {"Authorization": "Bearer s3cret", "client-request-id": "it's", "User-Agent": "x"},
        b'{"displayName": "a b"}',
        secrets={"s3cret": "TARGET_TOKEN"},
        body_dir=tmp_path,
    )
    assert "s3cret" not in line
    assert '"Authorization: Bearer ${TARGET_TOKEN}"' in line
    assert "User-Agent" not in line
    words = shlex.split(line)
    assert words[words.index("--data-binary") + 1] == '{"displayName": "a b"}'
    assert "client-request-id: it's" in words
    assert words[-1].endswith("/runs/$ref")


def test_bodies_that_are_not_printable_go_to_a_file(tmp_path: Path) -> None:
    body = b'{"displayName": "\xff"}'
    line = curl_line("POST", "http://127.0.0.1:1/", {}, body, secrets={}, body_dir=tmp_path)
    words = shlex.split(line)
    reference = words[words.index("--data-binary") + 1]
    assert reference.startswith("@")
    assert Path(reference[1:]).read_bytes() == body


def test_a_body_starting_with_at_is_not_read_as_a_file_name(tmp_path: Path) -> None:
    line = curl_line("POST", "http://x/", {}, b"@etc", secrets={}, body_dir=tmp_path)
    reference = shlex.split(line)[shlex.split(line).index("--data-binary") + 1]
    assert Path(reference[1:]).read_bytes() == b"@etc"
