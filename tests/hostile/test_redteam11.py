"""Red team 11: the gaps red team 10 left (docs/security.md, "Known gaps"), then hostile servers by class.

1. A request on a reused keep-alive connection that got no answer was never counted as silent
   (`FetchResult.unanswered`): httpcore's trace names no stream for a reused connection.
2. A body cut short was stored as whole when nothing framed it: a gzip stream that stops before its
   end, and a body of no declared length (HTTP/1.0 style) whose document never closes its root.
3. Two configured feeds that redirect onto each other each stopped at the redirect as `not_modified`,
   healthy to the schedule, with two warnings a run each telling the user to remove the other one.

Every server is real, on loopback; every warehouse a DuckDB file.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator

import pytest

from newsflow.fetch import Fetcher
from newsflow.models import FetchResult, Outcome
from tests.hostile.keepalive import Act, KeepAliveServer, Seen
from tests.hostile.rawserver import RawServer, response, running_raw_server
from tests.hostile.servers import fetch_article, fetch_feed, run, settings

PAGE = b"<!doctype html><html><head><title>t</title></head><body><p>" + b"words " * 400 + b"</p></body></html>"
FEED = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>f</title>'
        + b"".join(b"<item><title>item %d</title><link>http://127.0.0.1/a/%d</link></item>" % (n, n)
                   for n in range(40))
        + b"</channel></rss>\n<!-- cached 0.2 s -->\n")


@pytest.fixture
def raw() -> Iterator[RawServer]:
    yield from running_raw_server()


# --- 1. silence on a reused keep-alive connection ------------------------------------------------


def test_a_reused_connection_that_never_answers_is_counted_as_silent() -> None:
    """The first request on the connection is answered, the second, sent on the same kept-alive
    connection, gets nothing. Before: `timeout` with `unanswered` False, so a network that went
    silent mid-run (after each host's first answer) was never an outage. A reused connection whose
    answer has begun is slow, not silent (the drip control below)."""
    server = KeepAliveServer(lambda seen: Act.ANSWER if seen.request == 1 else Act.SILENT)
    try:
        async def go() -> list[FetchResult]:
            async with Fetcher(settings(respect_robots=False, timeout=0.5)) as fetcher:
                return [await fetcher.fetch_article(server.url(path)) for path in ("/a", "/b")]

        first, second = run(go())
    finally:
        server.close()
    assert server.seen == [Seen(1, 1, "/a"), Seen(1, 2, "/b")], "the second request went out on the reused connection"
    assert first.outcome is Outcome.OK and not first.unanswered
    assert second.outcome is Outcome.TIMEOUT and second.unanswered, second.error
    assert (second.error or "").endswith("connected, and not one byte came back")


def test_a_reused_connection_whose_answer_has_begun_is_slow_not_silent(raw: RawServer) -> None:
    """Control: one connection each, but the head arrives and the body drips: never `unanswered`."""
    raw.answer = lambda path: [(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100\r\n\r\n<p>", 5.0)]
    result = fetch_article(settings(respect_robots=False, timeout=0.5), raw.url("/slow"))
    assert result.outcome is Outcome.TIMEOUT and not result.unanswered


# --- 2. bodies cut short -------------------------------------------------------------------------


def cut_gzip(body: bytes) -> bytes:
    packed = gzip.compress(body)
    return packed[: len(packed) * 2 // 3]


@pytest.mark.parametrize("kind", ["feed", "article"])
def test_a_gzip_stream_cut_short_is_an_error_even_when_its_length_is_right(raw: RawServer, kind: str) -> None:
    """The server declares the length of what it sends, and what it sends is two thirds of a gzip
    stream: HTTP framing says whole. Before: `ok`, the first part of the document stored as whole."""
    body = cut_gzip(FEED if kind == "feed" else PAGE)
    raw.answer = lambda path: response(b"HTTP/1.1 200 OK", [
        (b"Content-Type", b"application/rss+xml" if kind == "feed" else b"text/html"),
        (b"Content-Encoding", b"gzip"), (b"Content-Length", str(len(body)).encode())], body)
    fetch = fetch_feed if kind == "feed" else fetch_article
    result = fetch(settings(respect_robots=False), raw.url("/x"))
    assert result.outcome is Outcome.PROTOCOL_ERROR, result.error
    assert "the gzip stream ends before its end" in (result.error or "")
    assert result.body == b"" and result.html == b""


def test_a_whole_gzip_stream_is_read(raw: RawServer) -> None:
    body = gzip.compress(PAGE)
    raw.answer = lambda path: response(b"HTTP/1.1 200 OK", [
        (b"Content-Type", b"text/html"), (b"Content-Encoding", b"gzip"), (b"Content-Length", str(len(body)).encode())],
        body)
    result = fetch_article(settings(respect_robots=False), raw.url("/x"))
    assert result.outcome is Outcome.OK and result.html == PAGE


@pytest.mark.parametrize(("kind", "whole", "cut_at"), [
    ("feed", FEED, len(FEED) // 2),
    ("feed", FEED, FEED.index(b"</channel>")),
    ("article", PAGE, len(PAGE) // 2),
])
def test_a_body_of_no_length_cut_short_is_an_error_when_its_document_never_ends(
    raw: RawServer, kind: str, whole: bytes, cut_at: int
) -> None:
    """HTTP/1.0 style: no Content-Length, no chunking, the body ends where the server closes. Cut
    mid-item, the feed parsed (feedparser is lenient) into items whose last link or title was cut,
    stored for good. Now a feed whose `<rss>` never closes, or a page whose `<html>` never does, is
    `protocol_error` (temporary: polled again soon), not stored."""
    content_type = b"application/rss+xml" if kind == "feed" else b"text/html"
    raw.answer = lambda path: response(b"HTTP/1.0 200 OK", [(b"Content-Type", content_type)], whole[:cut_at])
    fetch = fetch_feed if kind == "feed" else fetch_article
    result = fetch(settings(respect_robots=False), raw.url("/x"))
    assert result.outcome is Outcome.PROTOCOL_ERROR, result.error
    assert "body cut short: no length was declared" in (result.error or "")


@pytest.mark.parametrize(("kind", "body"), [
    ("feed", FEED),  # whole, with a comment after its root, as caching plugins add
    ("article", PAGE),
    ("article", b"<p>a page with no root element says nothing of its end, and is taken as it came"),
    ("feed", b'{"version": "https://jsonfeed.org/version/1.1", "title": "j", "items": []}'),
])
def test_a_whole_body_of_no_length_is_read(raw: RawServer, kind: str, body: bytes) -> None:
    content_type = b"application/rss+xml" if kind == "feed" else b"text/html"
    raw.answer = lambda path: response(b"HTTP/1.0 200 OK", [(b"Content-Type", content_type)], body)
    fetch = fetch_feed if kind == "feed" else fetch_article
    result = fetch(settings(respect_robots=False), raw.url("/x"))
    assert result.outcome is Outcome.OK, result.error
    assert (result.body if kind == "feed" else result.html) == body


@pytest.mark.parametrize("answer", [
    response(b"HTTP/1.1 200 OK", [(b"Content-Type", b"text/html"), (b"Content-Length", b"5000")], PAGE[:1000]),
    response(b"HTTP/1.1 200 OK", [(b"Content-Type", b"text/html"), (b"Transfer-Encoding", b"chunked")],
             b"%x\r\n%s\r\n" % (1000, PAGE[:1000])),
], ids=["length-not-reached", "no-last-chunk"])
def test_a_framed_body_cut_short_is_a_protocol_error(raw: RawServer, answer: bytes) -> None:
    """Held before this pass, kept as a regression test beside the new cases."""
    raw.answer = lambda path: answer
    result = fetch_article(settings(respect_robots=False), raw.url("/x"))
    assert result.outcome is Outcome.PROTOCOL_ERROR, result.error


@pytest.mark.parametrize("body", [b"<rss/>", b'<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom" />'])
def test_a_feed_whose_root_closes_itself_is_whole(raw: RawServer, body: bytes) -> None:
    raw.answer = lambda path: response(b"HTTP/1.0 200 OK", [(b"Content-Type", b"application/rss+xml")], body)
    result = fetch_feed(settings(), raw.url("/x"))
    assert result.outcome is Outcome.OK and result.body == body, result.error
