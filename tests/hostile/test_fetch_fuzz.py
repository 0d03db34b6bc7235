"""Byte-level fuzzing of the real Fetcher against a real loopback server (issue 11).

Hypothesis writes the whole response: status line, every header the fetcher reads (Retry-After,
Location, Content-Type and its charset, Content-Encoding, Content-Length, ETag,
Last-Modified, Cache-Control) and the body, sometimes cut short or sent slowly. For each one:

- the fetch returns a FetchResult (it never raises) within its deadline plus slack;
- its error, when there is one, is one line;
- the validators it keeps can be sent back: a second, conditional fetch with them is built
  and sent, and the server receives them unchanged.

Redirects can point anywhere; the resolver answers loopback names only, so nothing leaves the
machine. Failures found by fuzzing are kept as explicit regression tests in
test_server_input.py (the 5,000-digit Cache-Control max-age is one).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsflow import polling
from newsflow.errors import FeedParseError
from newsflow.feeds import parse_feed
from newsflow.fetch import Fetcher, guarded_transport
from newsflow.models import FetchKind, FetchResult, Outcome
from tests.hostile import servers
from tests.hostile.rawserver import RawAnswer, RawServer, response, running_raw_server
from tests.hostile.test_server_input import loopback_only_resolver

TIMEOUT = 0.5
MAX_RETRY_AFTER = 0.3
# One attempt, one retry within the cap, robots.txt inside the first; plus scheduling slack.
BOUND = 2 * TIMEOUT + MAX_RETRY_AFTER + 1.5

EXAMPLES = int(os.environ.get("NEWSFLOW_FUZZ_EXAMPLES", "40"))  # more for a longer soak
FETCH_SETTINGS = servers.settings(timeout=TIMEOUT, max_retry_after=MAX_RETRY_AFTER, max_redirects=3)

HEADER_NAMES = [
    b"Retry-After", b"Location", b"Content-Type", b"Content-Encoding", b"Content-Length", b"ETag",
    b"Last-Modified", b"Cache-Control", b"Transfer-Encoding", b"X-Other",
]  # fmt: skip
INTERESTING_VALUES = [
    b"http://host:99999/", b"http://[", b"http://[::1/", b"//127.0.0.1:1/x", b"javascript:alert(1)",
    b"/relative", b"http://127.0.0.1:0/", b"http://example.com/", b"text/html; charset=base64",
    b"text/html; charset=rot13", b"text/html; charset=utf-16", b"application/rss+xml; charset=\xff",
    b"1000000000000", b"-1", b"0", b"Fri, 31 Dec 9999 23:59:59 GMT", b"Mon, 00 Jan 0000 00:00:00 GMT",
    b'"caf\xe9"', b'W/"x"', b"max-age=99999999999999999999", b"max-age=-5", b"gzip", b"deflate", b"br",
    b"chunked", b"99999999999999999999", b"\x00", b"\xff\xfe\xfd", b"max-age=" + b"9" * 5000,
    b"application/feed+json", b"text/xml; charset=utf-16",
]  # fmt: skip

status_lines = st.one_of(
    st.builds(
        lambda code, reason: b"HTTP/1.1 %d " % code + reason,
        st.sampled_from([200, 204, 301, 302, 303, 304, 307, 308, 404, 410, 429, 500, 503, 999])
        | st.integers(0, 1000),
        st.binary(max_size=12),
    ),
    st.binary(max_size=30).filter(lambda line: b"\r\n" not in line),
)
header_values = st.sampled_from(INTERESTING_VALUES) | st.binary(max_size=40).filter(lambda v: b"\n" not in v)
headers = st.lists(st.tuples(st.sampled_from(HEADER_NAMES), header_values), max_size=6)
FEED = (
    b"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title><ttl>99999999999999999999</ttl>"
    b"<item><title>a</title><link>http://h:99999/</link><guid>g</guid><pubDate>Fri, 31 Dec 9999 23:59:59 GMT"
    b"</pubDate></item></channel></rss>"
)
bodies = st.sampled_from([b"", b"<html><p>x</p></html>", FEED, b"\x1f\x8b\x08garbage"]) | st.binary(max_size=300)


@st.composite
def answers(draw: st.DrawFn) -> RawAnswer:
    raw = response(draw(status_lines), draw(headers), draw(bodies))
    shape = draw(st.sampled_from(["whole", "truncated", "slow"]))
    if shape == "truncated":
        return raw[: draw(st.integers(0, len(raw)))]
    if shape == "slow":
        cut = draw(st.integers(0, len(raw)))
        return [(raw[:cut], draw(st.sampled_from([0.1, 0.4, 0.8]))), (raw[cut:], 0.0)]
    return raw


@pytest.fixture(scope="module")
def raw() -> Iterator[RawServer]:
    yield from running_raw_server()


def fetch_twice(server: RawServer, answer: RawAnswer, kind: str) -> tuple[FetchResult, float, FetchResult]:
    """Fetch once; then once more with the validators the first fetch kept (both always return)."""
    server.answer = lambda path: answer
    url = server.url("/x")

    async def go() -> tuple[FetchResult, float, FetchResult]:
        transport = guarded_transport(FETCH_SETTINGS, resolver=loopback_only_resolver)
        async with Fetcher(FETCH_SETTINGS, transport=transport) as fetcher:
            started = time.monotonic()
            first = await (fetcher.fetch_article(url) if kind == "article" else fetcher.fetch_feed(url))
            seconds = time.monotonic() - started
            server.answer = lambda path: response(b"HTTP/1.1 304 Not Modified")
            etag, modified = first.headers.get("etag"), first.headers.get("last-modified")
            # On the same pool: the raw server closes every connection after its answer, and a pooled
            # one the server closed is sent again on a fresh connection (test_stale_connections.py).
            second = await fetcher.fetch_feed(url, etag=etag, last_modified=modified)
        return first, seconds, second

    return asyncio.run(go())


def check(server: RawServer, answer: RawAnswer, kind: str) -> None:
    server.requests.clear()
    first, seconds, second = fetch_twice(server, answer, kind)
    assert isinstance(first.outcome, Outcome)
    assert first.outcome is not Outcome.FETCH_ERROR, first.error
    assert seconds < BOUND, f"{first.outcome}: {seconds:.2f} s"
    assert first.error is None or ("\n" not in first.error and "\r" not in first.error)
    read_like_the_pipeline(first)
    conditional = first.headers.get("etag") or first.headers.get("last-modified")
    answer_to_304 = Outcome.NOT_MODIFIED if conditional else Outcome.HTTP_ERROR  # 304 to a plain GET: a bug
    assert second.outcome in {answer_to_304, Outcome.RATE_LIMITED}, second.error
    sent = server.requests[-1] if second.outcome is Outcome.NOT_MODIFIED else None
    if sent is not None:
        assert sent.header("If-None-Match") == first.headers.get("etag")
        assert sent.header("If-Modified-Since") == first.headers.get("last-modified")


def read_like_the_pipeline(result: FetchResult) -> None:
    """What the pipeline reads from a result (the feed parser, the publisher's hints) does not raise."""
    polling.publisher_hint_seconds(None, None, result.headers)
    if result.ok and result.kind is FetchKind.FEED:
        with contextlib.suppress(FeedParseError):
            parse_feed(result.body, feed_id="fuzz", feed_url=result.final_url, headers=result.headers)


@pytest.mark.parametrize("kind", ["feed", "article"])
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answer=answers())
def test_no_response_makes_the_fetcher_raise_or_overrun(raw: RawServer, kind: str, answer: RawAnswer) -> None:
    check(raw, answer, kind)

