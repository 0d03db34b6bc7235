"""Red team 24: hostile servers and the unattended run (docs/security.md, "Red team 24").

1. A `Location` to an IPv4 address written with a trailing dot (`http://1.2.3.4./`), which the WHATWG URL
   parser (every browser) reads as `1.2.3.4`, was a `dns_error`: getaddrinfo reads no number with a dot
   after it. It is now read as the address, and still judged by the address guard.
2. A body packed in gzip that no header declares (or a second layer under a declared one), sent in small
   chunks, was joined again at each chunk while the content sniff waited: O(n^2), the event loop held for
   tens of seconds. The sniff now waits for the unpacked body instead. A `Content-Encoding` naming more
   compressions than are undone (2) is refused from the header: each chunk went through every layer.
3. A robots.txt that is an HTML page (a soft 404, a CMS's catch-all route): decided to read it as Google's
   parser does (rules at the start of a line, in a `User-agent` group), so a lone `Disallow: /` in a page
   is nothing, and a page that states a group is obeyed.
4. A page's `<meta>` tags were read with regular expressions that backtrack: a tag left open (`<meta ` 10,000
   times), a run of letters with no `=` in a `<meta>`, spaces in a refresh's `content`. Each held the event
   loop, where every fetch of the run waits: 11 s, 349 s, and for 500 spaces 113 s (with no end in sight for
   a page's worth), beyond any deadline, as nothing awaits while a regex runs. Each is linear now.

Every server is real, on loopback.
"""

from __future__ import annotations

import asyncio
import gzip
import random
import time
import zlib

import pytest

from newsflow.fetch import Fetcher
from newsflow.hopcookies import MAX_COOKIES_PER_HOST, _registrable
from newsflow.models import FetchResult, Outcome
from tests.hostile.rawserver import RawServer
from tests.hostile.servers import fetch_article, settings
from tests.hostile.test_redteam22 import page
from tests.hostile.test_redteam23 import answered, with_length


def redirect_to(location: bytes) -> bytes:
    return b"HTTP/1.1 302 Found\r\nLocation: " + location + b"\r\nContent-Length: 0\r\n\r\n"


# 1. An IPv4 address with a trailing dot

def test_a_location_to_an_address_with_a_trailing_dot_reaches_the_address() -> None:
    """Before: `dns_error` (`cannot resolve 127.0.0.1.: Name or service not known`), every run."""
    target = RawServer(lambda path: with_length(b"HTTP/1.1 200 OK", page("Dotted")))
    source = RawServer(lambda path: redirect_to(f"http://127.0.0.1.:{target.port}/page".encode()))
    try:
        result = fetch_article(settings(respect_robots=False), source.url("/go"))
    finally:
        source.close()
        target.close()
    assert result.outcome is Outcome.OK and b"Dotted" in result.html, result.error
    assert len(target.requests) == 1


@pytest.mark.parametrize("host", ["169.254.169.254.", "127.0.0.1.", "0x7f.1.", "2130706433."])
def test_an_address_with_a_trailing_dot_is_still_guarded(host: str) -> None:
    """Only 127.0.0.2 is allowed: each dotted spelling of a forbidden address is `blocked`, never fetched
    (before: a `dns_error`, which says nothing of the guard)."""
    target = RawServer(lambda path: with_length(b"HTTP/1.1 200 OK", page("Secret")))
    source = RawServer(lambda path: redirect_to(f"http://{host}:{target.port}/latest".encode()), host="127.0.0.2")
    try:
        result = fetch_article(settings(respect_robots=False, allowed_networks=("127.0.0.2/32",)), source.url("/go"))
    finally:
        source.close()
        target.close()
    assert result.outcome is Outcome.BLOCKED, result.error
    assert target.requests == []


# 2. gzip inside gzip, in small chunks

def chunked_in_pieces(headers: bytes, body: bytes, size: int = 64) -> bytes:
    chunks = b"".join(f"{len(body[i:i + size]):x}\r\n".encode() + body[i:i + size] + b"\r\n"
                      for i in range(0, len(body), size))
    return b"HTTP/1.1 200 OK\r\n" + headers + b"Transfer-Encoding: chunked\r\n\r\n" + chunks + b"0\r\n\r\n"


def test_a_page_packed_twice_in_small_chunks_is_read_at_once() -> None:
    """An untyped `Content-Encoding: gzip` over a second, undeclared gzip layer (a CDN gzipping a page stored gzipped),
    1.6 MB in 64-byte chunks. Before: the unpacked head started with gzip's magic, so the sniff waited and the
    whole body so far was joined again at each chunk: O(n^2), ~30 s of the event loop (a `timeout` at the
    deadline, every other fetch of the run starved)."""
    text = random.Random(24).randbytes(1_400_000).hex().encode()  # incompressible enough: ~1.6 MB packed twice
    packed = gzip.compress(gzip.compress(page("Twice").replace(b"</h1>", b"</h1><p>" + text + b"</p>")))
    answer = chunked_in_pieces(b"Content-Encoding: gzip\r\n", packed)  # untyped: sniffed
    server = RawServer(lambda path: answer)
    started = time.monotonic()
    try:
        result = fetch_article(settings(respect_robots=False, timeout=60.0), server.url("/p"))
    finally:
        server.close()
    assert time.monotonic() - started < 10.0, "the packed head was joined again at each chunk"
    assert result.outcome is Outcome.OK and b"Twice" in result.html, result.error


def test_a_body_declaring_more_compressions_than_are_undone_is_refused_unread() -> None:
    """`Content-Encoding: gzip, gzip, ...` 300 times over a body packed 300 times. Before: each chunk went
    through every declared layer, O(layers x chunks): 3,000 layers (94 KB in 16-byte chunks) held the event
    loop 83 s. Now more than `contentcoding.MAX_DECLARED_LAYERS` (5) codings is a `parse_error`, read from
    the header alone."""
    body = page("Deep")
    for _ in range(300):
        body = gzip.compress(body, compresslevel=1)
    codings = b", ".join([b"gzip"] * 300)
    outcome, _, error = answered(chunked_in_pieces(b"Content-Type: text/html\r\nContent-Encoding: " + codings + b"\r\n",
                                                   body, 16))
    assert outcome is Outcome.PARSE_ERROR and "300 compressions" in error, error
    assert len(error) < 400


@pytest.mark.parametrize("codings", [b"gzip, gzip, gzip", b"identity, gzip, x-gzip, deflate, gzip"])
def test_a_page_declared_packed_three_to_five_deep_is_still_read(codings: bytes) -> None:
    """Review of red team 24: main read these, and urllib3 and curl cap the chain at 5; refusing past 2 made
    them `parse_error`. `identity` is no layer."""
    body = page("Deep")
    for name in [name.strip() for name in codings.split(b",") if name.strip() != b"identity"]:  # applied in order
        body = zlib.compress(body) if name == b"deflate" else gzip.compress(body)
    outcome, read, error = answered(with_length(b"HTTP/1.1 200 OK\r\nContent-Encoding: " + codings, body))
    assert outcome is Outcome.OK and b"Deep" in read, error


@pytest.mark.parametrize("codings", [b"deflate", b"gzip, deflate"])
def test_a_body_that_is_no_deflate_is_a_parse_error(codings: bytes) -> None:
    """Review of red team 24: a `deflate` layer that is neither zlib nor raw deflate retried raw at each
    failure, forever: a `RecursionError`, reported as an unexpected `fetch_error`, not the body's fault."""
    body = b"\xff\xff\xff not deflate at all"
    body = gzip.compress(body) if codings.startswith(b"gzip") else body
    outcome, _, error = answered(with_length(b"HTTP/1.1 200 OK\r\nContent-Encoding: " + codings, body))
    assert outcome is Outcome.PARSE_ERROR and "not valid deflate" in error, error


def test_a_page_declared_packed_twice_is_still_read() -> None:
    """Control: `gzip, gzip`, as a CDN over a server that gzips, stays read (red team 22 probed it)."""
    answer = with_length(b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip, gzip", gzip.compress(gzip.compress(page("Two"))))
    outcome, body, error = answered(answer)
    assert outcome is Outcome.OK and b"Two" in body, error


# 3. A robots.txt that is an HTML page, read as Google's parser reads it

ARTICLE = with_length(b"HTTP/1.1 200 OK", page("Allowed"))


@pytest.mark.parametrize(("robots", "allowed"), [
    (b"<!doctype html><html><body><h1>Not found</h1>\n<p>Try the home page.</p>\nDisallow: /\n</body></html>", True),
    (b"<!doctype html><html><body><pre>\nUser-agent: *\nDisallow: /\n</pre></body></html>", False),
    (b"<!doctype html><html><body><pre>User-agent: *\nDisallow: /\n</pre></body></html>", True),
], ids=["a-lone-disallow", "a-group-at-line-starts", "a-group-after-markup"])
def test_a_robots_txt_that_is_an_html_page_is_read_as_google_reads_it(robots: bytes, allowed: bool) -> None:
    """Decided (docs/security.md, "Red team 24"): a soft 404 page at /robots.txt states no rule (a `Disallow`
    outside a `User-agent` group is no rule, RFC 9309 2.2); a page whose lines state a group is obeyed, as
    Google's parser (which reads any body, whatever its type) obeys it."""
    server = RawServer(lambda path: with_length(b"HTTP/1.1 200 OK", robots) if path == "/robots.txt" else ARTICLE)
    try:  # the reading is the subject, not a deadline: 1 s timed out at load 8 (ci124)
        result = fetch_article(settings(timeout=10.0), server.url("/news/1"))
    finally:
        server.close()
    assert result.outcome is (Outcome.OK if allowed else Outcome.ROBOTS_DISALLOWED), result.error
    assert len(server.hits("/news/1")) == (1 if allowed else 0)


# 4. <meta> tags the event loop reads: linear whatever the page

def longest_stall(answer: bytes) -> tuple[FetchResult, float]:
    """Fetch a page served `answer` while a ticker runs on the same event loop: the result, and the longest
    the loop went without running the ticker (what every other fetch of the run waited)."""
    server = RawServer(lambda path: answer)

    async def go() -> tuple[FetchResult, float]:
        longest, done = 0.0, asyncio.Event()

        async def tick() -> None:
            nonlocal longest
            while not done.is_set():
                started = time.monotonic()
                await asyncio.sleep(0.005)
                longest = max(longest, time.monotonic() - started)

        ticker = asyncio.create_task(tick())
        async with Fetcher(settings(respect_robots=False, timeout=600.0)) as fetcher:
            result = await fetcher.fetch_article(server.url("/p"))
        done.set()
        await ticker
        return result, longest

    try:
        return asyncio.run(go())
    finally:
        server.close()


HEAD = b"<!doctype html><html><head><title>Held</title>"
BODY = b"</head><body><article><h1>Held</h1><p>Caf\xe9 " + b"text " * 200 + b"</p></article></body></html>"


@pytest.mark.parametrize("head", [
    HEAD + b"<meta " * 10_000,  # left open: each `<meta` looked for its `>` to the end (before: ~11 s)
    HEAD + b"<meta " + b"a" * 20_000 + b">",  # letters and no `=`: tried from each (before: ~40 s)
    HEAD + b'<meta http-equiv="refresh" content="0' + b" " * 300 + b"''x\">",  # O(n^3) (before: ~25 s)
], ids=["meta-left-open", "meta-letters-without-equals", "refresh-spaces"])
def test_a_pages_meta_tags_never_hold_the_event_loop(head: bytes) -> None:
    result, stall = longest_stall(with_length(b"HTTP/1.1 200 OK", head + BODY))
    assert result.outcome is Outcome.OK and b"Held" in result.html, result.error
    assert stall < 2.0, f"the event loop was held {stall:.1f} s"


def test_a_redirect_setting_thousands_of_domain_cookies_reads_the_suffix_list_once_per_host() -> None:
    """3,000 `Set-Cookie: nI=v; Domain=<site>` on one redirect (a 90 KB head). Before: the public-suffix list
    was asked for the host's registrable domain once per cookie, 0.5 s of the event loop per such hop; now
    once per host (0.05 s). The cookies kept are still bounded (`MAX_COOKIES_PER_HOST`)."""
    cookies = b"".join(b"Set-Cookie: n%d=v; Domain=localhost\r\n" % i for i in range(3_000))
    target = RawServer(lambda path: with_length(b"HTTP/1.1 200 OK", page("Kept")))
    source = RawServer(lambda path: b"HTTP/1.1 302 Found\r\nLocation: " + target.url("/page").replace(
        "127.0.0.1", "localhost").encode() + b"\r\n" + cookies + b"Content-Length: 0\r\n\r\n")
    _registrable.cache_clear()
    try:
        result = fetch_article(settings(respect_robots=False, timeout=20.0),
                               source.url("/go").replace("127.0.0.1", "localhost"))
    finally:
        source.close()
        target.close()
    assert result.outcome is Outcome.OK and b"Kept" in result.html, result.error
    assert _registrable.cache_info().misses <= 2
    sent = target.requests[0].header("cookie") or ""
    assert sent.count("=") == MAX_COOKIES_PER_HOST
