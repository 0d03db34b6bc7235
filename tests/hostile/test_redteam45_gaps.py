"""Red team 45: gaps red team 44 left (docs/security.md, "Red team 45"): an endless body of one-byte chunks,
a robots.txt cut at the answer cap. Every server real, on loopback."""

from __future__ import annotations

import asyncio
import time

from newsflow.fetch import Fetcher
from newsflow.models import FetchResult, Outcome
from tests.hostile.servers import settings
from tests.world.bytestreams import After, Stream, StreamServer, chunked, head, sized

MAX_BYTES = 262_144  # 12,288 pieces allowed: an endless body of one-byte chunks reaches them in ~0.2 CPU-s
CHUNKED = head("200 OK", [("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")])
NO_ROBOTS = Stream(((sized("404 Not Found", b""), 0.0),))


def fetch_page(answer: Stream, timeout: float, robots: Stream = NO_ROBOTS) -> tuple[FetchResult, float, StreamServer]:
    server = StreamServer("127.0.0.1", lambda path: robots if path == "/robots.txt" else answer)

    async def go() -> FetchResult:
        async with Fetcher(settings(timeout=timeout, max_bytes=MAX_BYTES)) as fetcher:
            return await fetcher.fetch_article(server.url("/page"))

    started = time.monotonic()
    try:
        return asyncio.run(go()), time.monotonic() - started, server
    finally:
        server.close()


def test_an_endless_body_of_one_byte_chunks_ends_at_its_piece_cap() -> None:
    """`1\\r\\nA\\r\\n` for ever: each chunk costs the stack 8-16 us whatever its size, so neither the body's cap
    nor the answer's was reached before the deadline (main: `timeout` at 10 s, a core busy throughout). Now the
    body's pieces are capped (`body_pieces_allowed`): `too_large` after 12,288 of them."""
    endless = Stream(((CHUNKED, 0.0), *[(b"1\r\nA\r\n" * 11_000, 0.0)] * 400), After.HOLD)
    result, took, _ = fetch_page(endless, timeout=10.0)
    assert result.outcome is Outcome.TOO_LARGE, (result.outcome, result.error, took)
    assert result.error is not None and "12,288 pieces" in result.error and "\n" not in result.error
    assert took < 8.0, took


def test_a_page_near_the_cap_in_small_chunks_is_read_whole() -> None:
    """Control: a page of 0.9 of the cap in 24-byte chunks (9,830 pieces, under 12,288) is read whole."""
    page = b"<html><body><p>" + b"x" * (int(0.9 * MAX_BYTES) - 40) + b"</p></body></html>"
    answer = Stream(((CHUNKED + chunked(page, 24), 0.0),))
    result, _, _ = fetch_page(answer, timeout=10.0)
    assert result.outcome is Outcome.OK and result.html == page, (result.outcome, result.error)
    from newsflow.fetchbody import body_pieces_allowed  # here: the file's other cases run on main too

    assert body_pieces_allowed(MAX_BYTES) == 12_288 and len(page) // 24 < 12_288
