"""Red team 43: hostile servers not met before (docs/security.md, "Red team 43").

1. A charset label that names a Python codec which is no character set: `punycode`, `idna`, `unicode-escape`,
   `raw-unicode-escape`, `undefined`, `utf-7`. No browser knows these labels (the WHATWG Encoding standard has
   none of them), so a page or feed naming one is read as if it named none. Python's codec registry knows them
   all, and `codecs.lookup` was the test of a label: a page was decoded with them. punycode's decoder inserts
   each coded character by copying the text so far, O(n^2): a 300 KB page labelled `charset=punycode` held the
   fetcher's event loop (where every fetch of the run waits) about 3.6 s, a 2 MB one minutes, a 10 MB one
   (the fetch cap) over an hour. A feed whose header or XML declaration names punycode cost its parse worker
   the same, then was a `parse_error` (the garbage punycode made of it is no XML).

Every server is real, on loopback.
"""

from __future__ import annotations

import codecs
import gzip
import random
import socket
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsflow.charset import charset_label
from newsflow.feeds import parse_feed
from newsflow.models import Outcome
from newsflow.opml import OpmlError, parse_opml
from tests.hostile.rawserver import RawServer
from tests.hostile.servers import LoopbackServer, fetch_article, fetch_feed, running_server, settings
from tests.hostile.test_redteam13 import stores_the_articles_behind
from tests.hostile.test_redteam23 import with_length
from tests.hostile.test_redteam24 import longest_stall
from tests.localserver import Page

# After the last '-' of an ASCII text, punycode reads each letter `a` as one character to insert: n of them
# into a text of n is n copies of it. 250,000 (a 260 KB body): 3-4 s of CPU on main, quadratic (1.6 s for 100,000).
PUNYCODE_TAIL = b"x-" + b"a" * 250_000
PAGE = (b"<!doctype html><html><head><title>Coded</title></head><body><article><h1>Coded</h1><p>"
        + b"A story worth reading, told in plain ASCII words. " * 40 + b"</p></article><!-- ")
NOT_CHARSETS = ["punycode", "idna", "unicode-escape", "raw-unicode-escape", "undefined", "utf-7"]


# 1. Charset labels that name a codec but no character set

@pytest.mark.parametrize("label", [*NOT_CHARSETS, "PUNYCODE", "unicode_escape", " utf7 "])
def test_a_label_naming_a_codec_that_is_no_charset_is_no_label(label: str) -> None:
    assert charset_label(label, from_meta=False) is None
    assert charset_label(label, from_meta=True) is None


@pytest.mark.parametrize("label", ["utf-8", "windows-1252", "latin1", "shift_jis", "koi8-r", "cp437", "gb18030"])
def test_labels_of_character_sets_are_still_read(label: str) -> None:
    assert charset_label(label, from_meta=False) is not None


@pytest.mark.parametrize("where", ["header", "meta"])
def test_a_page_labelled_punycode_never_holds_the_event_loop(where: str) -> None:
    """Before: 3-4 s of the event loop (every other fetch of the run starved), and the page stored as the
    garbage punycode made of it. Now the label is no label: the page is read as ASCII/UTF-8."""
    body = PAGE + PUNYCODE_TAIL  # a comment left open: the last "-" is followed by letters alone
    if where == "header":
        answer = with_length(b"HTTP/1.1 200 OK", body, b"text/html; charset=punycode")
    else:
        answer = with_length(b"HTTP/1.1 200 OK", body.replace(b"<head>", b'<head><meta charset="punycode">'))
    result, stall = longest_stall(answer)
    assert result.outcome is Outcome.OK, result.error
    assert b"<h1>Coded</h1>" in result.html and b"plain ASCII words" in result.html
    assert stall < 1.0, f"the event loop was held {stall:.1f} s"


@pytest.mark.parametrize("label", ["unicode-escape", "raw-unicode-escape", "utf-7"])
def test_a_page_labelled_with_a_codec_that_is_no_charset_keeps_its_text(label: str) -> None:
    """An ASCII page (no UTF-8 to outvote the label): `C:\\new` under `unicode-escape` became a line break and
    `\\x` a replacement character; `\\u2014` under `raw-unicode-escape` became a dash; `C++ + 2` under UTF-7
    lost its plus signs. Each is now the page's own text. (`idna` and `undefined` refuse to decode, and fell
    back to windows-1252 before: the same text for ASCII.)"""
    words = b"C:\\new\\x C++ + 2 \\u2014 fin"
    body = PAGE.replace(b"<p>", b"<p>" + words + b" ") + b"-->"
    answer = with_length(b"HTTP/1.1 200 OK", body, b"text/html; charset=" + label.encode())
    result, _stall = longest_stall(answer)
    assert result.outcome is Outcome.OK, result.error
    assert words in result.html


FEED = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Coded feed</title>'
        + b"".join(b"<item><title>Story %d</title><link>http://news.example/%d</link><guid>g%d</guid></item>"
                   % (i, i, i) for i in range(3))
        + b"</channel></rss>\n")


@pytest.mark.parametrize("where", ["header", "declaration", "header, after a real one", "declaration, after a BOM"])
def test_a_feed_labelled_punycode_is_read_at_once_with_its_items(where: str) -> None:
    """Before: 3-4 s of a parse worker (past a short `extract.timeout`, a `parse_error` for good), and then a
    `parse_error` anyway: punycode's reading is no XML. Now the label is no label and the items are read.
    (Review: a second `charset=` parameter, and a declaration after a UTF-8 BOM, still cost the 3 s.)"""
    body = FEED + PUNYCODE_TAIL  # junk after the root: feedparser's loose parser still reads the items
    content_type = b"application/rss+xml"
    if where == "header":
        content_type += b"; charset=punycode"
    elif where == "header, after a real one":
        content_type += b"; charset=utf-8; charset=punycode"
    else:
        body = body.replace(b'<?xml version="1.0"?>', b'<?xml version="1.0" encoding="punycode"?>')
        body = codecs.BOM_UTF8 + body if "BOM" in where else body
    server = RawServer(lambda path: with_length(b"HTTP/1.1 200 OK", body, content_type))
    try:
        fetched = fetch_feed(settings(respect_robots=False, timeout=10.0), server.url("/feed"))
    finally:
        server.close()
    assert fetched.outcome is Outcome.OK, fetched.error
    started = time.process_time()
    parsed = parse_feed(fetched.body, feed_id="coded", feed_url=fetched.final_url, headers=fetched.headers)
    spent = time.process_time() - started
    assert [entry.title for entry in parsed.entries] == ["Story 0", "Story 1", "Story 2"]
    assert spent < 1.0, f"the parse took {spent:.1f} s of CPU"


# 2. An interstitial that sends the reader on by the HTTP `Refresh` header, not a <meta>

@pytest.fixture
def public_server() -> Iterator[LoopbackServer]:
    yield from running_server("127.0.0.2")


def header_interstitial(target: str, delay: str = "0") -> Page:
    """A click tracker's `header("Refresh: 0; url=…")` (PHP) over a page with no <meta refresh> at all."""
    return Page("<html><head><title>Redirecting</title></head><body><p>Redirecting you to the article…</p>"
                "</body></html>".encode(), headers={"Refresh": f"{delay}; url={target}"})


def test_articles_behind_a_refresh_header_are_stored_not_parked(tmp_path: Path, public_server: LoopbackServer) -> None:
    """Browsers follow `Refresh: 0; url=…` as they follow the <meta> (the HTML standard reads both alike).
    Before: the tracker's "Redirecting…" page was the article, `extract_empty`, parked at once: 3 of 3 lost.
    Now the header is followed as the <meta> is (red team 13): a redirect, counted, loop-checked, SSRF-checked."""
    stores_the_articles_behind(tmp_path, public_server, header_interstitial)


@pytest.mark.parametrize("refresh", ["300", "600; url=/elsewhere", "0", "0; url=", "x; url=/elsewhere"])
def test_a_refresh_header_a_reader_never_follows_is_read_as_it_is(public_server: LoopbackServer, refresh: str) -> None:
    """A page that reloads itself, one that moves on after ten minutes, or a header that names no URL."""
    url = public_server.add("/story", Page(PAGE + b"-->", headers={"Refresh": refresh}))
    result = fetch_article(settings(respect_robots=False), url)
    assert result.outcome is Outcome.OK and result.final_url == url and not result.redirects
    assert b"plain ASCII words" in result.html


def test_refresh_headers_in_a_loop_or_to_a_refused_address_end_as_redirects_would(
    public_server: LoopbackServer,
) -> None:
    loop = public_server.add("/a", header_interstitial("/b")) and public_server.add("/b", header_interstitial("/a"))
    to_metadata = public_server.add("/c", header_interstitial("http://169.254.169.254/latest/meta-data/"))
    to_file = public_server.add("/d", header_interstitial("file:///etc/passwd"))
    looped = fetch_article(settings(respect_robots=False), loop)
    refused = fetch_article(settings(respect_robots=False), to_metadata)
    not_http = fetch_article(settings(respect_robots=False), to_file)
    assert looped.outcome is Outcome.REDIRECT_LOOP, looped.error
    assert refused.outcome is Outcome.BLOCKED, refused.error
    assert not_http.outcome is Outcome.INVALID_URL, not_http.error
    assert "169.254.169.254" in (refused.error or "") and "\n" not in (refused.error or "")


# 3. The same label in an OPML file given to `newsflow feeds import`

def test_an_opml_file_declaring_punycode_is_refused_at_once_in_one_line() -> None:
    """Before: 3.9 s of CPU for a 260 KB file (quadratic: a 20 MB one, the import's cap, hours), then `not valid
    OPML: 'ascii' codec can't decode byte 0x80`, naming nothing the user can act on."""
    opml = (b'<?xml version="1.0" encoding="punycode"?><opml version="2.0"><head/><body>'
            b'<outline xmlUrl="http://a.example/feed"/></body></opml>' + PUNYCODE_TAIL)
    started = time.process_time()
    with pytest.raises(OpmlError) as refused:
        parse_opml(opml)
    assert time.process_time() - started < 0.5
    assert "'punycode'" in str(refused.value) and "UTF-8" in str(refused.value) and "\n" not in str(refused.value)


# 4. A packed body that unpacks to next to nothing, for ever

class EndlessServer(RawServer):
    """Sends `head`, then `filler` again and again until the client goes (RawServer sends a finite answer)."""

    def __init__(self, head: bytes, filler: bytes) -> None:
        self.head, self.filler = head, filler
        super().__init__()

    def _send(self, connection: socket.socket, answer: object) -> None:
        try:
            connection.sendall(self.head)
            while not self._closed.is_set():
                connection.sendall(self.filler)
        except OSError:  # the client stopped reading and closed: what the test wants
            return


GZIP_HEAD = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # a gzip member's header; deflate blocks follow
EMPTY_DEFLATE_BLOCKS = b"\x00\x00\x00\xff\xff" * 13_000  # stored blocks of no byte, none final (a sync flush each)
PACKED_CAP = 1_000_000


@pytest.mark.parametrize("coding, start", [(b"gzip", GZIP_HEAD), (b"deflate", b"\x78\x9c"), (b"deflate", b"")],
                         ids=["gzip", "deflate", "raw-deflate"])
def test_a_packed_body_that_unpacks_to_nothing_for_ever_is_cut_at_the_cap(coding: bytes, start: bytes) -> None:
    """The cap (`fetch.max_bytes`) was on the unpacked bytes only: a stream of empty deflate blocks unpacks to
    nothing, so it was read until the whole-request deadline. Before: 524 MB read in a 3 s deadline for a cap
    of 1 MB (about 3.5 GB in the default 20 s), 1.3 s of the fetcher's CPU, then `timeout`. Now `too_large`
    once the packed bytes pass the cap (and its eighth, compression's own overhead), naming what came."""
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: " + coding + b"\r\n\r\n" + start
    server = EndlessServer(head, EMPTY_DEFLATE_BLOCKS)
    try:
        result = fetch_article(settings(respect_robots=False, timeout=10.0, max_bytes=PACKED_CAP), server.url("/p"))
    finally:
        server.close()
    assert result.outcome is Outcome.TOO_LARGE, result.error
    assert result.bytes_read < 2 * PACKED_CAP
    error = result.error or ""
    assert "fetch.max_bytes" in error and coding.decode() in error and "\n" not in error and "/p" in error


def sync_flushed(body: bytes, every: int) -> bytes:
    """`body` stored (level 0) in one gzip member, flushed every `every` bytes, as a streaming server does."""
    packer = zlib.compressobj(0, zlib.DEFLATED, 31)
    pieces = (packer.compress(body[at:at + every]) + packer.flush(zlib.Z_SYNC_FLUSH)
              for at in range(0, len(body), every))
    return b"".join(pieces) + packer.flush()


PACKINGS = {  # each makes the packed body larger than the page (stored blocks); review: more than one shape
    "gzip": (b"gzip", lambda body: gzip.compress(body, compresslevel=0)),
    "gzip, gzip": (b"gzip, gzip", lambda body: gzip.compress(gzip.compress(body, compresslevel=0), compresslevel=0)),
    "flushed every 512 bytes": (b"gzip", lambda body: sync_flushed(body, 512)),
    "a member every 4 KB": (b"gzip", lambda body: b"".join(gzip.compress(body[at:at + 4096], compresslevel=0)
                                                           for at in range(0, len(body), 4096))),
}


@pytest.mark.parametrize("packing", PACKINGS)
def test_a_packed_page_near_the_cap_is_still_read(packing: str) -> None:
    """Incompressible text near the cap: its packed bytes are a little more than it (deflate's stored blocks,
    a 5-byte empty block per flush, 18 bytes a gzip member, a second layer's own), and under the packed bytes'
    margin: read whole, as on main."""
    text = random.Random(43).randbytes(PACKED_CAP // 2).hex().encode()
    body = PAGE.replace(b"<p>", b"<p>" + text[: PACKED_CAP - len(PAGE) - 30] + b" ") + b"-->"
    coding, pack = PACKINGS[packing]
    packed = pack(body)
    assert len(body) <= PACKED_CAP < len(packed)
    answer = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: " + coding + b"\r\nContent-Length: "
              + str(len(packed)).encode() + b"\r\n\r\n" + packed)
    server = RawServer(lambda path: answer)
    try:
        result = fetch_article(settings(respect_robots=False, timeout=10.0, max_bytes=PACKED_CAP), server.url("/p"))
    finally:
        server.close()
    assert result.outcome is Outcome.OK, result.error
    assert result.html == body


def test_a_refresh_header_goes_before_the_pages_meta_refresh(public_server: LoopbackServer) -> None:
    """The header is read before the page's <meta>, as a browser meets them; the first refresh naming a URL decides."""
    real = public_server.add("/real", Page(PAGE + b"-->"))
    public_server.add("/other", Page(PAGE.replace(b"Coded", b"Other") + b"-->"))
    both = header_interstitial("/real")
    both.body = both.body.replace(b"<head>", b'<head><meta http-equiv="refresh" content="0; url=/other">')
    tracker = public_server.add("/go", both)
    result = fetch_article(settings(respect_robots=False), tracker)
    assert result.outcome is Outcome.OK and result.final_url == real, (result.final_url, result.error)
    assert result.redirects == ((200, real),)


def test_a_refresh_header_obeys_robots_and_the_redirect_limit(public_server: LoopbackServer) -> None:
    """Review: the header's hop is a redirect for robots.txt (`Disallow`) and `max_redirects` too, as a <meta>'s is."""
    public_server.add("/robots.txt", Page(b"User-agent: *\nDisallow: /private/\n", "text/plain"))
    public_server.add("/private/story", Page(PAGE + b"-->"))
    to_private = public_server.add("/go", header_interstitial("/private/story"))
    for n in range(4):
        public_server.add(f"/hop/{n}", header_interstitial(f"/hop/{n + 1}"))
    disallowed = fetch_article(settings(), to_private)
    chained = fetch_article(settings(respect_robots=False, max_redirects=2), public_server.url("/hop/0"))
    assert disallowed.outcome is Outcome.ROBOTS_DISALLOWED, (disallowed.outcome, disallowed.error)
    assert "/private/story" in (disallowed.error or "")
    assert chained.outcome is Outcome.TOO_MANY_REDIRECTS, (chained.outcome, chained.error)


def test_a_feeds_refresh_header_is_not_followed(public_server: LoopbackServer) -> None:
    """Review: only an article page is an interstitial; a feed with a `Refresh` header is the feed."""
    public_server.add("/other.xml", Page(FEED.replace(b"Coded feed", b"Other feed"), "application/rss+xml"))
    feed = public_server.add("/feed.xml", Page(FEED, "application/rss+xml", headers={"Refresh": "0; url=/other.xml"}))
    fetched = fetch_feed(settings(respect_robots=False), feed)
    assert fetched.outcome is Outcome.OK and fetched.final_url == feed and not fetched.redirects
    assert b"Coded feed" in fetched.body
