"""Red team 45: gaps red team 44 left (docs/security.md, "Red team 45"): an endless body of one-byte chunks,
a robots.txt cut at the answer cap. Every server real, on loopback."""

from __future__ import annotations

import asyncio
import time

from newsflow.fetch import Fetcher
from newsflow.models import FetchResult, Outcome
from tests.hostile.servers import settings
from tests.world.bytestreams import After, Stream, StreamServer, chunked, head, sized

MAX_BYTES = 262_144  # 8,192 pieces allowed: an endless body of one-byte chunks reaches them in ~0.1 CPU-s
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
    body's pieces are capped (`body_pieces_allowed`): `too_large` after 8,192 of them."""
    endless = Stream(((CHUNKED, 0.0), *[(b"1\r\nA\r\n" * 11_000, 0.0)] * 400), After.HOLD)
    result, took, _ = fetch_page(endless, timeout=10.0)
    assert result.outcome is Outcome.TOO_LARGE, (result.outcome, result.error, took)
    assert result.error is not None and "8,192 pieces" in result.error and "\n" not in result.error
    assert took < 8.0, took


def test_a_page_near_the_cap_in_small_chunks_is_read_whole() -> None:
    """Control: a page of 0.9 of the cap in 40-byte chunks (5,898 pieces, under 8,192) is read whole."""
    page = b"<html><body><p>" + b"x" * (int(0.9 * MAX_BYTES) - 40) + b"</p></body></html>"
    answer = Stream(((CHUNKED + chunked(page, 40), 0.0),))
    result, _, _ = fetch_page(answer, timeout=10.0)
    assert result.outcome is Outcome.OK and result.html == page, (result.outcome, result.error)
    assert len(page) // 40 < 8_192  # `fetchbody.body_pieces_allowed(MAX_BYTES)`, named by the case above


def _robots(*lines: str, filler_to: int = 0, then: tuple[str, ...] = ()) -> bytes:
    body = "".join(f"{line}\n" for line in lines).encode()
    comment = b"# " + b"x" * 97 + b"\n"
    body += comment * max(0, (filler_to - len(body)) // len(comment))
    return body + "".join(f"{line}\n" for line in then).encode()


def fetch_pages(robots: Stream, paths: list[str], timeout: float) -> tuple[list[FetchResult], float, StreamServer]:
    page = b"<html><body><p>a page</p></body></html>"
    answer = Stream(((sized("200 OK", page, [("Content-Type", "text/html")]), 0.0),))
    server = StreamServer("127.0.0.1", lambda path: robots if path == "/robots.txt" else answer)

    async def go() -> list[FetchResult]:
        async with Fetcher(settings(timeout=timeout)) as fetcher:  # max_bytes 10 MB: robots.txt's cap is 500 KiB
            return [await fetcher.fetch_article(server.url(path)) for path in paths]

    started = time.monotonic()
    try:
        return asyncio.run(go()), time.monotonic() - started, server
    finally:
        server.close()


def test_a_robots_txt_past_500_kib_is_read_to_its_limit() -> None:
    """RFC 9309 (2.5): a crawler parses at least 500 KiB and may ignore the rest. A robots.txt of 700 KB (a
    `Disallow` first, comments, then a `Disallow` past 500 KiB) was `too_large` on main and read as allowing all:
    `/private/` was fetched. Now its first 512,000 bytes are read: `/private/` is disallowed, `/late/` (past the
    limit) is not."""
    body = _robots("User-agent: *", "Disallow: /private/", filler_to=700_000, then=("Disallow: /late/",))
    robots = Stream(((sized("200 OK", body, [("Content-Type", "text/plain")]), 0.0),))
    results, _, server = fetch_pages(robots, ["/private/a", "/late/b", "/open/c"], timeout=5.0)
    assert [r.outcome for r in results] == [Outcome.ROBOTS_DISALLOWED, Outcome.OK, Outcome.OK], results
    assert [h.path for h in server.heard] == ["/robots.txt", "/late/b", "/open/c"]


def test_a_robots_txt_in_chunks_past_500_kib_is_read_to_its_limit_too() -> None:
    """The same robots.txt chunked (no length declared) in 4 KB chunks: read to its first 512,000 bytes."""
    body = _robots("User-agent: *", "Disallow: /private/", filler_to=700_000)
    robots = Stream(((CHUNKED.replace(b"text/html", b"text/plain") + chunked(body, 4096), 0.0),))
    results, _, _ = fetch_pages(robots, ["/private/a", "/open/c"], timeout=5.0)
    assert [r.outcome for r in results] == [Outcome.ROBOTS_DISALLOWED, Outcome.OK], results



def test_a_robots_txt_written_a_line_a_chunk_is_read_whole() -> None:
    """Review of red team 45: a robots.txt a script writes one line a chunk (27-byte lines, 14,815 chunks for
    400 KB, under the 500 KiB limit). At one piece a 64 bytes (12,096 for 512,000 bytes) it was `too_large`,
    now unreachable: the whole site deferred every run, where main read it and obeyed it. robots.txt may come in
    one piece a `ROBOTS_PIECE_BYTES` (16)."""
    lines = [b"User-agent: *\n", b"Disallow: /private/\n", *(b"Disallow: /archive/%06d/\n" % n for n in range(14_813))]
    body = b"".join(b"%x\r\n%s\r\n" % (len(line), line) for line in lines) + b"0\r\n\r\n"
    robots = Stream(((CHUNKED.replace(b"text/html", b"text/plain") + body, 0.0),))
    results, _, _ = fetch_pages(robots, ["/private/a", "/archive/000001/b", "/open/c"], timeout=5.0)
    assert [r.outcome for r in results] == [Outcome.ROBOTS_DISALLOWED] * 2 + [Outcome.OK], results

def test_a_robots_txt_that_never_ends_defers_the_site_at_its_cap() -> None:
    """robots.txt as an endless body of one-byte chunks: main read it until robots.txt's share of the deadline
    (`timeout`, 5 s here: unreadable, the page deferred this run). With the body's pieces capped it is
    `too_large`, which must not read as allowing all (the page fetched with no rules): it is unreachable, as a
    server that never finishes its answer is (RFC 9309), and the page is deferred, well before the deadline."""
    endless = Stream(((CHUNKED.replace(b"text/html", b"text/plain"), 0.0),
                      *[(b"1\r\nA\r\n" * 11_000, 0.0)] * 400), After.HOLD)
    results, took, server = fetch_pages(endless, ["/open/c"], timeout=10.0)
    assert [h.path for h in server.heard] == ["/robots.txt"], "the page waits for a readable robots.txt"
    assert results[0].outcome is Outcome.RATE_LIMITED and "robots.txt" in (results[0].error or ""), results
    assert took < 4.5, took
