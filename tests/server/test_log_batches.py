"""Log lines logged on an event loop are written together once per iteration, in order; lines
logged elsewhere, and a flush, write at once."""

from __future__ import annotations

import asyncio
import io
import logging

from reference_server.log_batches import LoopBatchedHandler


class CountingStream(io.StringIO):
    """A stream that counts its writes."""

    writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


def _logger(stream: CountingStream) -> tuple[logging.Logger, LoopBatchedHandler]:
    handler = LoopBatchedHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger(f"test_log_batches.{id(stream)}")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    return logger, handler


def test_lines_logged_on_a_loop_are_written_together_after_the_iteration() -> None:
    stream = CountingStream()
    logger, _ = _logger(stream)

    async def main() -> str:
        for number in range(5):
            logger.info("line %d", number)
        held = stream.getvalue()
        await asyncio.sleep(0)  # the iteration ends
        await asyncio.sleep(0)
        return held

    held = asyncio.run(main())
    assert held == ""
    assert stream.getvalue() == "".join(f"line {n}\n" for n in range(5))
    assert stream.writes == 1


def test_a_line_logged_off_the_loop_is_written_at_once_after_those_gathered() -> None:
    stream = CountingStream()
    logger, _ = _logger(stream)
    logger.info("before")
    assert stream.getvalue() == "before\n"

    async def main() -> None:
        logger.info("on the loop")
        await asyncio.to_thread(logger.info, "from a thread")
        logger.info("after")

    asyncio.run(main())
    assert stream.getvalue() == "before\non the loop\nfrom a thread\nafter\n"


def test_a_flush_writes_what_is_gathered() -> None:
    stream = CountingStream()
    logger, handler = _logger(stream)

    async def main() -> str:
        logger.info("gathered")
        handler.flush()
        return stream.getvalue()

    assert asyncio.run(main()) == "gathered\n"


def test_a_warning_or_an_error_is_written_at_once_after_those_gathered() -> None:
    stream = CountingStream()
    logger, _ = _logger(stream)

    async def main() -> str:
        logger.info("gathered")
        logger.error("failed")
        return stream.getvalue()

    assert asyncio.run(main()) == "gathered\nfailed\n"
