"""Red team 44: hostile servers not met before (docs/security.md, "Red team 44").

1. Bytes an answer sends that are no body: a chunked body's framing (a 60 KB chunk extension on each one-byte
   chunk) and an endless run of interim 1xx answers. `fetch.max_bytes` capped the body alone, so both were read
   until the whole-request deadline (red team 43 measured about 280 MB in 3 s). Now one answer's bytes at the
   connection are capped too (`netguard.ShortReads`): `too_large`, in one line naming the URL.
2. A repeated `Refresh` header was read as one comma-joined URL (`0; url=/a, 0; url=/b` sent the reader to
   `/a, 0; url=/b`, a 404). Now the first header decides, as the first `Location` does.
3. A redirect to the same address spelled with the host's trailing dot (`127.0.0.1.`) was followed once before
   the loop was seen, and an empty `Location` was reported as a "redirect loop back to" the page. Now the loop is
   seen at once (one spelling per host, as the host gate keys it) and an empty `Location` is named as such.

Every server is real, on loopback.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from newsflow import urls
from newsflow.fetch import guarded_transport
from newsflow.models import FetchResult, Outcome
from tests.hostile.keepalive import Act, KeepAliveServer
from tests.hostile.rawserver import RawServer
from tests.hostile.servers import LoopbackServer, fetch_article, fetch_feed, running_server, settings
from tests.hostile.test_redteam23 import with_length
from tests.hostile.test_redteam41 import fetch_one_after_another
from tests.hostile.test_redteam43 import EndlessServer
from tests.localserver import Page

CAP = 1_000_000  # fetch.max_bytes in these tests: one answer may bring twice it and 1 MB
DEADLINE = 10.0  # fetch.timeout: main read these answers until it, then `timeout`
PAGE = (b"<html><head><title>T</title></head><body><article><p>" + b"A story told in words. " * 40
        + b"</p></article></body></html>")


def fetched_article(answer: Callable[[str], bytes], **overrides: Any) -> FetchResult:
    """`/p` fetched as an article (robots.txt not asked) from a RawServer answering `answer`."""
    server = RawServer(answer)
    try:
        return fetch_article(settings(respect_robots=False, **overrides), server.url("/p"))
    finally:
        server.close()


# 1. Bytes that are no body: chunk framing and interim answers

CHUNKED_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
ONE_BYTE_CHUNK_WITH_A_60KB_EXTENSION = b"1;x=" + b"y" * 60_000 + b"\r\na\r\n"


def test_a_body_of_framing_is_cut_at_the_cap() -> None:
    """Before: read until the 10 s deadline (about 1 GB on loopback), then `timeout`. Now `too_large` once one
    answer's bytes at the connection pass twice `fetch.max_bytes` and 1 MB, long before the deadline."""
    server = EndlessServer(CHUNKED_HEAD, ONE_BYTE_CHUNK_WITH_A_60KB_EXTENSION)
    try:
        started = time.monotonic()
        result = fetch_article(settings(respect_robots=False, timeout=DEADLINE, max_bytes=CAP), server.url("/p"))
        took = time.monotonic() - started
    finally:
        server.close()
    assert result.outcome is Outcome.TOO_LARGE, result.error
    error = result.error or ""
    assert "/p" in error and "fetch.max_bytes" in error and "chunk framing" in error and "\n" not in error, error
    assert took < DEADLINE / 2, f"read for {took:.1f} s"


def early_hints(pad: int) -> bytes:
    return b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n" + (b"X-Pad: " + b"p" * pad + b"\r\n"
                                                                           if pad else b"") + b"\r\n"


@pytest.mark.parametrize(("pad", "said"), [(0, "over 100 interim"), (4_000, "over 100 interim"),
                                           (90_000, "bytes of interim")], ids=["small", "4KB", "90KB"])
def test_an_endless_run_of_interim_answers_ends_early(pad: int, said: str) -> None:
    """Before: read until the 10 s deadline, then `timeout` (small ones at a fifth of a core, large ones about
    1 GB). Now `protocol_error` after 100 of them or the cap's bytes of them, in one line naming the feed."""
    server = EndlessServer(b"", early_hints(pad))
    try:
        started = time.monotonic()
        result = fetch_feed(settings(timeout=DEADLINE, max_bytes=CAP), server.url("/feed.xml"))
        took = time.monotonic() - started
    finally:
        server.close()
    assert result.outcome is Outcome.PROTOCOL_ERROR, result.error
    error = result.error or ""
    assert "/feed.xml" in error and said in error and "interim (1xx)" in error and "\n" not in error, error
    assert took < DEADLINE / 2, f"read for {took:.1f} s"


def small_chunks(body: bytes, size: int) -> bytes:
    """`body` chunked in pieces of `size` bytes, each with a short extension, as a streaming server may."""
    pieces = (b"%x;n=1\r\n%s\r\n" % (len(body[at:at + size]), body[at:at + size]) for at in range(0, len(body), size))
    return b"".join(pieces) + b"0\r\n\r\n"


def test_a_page_near_the_cap_in_small_chunks_after_interim_answers_is_still_read() -> None:
    """A page just under the cap, in 64-byte chunks (framing about a seventh more), after three 103s: read whole."""
    page = PAGE[:-len(b"</body></html>")] + b"<p>" + b"z" * (CAP - len(PAGE) - 100) + b"</p></body></html>"
    answer = early_hints(4_000) * 3 + CHUNKED_HEAD + small_chunks(page, 64)
    result = fetched_article(lambda path: answer, timeout=DEADLINE, max_bytes=CAP)
    assert result.outcome is Outcome.OK, result.error
    assert result.html is not None and len(result.html) == len(page)


def test_the_cap_is_per_answer_not_per_connection() -> None:
    """Four pages of 0.9 `max_bytes` each on one kept-alive connection (3.6 MB, past one answer's 3 MB): each
    answer is counted from its own request's write. (Review of red team 44: this test had three pages, 2.7 MB,
    each on a connection of its own, and passed with the count never reset.)"""
    server = KeepAliveServer(lambda seen: Act.ANSWER, body=PAGE + b"<!--" + b"c" * (CAP * 9 // 10) + b"-->")
    try:
        results = fetch_one_after_another(server, [f"/p{n}" for n in range(4)],
                                          settings(respect_robots=False, timeout=DEADLINE, max_bytes=CAP))
        connections = server.connections
    finally:
        server.close()
    assert [r.outcome for r in results] == [Outcome.OK] * 4, [r.error for r in results]
    assert connections == 1, f"{connections} connections: the pages were not on one kept-alive connection"


# 2. A repeated Refresh header

@pytest.fixture(scope="module")
def public_server() -> Iterator[LoopbackServer]:
    yield from running_server("127.0.0.2")


def test_a_repeated_refresh_header_is_read_by_its_first(public_server: LoopbackServer) -> None:
    """Before: one URL `/story-a, 0; url=/story-b` (a 404, the article parked). Now the first header's URL."""
    public_server.routes["/story-a"] = Page(PAGE)
    public_server.routes["/story-b"] = Page(PAGE.replace(b"<title>T", b"<title>B"))
    tracker = Page(b"<html><body><p>Redirecting</p></body></html>", headers={"Refresh": "0; url=/story-a"})
    public_server.routes["/tracker"] = tracker
    server = RawServer(lambda path: with_length(
        b"HTTP/1.1 200 OK\r\nRefresh: 0; url=" + public_server.url("/story-a").encode()
        + b"\r\nRefresh: 0; url=" + public_server.url("/story-b").encode(),
        b"<html><body><p>Redirecting</p></body></html>", b"text/html"), host="127.0.0.2")
    try:
        result = fetch_article(settings(respect_robots=False), server.url("/tracker"))
    finally:
        server.close()
    assert result.outcome is Outcome.OK, result.error
    assert result.final_url == public_server.url("/story-a")


def test_a_refresh_url_with_a_comma_is_still_one_url(public_server: LoopbackServer) -> None:
    public_server.routes["/a,b"] = Page(PAGE)
    public_server.routes["/comma"] = Page(b"<html><body>go</body></html>", headers={"Refresh": "0; url=/a,b"})
    result = fetch_article(settings(respect_robots=False), public_server.url("/comma"))
    assert result.outcome is Outcome.OK, result.error
    assert result.final_url == public_server.url("/a,b")


# 3. Redirects to the page itself: a host's trailing dot, an empty Location

def self_redirect(spell: str) -> RawServer:
    """A server whose every path redirects permanently to `spell` (formatted with its port and the path)."""
    server: RawServer

    def answer(path: str) -> bytes:
        location = spell.format(port=server.port, path=path).encode()
        return b"HTTP/1.1 301 Moved Permanently\r\nLocation: " + location + b"\r\nContent-Length: 0\r\n\r\n"
    server = RawServer(answer)
    return server


@pytest.mark.parametrize("spell", ["http://127.0.0.1.:{port}{path}", "HTTP://127.0.0.1:{port}{path}",
                                   "http://127.0.0.1:{port}{path}#top"], ids=["trailing-dot", "capitals", "fragment"])
def test_a_redirect_to_the_page_itself_spelled_otherwise_is_a_loop_at_once(spell: str) -> None:
    """Before: the dotted spelling was followed (a second request) before the loop was seen, and named by it."""
    server = self_redirect(spell)
    try:
        result = fetch_article(settings(respect_robots=False, max_redirects=5), server.url("/p"))
        hits = len(server.hits("/p"))
    finally:
        server.close()
    assert result.outcome is Outcome.REDIRECT_LOOP, result.error
    assert hits == 1, f"{hits} requests for a redirect to itself"
    assert "itself" in (result.error or "")


def test_an_empty_location_is_named_as_such() -> None:
    """Before: `redirect loop back to http://…/p`, as if the server had named the page. Now the error says the
    Location was empty (still `redirect_loop`: browsers read it as the page itself, and loop)."""
    server = RawServer(lambda path: b"HTTP/1.1 302 Found\r\nLocation: \r\nContent-Length: 0\r\n\r\n")
    try:
        result = fetch_feed(settings(), server.url("/feed"))
    finally:
        server.close()
    assert result.outcome is Outcome.REDIRECT_LOOP, result.error
    assert "empty Location" in (result.error or "") and "/feed" in (result.error or "")


def test_a_redirect_that_adds_a_query_is_no_loop() -> None:
    """The loop key is the host's spelling, not the URL's canonical form: `/p` to `/p?utm_source=x` is followed."""
    result = fetched_article(lambda path: with_length(b"HTTP/1.1 200 OK", PAGE, b"text/html") if "?" in path else
                             b"HTTP/1.1 302 Found\r\nLocation: /p?utm_source=feed\r\nContent-Length: 0\r\n\r\n")
    assert result.outcome is Outcome.OK, result.error


# 4. An international host with a character IDNA 2003 maps away (`ß`, `ς`)

@pytest.mark.parametrize("host", ["faß.example", "straße.example", "ς.example", "bücher.example"])
def test_an_articles_key_names_the_host_it_was_fetched_from(host: str) -> None:
    """Before: `http://faß.example/story` was keyed (stored, deduplicated) as `http://fass.example/story`, another
    registrant's domain, while the fetcher asked DNS for `xn--fa-hia.example` (httpx spells it by IDNA 2008)."""
    asked: list[str] = []

    async def resolve(name: str, port: int) -> list[str]:
        asked.append(name)
        return ["127.0.0.1"]

    server = RawServer(lambda path: with_length(b"HTTP/1.1 200 OK", PAGE, b"text/html"))
    try:
        fetch_settings = settings(respect_robots=False)
        link = f"http://{host}:{server.port}/story"
        result = fetch_article(fetch_settings, link, transport=guarded_transport(fetch_settings, resolver=resolve))
    finally:
        server.close()
    assert result.outcome is Outcome.OK, result.error
    assert asked and urls.host_of(urls.canonicalize_url(link)) == asked[0]
    assert urls.host_key(host) == asked[0]


def test_two_hosts_idna_2003_spelled_alike_are_two_articles() -> None:
    assert urls.canonicalize_url("http://faß.example/story") != urls.canonicalize_url("http://fass.example/story")
    assert urls.site_of(urls.host_of("http://faß.example/")) != urls.site_of(urls.host_of("http://fass.example/"))
