"""Hostile combinations found by the red-team pass after issue 11, one regression test each.

Each of these once cost a run time, an article or a clear outcome:
- an endless chunked body of one-byte chunks stalled the event loop (and every other request's
  deadline) for over a second per read, and overran its own deadline;
- robots.txt answering 503 with a short Retry-After made every article of the host wait for
  robots.txt's retry past its own deadline: `timeout`, a counted attempt, parked after three runs
  (now deferred uncounted: the robots.txt is unreachable, review of red team 52);
- an endless run of `103 Early Hints` answers did the same while the answer's head was awaited;
- a 304 to a request that sent no validator was recorded `not_modified`: a feed that always
  answers so looked healthy and was never read.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any, cast

import pytest

from newsflow import netguard
from newsflow.fetch import Fetcher
from newsflow.models import FetchResult, Outcome
from tests.hostile.rawserver import RawServer, response, running_raw_server
from tests.hostile.servers import fetch_article, fetch_feed, run, settings

HTML = b"<html><body><p>a healthy page</p></body></html>"


@pytest.fixture
def raw() -> Iterator[RawServer]:
    yield from running_raw_server()


class TinyChunks:
    """Answers one request with an endless chunked body of one-byte chunks, as fast as it can."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}/endless"

    def _serve(self) -> None:
        connection, _ = self._listener.accept()
        with connection:
            connection.recv(65_536)
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n")
            burst = b"1\r\nA\r\n" * 20_000
            try:
                while not self._stop.is_set():
                    connection.sendall(burst)
            except OSError:  # the client gave up
                return

    def close(self) -> None:
        self._stop.set()
        self._listener.close()


def test_an_endless_body_of_one_byte_chunks_neither_stalls_the_loop_nor_overruns_the_deadline() -> None:
    server = TinyChunks()
    try:
        result, elapsed, longest_stall = run(fetch_watching_the_loop(server.url(), timeout=2.0))
    finally:
        server.close()
    # The deadline, or on a fast machine the body's piece cap first (`fetchbody.body_pieces_allowed`, red team 45).
    assert result.outcome in (Outcome.TIMEOUT, Outcome.TOO_LARGE)
    assert elapsed < 2.0 + 0.8, "the deadline held"
    assert longest_stall < 0.4, f"the event loop stalled {longest_stall:.2f} s (1.2 s before the fix)"


def test_robots_txt_asking_for_a_short_pause_defers_the_article_uncounted_never_a_timeout(raw: RawServer) -> None:
    """Once a counted `timeout` (robots.txt's own retry outlasted the article's deadline); then the article waited
    for the pause and was fetched with no rules read. Since the review of red team 52 a robots.txt answering 503 is
    unreachable whatever its Retry-After (RFC 9309): the article is deferred at once, not sent, not counted."""
    raw.answer = lambda path: (response(b"HTTP/1.1 503 Busy", [(b"Retry-After", b"1")]) if path == "/robots.txt"
                               else response(b"HTTP/1.1 200 OK", [(b"Content-Type", b"text/html")], HTML))
    result = fetch_article(settings(timeout=1.0, max_retry_after=2.0), raw.url("/story"))
    assert result.outcome is Outcome.RATE_LIMITED and result.status_code is None, result.error
    assert "could not be read (HTTP 503)" in (result.error or ""), result.error
    assert len(raw.hits("/robots.txt")) == 1, "robots.txt is not fetched again after its pause"
    assert raw.hits("/story") == []


def test_robots_txt_asking_for_a_long_pause_makes_the_article_rate_limited_not_sent(raw: RawServer) -> None:
    raw.answer = lambda path: (response(b"HTTP/1.1 503 Busy", [(b"Retry-After", b"3600")]) if path == "/robots.txt"
                               else response(b"HTTP/1.1 200 OK", [(b"Content-Type", b"text/html")], HTML))
    result = fetch_article(settings(timeout=1.0, max_retry_after=2.0), raw.url("/story"))
    assert result.outcome is Outcome.RATE_LIMITED, "not counted against the article: it waits for the next run"
    assert raw.hits("/story") == []


def test_a_304_to_a_request_without_validators_is_an_http_error(raw: RawServer) -> None:
    raw.answer = lambda path: response(b"HTTP/1.1 304 Not Modified")
    result = fetch_feed(settings(), raw.url("/feed"))
    assert result.outcome is Outcome.HTTP_ERROR
    assert result.error is not None and "sent no ETag" in result.error


def test_a_304_to_a_conditional_request_is_not_modified(raw: RawServer) -> None:
    raw.answer = lambda path: response(b"HTTP/1.1 304 Not Modified")

    async def go() -> FetchResult:
        async with Fetcher(settings()) as fetcher:
            return await fetcher.fetch_feed(raw.url("/feed"), etag='"v1"')

    assert run(go()).outcome is Outcome.NOT_MODIFIED


def test_a_redirect_loop_across_hosts_is_a_loop() -> None:
    raw_a, raw_b = RawServer(), RawServer()
    try:
        raw_a.answer = lambda path: response(b"HTTP/1.1 302 Found", [(b"Location", raw_b.url("/b").encode())])
        raw_b.answer = lambda path: response(b"HTTP/1.1 301 Moved", [(b"Location", raw_a.url("/a").encode())])
        result = fetch_feed(settings(), raw_a.url("/a"))
    finally:
        raw_a.close()
        raw_b.close()
    assert result.outcome is Outcome.REDIRECT_LOOP
    assert (len(raw_a.requests), len(raw_b.requests)) == (1, 1)


def test_a_redirect_from_http_to_https_on_a_plain_server_is_an_outcome(raw: RawServer) -> None:
    https = raw.url("/a").replace("http://", "https://")
    raw.answer = lambda path: response(b"HTTP/1.1 301 Moved", [(b"Location", https.encode())])
    result = fetch_feed(settings(), raw.url("/a"))
    assert result.outcome is Outcome.TIMEOUT, result.error  # the plain server never answers the TLS hello
    assert result.error is not None and "\n" not in result.error



class RecordedReads:
    """A fake connection under ShortReads: answers from a list, records what each read asked for."""

    def __init__(self, answers: list[bytes]) -> None:
        self.answers, self.asked = answers, list[int]()

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        self.asked.append(max_bytes)
        return self.answers.pop(0)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        return None

    def get_extra_info(self, info: str) -> object:
        return None  # no socket: ShortReads asks the inner stream whether it is readable


def test_reads_are_short_until_a_final_status_line_then_full_size() -> None:
    early = b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
    inner = RecordedReads([early, early, b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n", b"body", b"again",
                           b"HTTP/1.1 304 Not Modified\r\n\r\n", b"x"])
    stream = netguard.ShortReads(cast(Any, inner))

    async def exchange() -> None:
        await stream.write(b"GET / HTTP/1.1\r\n\r\n")
        for _ in range(5):
            await stream.read(65_536)
        await stream.write(b"GET /next HTTP/1.1\r\n\r\n")  # the next request on the kept-alive connection
        for _ in range(2):
            await stream.read(65_536)

    run(exchange())
    short = netguard.HEAD_READ_BYTES
    assert inner.asked == [short, short, short, 65_536, 65_536, short, 65_536]


def test_an_endless_run_of_103_early_hints_neither_stalls_the_loop_nor_overruns_the_deadline() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65_536)
            burst = b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n" * 20_000
            with contextlib.suppress(OSError):
                while not stop.is_set():
                    connection.sendall(burst)

    threading.Thread(target=serve, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/hints"
        (result, elapsed, stall) = run(fetch_watching_the_loop(url, 2.0))
    finally:
        stop.set()
        listener.close()
    # ended after 100 interim answers since red team 44 (`netguard.MAX_INTERIM_ANSWERS`); before, at the deadline
    assert result.outcome is Outcome.PROTOCOL_ERROR, result.error
    assert elapsed < 2.0 + 0.8, "the deadline held"
    assert stall < 0.5, f"the event loop stalled {stall:.2f} s (0.3-1.0 s before the fix)"


async def fetch_watching_the_loop(url: str, timeout: float) -> tuple[FetchResult, float, float]:
    """Fetch `url` as an article while measuring the longest stall of the event loop."""
    longest = 0.0

    async def watch() -> None:
        nonlocal longest
        while True:
            before = time.monotonic()
            await asyncio.sleep(0.01)
            longest = max(longest, time.monotonic() - before - 0.01)

    watcher = asyncio.create_task(watch())
    started = time.monotonic()
    try:
        async with Fetcher(settings(timeout=timeout, respect_robots=False)) as fetcher:
            result = await fetcher.fetch_article(url)
    finally:
        watcher.cancel()
    return result, time.monotonic() - started, longest
