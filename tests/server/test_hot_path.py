"""The request path's cheaper steps do what the steps they replaced did: the same ids, header
values, bytes, refusals and deadlines."""

from __future__ import annotations

import asyncio
import contextvars
import json
import os
import re
import threading
import time
import uuid
from collections.abc import Callable

import pytest
from starlette.datastructures import Headers
from starlette.responses import JSONResponse

from reference_server.handoff import within_deadline
from reference_server.json_answer import JsonAnswer
from reference_server.middleware import header, new_request_id
from reference_server.payload import PayloadError, parse_json
from reference_server.storage.base import UnavailableError


def test_a_request_id_is_a_version_4_uuid_in_its_usual_form() -> None:
    ids = {new_request_id() for _ in range(2000)}
    assert len(ids) == 2000
    for text in ids:
        parsed = uuid.UUID(text)
        assert str(parsed) == text
        assert parsed.version == 4
        assert parsed.variant == uuid.RFC_4122


def _in_a_child(work: Callable[[], str]) -> str:
    """What `work` returns when it runs in a forked child of this process."""
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover (the child)
        try:
            os.write(write, work().encode("ascii"))
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(child, 0)
    answer = os.read(read, 100).decode("ascii")
    os.close(read)
    return answer


def test_a_forked_process_draws_request_ids_of_its_own() -> None:
    new_request_id()  # the parent holds a batch of random bytes now
    drawn = _in_a_child(new_request_id)
    assert uuid.UUID(drawn).version == 4
    assert drawn != new_request_id()


RAW = [(b"content-type", b"application/json"), (b"x-a", b"1"), (b"x-a", b"2"), (b"x-b", b"")]


@pytest.mark.parametrize("name", ["content-type", "x-a", "x-b", "absent", "Content-Type"])
def test_a_header_is_found_as_starlette_finds_it(name: str) -> None:
    found = header(RAW, name.lower().encode("latin-1"))
    assert found == Headers(raw=RAW).get(name)


@pytest.mark.parametrize(
    "content",
    [
        {"a": "é ü 日本", "b": [1, 2.5, None, True], "c": {"d": "\u2028"}},
        {"error": {"code": "BadRequest", "message": 'quote " and \\ backslash'}},
        [1e16, 0.1, -0.0, 12345678901234567890],
    ],
)
def test_a_json_answer_has_the_bytes_of_starlettes(content: object) -> None:
    assert JsonAnswer(content).body == JSONResponse(content).body
    assert JsonAnswer(content).raw_headers == JSONResponse(content).raw_headers


def test_a_json_answer_refuses_what_starlettes_refuses() -> None:
    with pytest.raises(ValueError, match="Out of range float values"):
        JsonAnswer({"x": float("nan")})


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b'\xef\xbb\xbf{"a": 1}', "Unexpected UTF-8 BOM (decode using utf-8-sig) at character 0"),
        (b'{"a": 1, "a": 2}', "names member 'a' twice"),
        (b'{"a": NaN}', "NaN is not a JSON number"),
        (b'{"a": 1} x', "Extra data at character 9"),
    ],
)
def test_a_body_is_refused_as_json_loads_refused_it(body: bytes, problem: str) -> None:
    with pytest.raises(PayloadError, match=re.escape(problem)):
        parse_json(body)


def test_a_body_is_parsed_as_json_loads_parses_it() -> None:
    text = '{"displayName": "x", "statistics": {"recordsRead": 3}, "list": [1.5, null]}'
    assert parse_json(text.encode()) == json.loads(text)


MARK: contextvars.ContextVar[str] = contextvars.ContextVar("mark", default="unset")


def test_a_storage_call_runs_in_a_worker_thread_with_the_requests_context() -> None:
    async def main() -> tuple[str, int]:
        MARK.set("request")
        return await within_deadline(lambda: (MARK.get(), threading.get_ident()), 5)

    seen, thread = asyncio.run(main())
    assert seen == "request"
    assert thread != threading.get_ident()


def test_a_storage_call_past_its_deadline_is_unavailable_and_left_to_finish() -> None:
    release = threading.Event()
    finished = threading.Event()

    def stuck() -> None:
        release.wait(10)
        finished.set()

    async def main() -> None:
        with pytest.raises(UnavailableError, match=re.escape("did not answer within 0.2 seconds")):
            await within_deadline(stuck, 0.2)
        # The loop goes on (the thread is not waited for); the call finishes once it can.
        assert not finished.is_set()
        release.set()
        started = time.monotonic()
        while not finished.is_set() and time.monotonic() - started < 10:
            await asyncio.sleep(0.01)

    asyncio.run(main())
    assert finished.is_set()


def test_a_storage_calls_error_reaches_the_request() -> None:
    def failing() -> None:
        raise UnavailableError("down")

    with pytest.raises(UnavailableError, match="down"):
        asyncio.run(within_deadline(failing, 5))


def test_a_cancelled_request_is_cancelled_not_unavailable() -> None:
    release = threading.Event()

    async def main() -> None:
        waiting = asyncio.create_task(within_deadline(lambda: release.wait(10), 5))
        await asyncio.sleep(0.05)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        release.set()

    asyncio.run(main())


def test_a_forked_process_hands_storage_calls_to_threads_of_its_own() -> None:
    asyncio.run(within_deadline(lambda: None, 5))  # the parent has a worker thread now
    answer = _in_a_child(lambda: asyncio.run(within_deadline(lambda: "answered", 2)))
    assert answer == "answered"
