"""Red team 22: the fetch and run side (docs/security.md, "Red team 22").

1. A `Location` in Latin-1 bytes (`/caf\\xe9`) was requested as UTF-8 (`/caf%C3%A9`), another path: the
   page a redirect pointed to was a 404, every run. httpx decodes a whole header block with one
   charset, so one Latin-1 header beside a UTF-8 `Location` also turned the Location into mojibake.
   Now a Location's own bytes are read: UTF-8 as UTF-8, any other byte percent-encoded as it came.
2. A header written `Name : value` (space before the colon), or a header line with no colon, made h11
   refuse the whole response: a `protocol_error` for good, every run, for servers that have always
   answered so; a CRLF a server writes after each body failed every second request on a kept-alive
   connection. Now such heads are read as browsers read them, in responses only, and the connection is
   closed after the answer.
3. A Content-Encoding that names no compression (`UTF-8`, `none`, `8bit`, `text/html`: misconfigured
   servers) was refused as an unknown coding: every page a `parse_error`, parked, every feed backing off.
   Browsers ignore it; so do we. Real codings newsflow cannot undo (`br`) are still refused.
4. A host name whose nameservers do not answer held its lookup (asyncio's default executor) for the
   resolver's whole timeout: 40 such names took every thread, and the run's feed parsing, commits,
   extraction and loads, which run there too, waited for them (a run of 12-15 s took 72 s). Now each
   lookup has a daemon thread of its own (`newsflow.lookups`).
5. A consent page on another host of the site (`consent.` sets `Domain=` the site, then sends the
   reader back to `www.`) was a redirect loop: cookies were kept per exact host, so `www.` never saw it;
   every article parked after 3 runs. Now a `Domain` within the setting host's site is honoured, for
   that fetch's chain only.

Every server is real, on loopback; every warehouse a DuckDB file.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import h11
import pytest

from newsflow.config import load_config
from newsflow.fetch import Fetcher, guarded_transport
from newsflow.headerlines import tolerate_old_response_heads
from newsflow.models import FetchResult, Outcome
from newsflow.runner import run_ingest
from tests.hostile.servers import (
    LoopbackServer,
    fetch_article,
    fetch_feed,
    running_server,
    settings,
    static_resolver,
)
from tests.hostile.test_redteam10 import config_with
from tests.localserver import Handler, Page, send_bytes
from tests.sitefactory import rss_feed
from tests.test_unstoppable import query

PAGE = (b"<!doctype html><html><head><title>Cafe reopens</title></head><body><article><h1>Cafe reopens</h1><p>"
        + b"The cafe on the harbour reopened on Monday after the storm had closed it for a week. " * 20
        + b"</p></article></body></html>")


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    yield from running_server()


def redirect_as_written(location: str, status: int = 302, **extra: str) -> Handler:
    """A redirect whose header values go out as Latin-1 bytes, as `http.server` writes any `str`."""
    def handle(handler: BaseHTTPRequestHandler) -> None:
        send_bytes(handler, status, b"", "text/html", {"Location": location, **extra})
    return handle


def test_a_latin_1_location_is_requested_as_its_bytes_for_an_article_and_a_feed(server: LoopbackServer) -> None:
    """Before: `/caf%C3%A9` and `/fil%C3%A9.xml` requested, 404s. Browsers and curl send `%E9`."""
    server.add("/caf%E9", Page(PAGE, "text/html"))
    server.add("/fil%E9.xml", Page(rss_feed("cafe", [("Cafe", "http://x.test/1", None)]), "application/rss+xml"))
    article = fetch_article(settings(), server.add("/go", redirect_as_written("/caf\xe9")))
    feed = fetch_feed(settings(), server.add("/feed", redirect_as_written("/fil\xe9.xml", 301)))
    assert article.outcome is Outcome.OK, article.error
    assert feed.outcome is Outcome.OK, feed.error
    assert article.final_url == server.url("/caf%E9") and feed.redirects == ((301, server.url("/fil%E9.xml")),)
    assert not server.hits("/caf%C3%A9") and not server.hits("/fil%C3%A9.xml")


def test_a_utf_8_location_beside_a_latin_1_header_is_still_read_as_utf_8(server: LoopbackServer) -> None:
    """One Latin-1 byte in another header (`Server: Caf\\xe9`) made httpx read the whole head as Latin-1:
    the UTF-8 `/новости` became mojibake, requested as a path nobody serves."""
    utf8_path = "/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8"
    server.add(utf8_path, Page(PAGE, "text/html"))
    location = "/новости".encode().decode("latin-1")  # the UTF-8 bytes, written as they are
    result = fetch_article(settings(), server.add("/go", redirect_as_written(location, **{"X-Served-By": "Caf\xe9"})))
    assert result.outcome is Outcome.OK, result.error
    assert result.final_url == server.url("/новости") and len(server.hits(utf8_path)) == 1


def test_a_feed_moved_by_a_latin_1_redirect_keeps_its_entries_coming_and_its_articles_stored(
    tmp_path: Path, server: LoopbackServer
) -> None:
    """The feed answers 301 to `/fil\\xe9.xml`, its item 302s to `/caf\\xe9`; the move is adopted after one
    poll. Before: both 404 (the feed an `http_error` every run, the article never stored). Now every run
    reads the feed, the second at its adopted URL, and the article is stored once."""
    article = server.url("/news/1")
    server.add("/news/1", redirect_as_written("/caf\xe9"))
    server.add("/caf%E9", Page(PAGE, "text/html"))
    server.add("/fil%E9.xml", Page(rss_feed("cafe", [("Cafe reopens", article, None)]), "application/rss+xml"))
    feed = server.add("/feed.xml", redirect_as_written("/fil\xe9.xml", 301))
    config_path = config_with(tmp_path, {"cafe": feed})
    config_path.write_text(config_path.read_text().replace(
        "[polling]", "[polling]\nadopt_redirect_after_polls = 1\nadopt_redirect_after_seconds = 0"))
    for run in ("run-1", "run-2"):
        asyncio.run(run_ingest(load_config(config_path), run, all_feeds=True))
    assert query(config_path, "SELECT outcome FROM polls ORDER BY polled_at") == [("ok",), ("not_modified",)]
    assert query(config_path, "SELECT adopted_url FROM feeds") == [(server.url("/fil%E9.xml"),)]
    assert query(config_path, "SELECT url FROM articles") == [(server.url("/caf%E9"),)]
    assert len(server.hits("/fil%E9.xml")) == 2 and not server.hits("/caf%C3%A9")


class KeptAliveServer:
    """Keeps each connection open and answers every request on it with `answer(path)`'s bytes."""

    def __init__(self, answer: Callable[[str], bytes]) -> None:
        self.answer, self.connections = answer, 0
        self._socket = socket.create_server(("127.0.0.1", 0))
        threading.Thread(target=self._serve, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._socket.getsockname()[1]}{path}"

    def close(self) -> None:
        self._socket.close()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._answer_all, args=(connection,), daemon=True).start()

    def _answer_all(self, connection: socket.socket) -> None:
        with connection:
            pending = b""
            while True:
                while b"\r\n\r\n" not in pending:
                    try:
                        chunk = connection.recv(65_536)
                    except OSError:  # the client reset it: done
                        return
                    if not chunk:
                        return
                    pending += chunk
                head, pending = pending.split(b"\r\n\r\n", 1)
                connection.sendall(self.answer(head.split(b" ")[1].decode()))


def page(title: str) -> bytes:
    return PAGE.replace(b"Cafe reopens", title.encode())


def old_server_answer(path: str) -> bytes:
    """`Content-Type : text/html` and `Content-Length : n`, then, on the same write, a second response
    that a client reusing the connection would read as its next answer."""
    body = page(f"Page {path}")
    smuggled = page("Smuggled")
    return (b"HTTP/1.1 200 OK\r\nContent-Type : text/html\r\nContent-Length \t: " + str(len(body)).encode()
            + b"\r\n\r\n" + body + b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: "
            + str(len(smuggled)).encode() + b"\r\n\r\n" + smuggled)


def fetch_in_turn(urls: list[str], feed: bool = False) -> list[FetchResult]:
    async def go() -> list[FetchResult]:
        async with Fetcher(settings(respect_robots=False)) as fetcher:
            return [await (fetcher.fetch_feed(url) if feed else fetcher.fetch_article(url)) for url in urls]
    return asyncio.run(go())



def assert_three_pages_fetched_in_turn(answer: Callable[[str], bytes]) -> None:
    """/a, /b and /c fetched one after the other on a kept-alive connection: each OK, each its own page."""
    server = KeptAliveServer(answer)
    try:
        results = fetch_in_turn([server.url("/a"), server.url("/b"), server.url("/c")])
    finally:
        server.close()
    assert [r.outcome for r in results] == [Outcome.OK] * 3, [r.error for r in results]
    assert [b"Page /" + p in (r.html or b"") for p, r in zip([b"a", b"b", b"c"], results, strict=True)] == [True] * 3

def test_a_space_before_the_colon_is_read_as_browsers_read_it_and_the_connection_is_not_reused() -> None:
    """Before: `protocol_error` (h11: `illegal header line`), every run. Now both pages are read, each on its
    own connection: the bytes after the first body are never taken for the second page's answer."""
    server = KeptAliveServer(old_server_answer)
    try:
        first, second = fetch_in_turn([server.url("/a"), server.url("/b")])
    finally:
        server.close()
    assert first.outcome is Outcome.OK and second.outcome is Outcome.OK, (first.error, second.error)
    assert b"Page /a" in (first.html or b"") and b"Page /b" in (second.html or b""), "never the smuggled page"
    assert first.headers.get("content-type") == "text/html"
    assert server.connections == 2, "the connection of a tolerated head is closed after its answer"


def test_a_feed_typed_with_a_space_before_the_colon_is_read() -> None:
    feed = rss_feed("old", [("Item", "http://x.test/1", None)])
    answer = (b"HTTP/1.0 200 OK\r\nServer: old-box\r\nContent-Type : application/rss+xml\r\n"
              b"Content-Length : " + str(len(feed)).encode() + b"\r\n\r\n" + feed)
    server = KeptAliveServer(lambda path: answer)
    try:
        [result] = fetch_in_turn([server.url("/feed")], feed=True)
    finally:
        server.close()
    assert result.outcome is Outcome.OK, result.error
    assert result.body == feed


def test_a_header_line_with_no_colon_is_skipped_as_browsers_skip_it() -> None:
    """`X-Powered-By` alone on its line: before, `protocol_error` (`illegal header line`) for every page."""
    body = page("No colon")
    answer = (b"HTTP/1.1 200 OK\r\nX-Powered-By\r\nContent-Type: text/html\r\nX-Folded: a\r\n b\r\n"
              b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    server = KeptAliveServer(lambda path: answer)
    try:
        [result] = fetch_in_turn([server.url("/x")])
    finally:
        server.close()
    assert result.outcome is Outcome.OK, result.error
    assert result.html == body and result.headers.get("x-folded") == "a b", "a folded line is still unfolded"


def test_a_crlf_after_each_body_fails_no_request_on_a_kept_alive_connection() -> None:
    """The server writes `\\r\\n` past each body's `Content-Length`. Before: the next request on that
    connection read it as the start of its answer, `no response line received`: every second page of
    the host a `protocol_error`, each run. Now the empty line is skipped and all three pages are read."""
    def answer(path: str) -> bytes:
        body = page(f"Page {path}")
        return (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: " + str(len(body)).encode()
                + b"\r\n\r\n" + body + b"\r\n")
    assert_three_pages_fetched_in_turn(answer)


def test_bytes_past_a_short_content_length_are_not_taken_for_the_next_answer() -> None:
    """The server counts `Content-Length` in characters and writes UTF-8 (`é` is 2 bytes): 20 bytes of each
    body come after the length it declared. Before: the next request on that kept-alive connection read them
    as its answer, `illegal status line`, every second page a `protocol_error`, each run. Now a reused
    connection whose first bytes are no status line is left, and the request sent again on a new one."""
    def answer(path: str) -> bytes:
        body = page(f"Page {path}").replace(b"</p>", "é".encode() * 20 + b"</p>")
        return (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: " + str(len(body) - 20).encode()
                + b"\r\n\r\n" + body)
    assert_three_pages_fetched_in_turn(answer)


@pytest.mark.parametrize("line", [b"Content-Type : text/html\x00", b"Bad Name : x", b" : x", b"X-A :\rX-B: y"])
def test_what_is_still_refused_in_a_response_head(line: bytes) -> None:
    """Only space before a token's colon is forgiven: a NUL, a name that is no token, a lone CR are still
    a `protocol_error`."""
    answer = b"HTTP/1.1 200 OK\r\n" + line + b"\r\nContent-Length: 4\r\n\r\nbody"
    server = KeptAliveServer(lambda path: answer)
    try:
        [result] = fetch_in_turn([server.url("/x")])
    finally:
        server.close()
    assert result.outcome is Outcome.PROTOCOL_ERROR, result.error


def test_a_request_with_a_space_before_the_colon_is_still_refused_by_an_h11_server() -> None:
    """Request smuggling lives on the server side: a server in this process (Prefect's uvicorn reads with
    h11) still refuses `Host : x` in a request after the fetcher's tolerance is in place."""
    tolerate_old_response_heads()
    server = h11.Connection(h11.SERVER)
    server.receive_data(b"GET / HTTP/1.1\r\nHost : example.org\r\nContent-Length : 0\r\n\r\n")
    with pytest.raises(h11.RemoteProtocolError):
        server.next_event()


@pytest.mark.parametrize("coding", [b"UTF-8", b"none", b"8bit", b"binary", b"text/html", b"iso-8859-1"])
def test_a_content_encoding_that_names_no_compression_is_ignored(coding: bytes) -> None:
    feed = rss_feed("plain", [("Item", "http://x.test/1", None)])
    def answer(path: str) -> bytes:
        body, kind = (feed, b"application/rss+xml") if path == "/feed" else (PAGE, b"text/html")
        return (b"HTTP/1.1 200 OK\r\nContent-Type: " + kind + b"\r\nContent-Encoding: " + coding
                + b"\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    server = KeptAliveServer(answer)
    try:
        [article] = fetch_in_turn([server.url("/article")])
        [polled] = fetch_in_turn([server.url("/feed")], feed=True)
    finally:
        server.close()
    assert article.outcome is Outcome.OK and article.html == PAGE, article.error
    assert polled.outcome is Outcome.OK and polled.body == feed, polled.error


@pytest.mark.parametrize("coding", [b"br", b"zstd", b"compress", b"bzip2", b"x-bzip2"])
def test_a_compression_newsflow_cannot_undo_is_still_refused(coding: bytes) -> None:
    answer = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: " + coding
              + b"\r\nContent-Length: 10\r\n\r\n\x1b\x00\x00garbage")
    server = KeptAliveServer(lambda path: answer)
    try:
        [result] = fetch_in_turn([server.url("/x")])
    finally:
        server.close()
    assert result.outcome is Outcome.PARSE_ERROR and "cannot decode" in (result.error or ""), result.error


@pytest.fixture
def hanging_nameservers(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The OS resolver, as it is when a name's nameservers do not answer: getaddrinfo for `*.hang.test`
    blocks (until the test ends) where a real one would for its 10-30 s timeout. Names asked are listed."""
    release, asked, real = threading.Event(), [], socket.getaddrinfo

    def getaddrinfo(host: str, *args: object, **kwargs: object) -> object:
        if str(host).endswith(".hang.test"):
            asked.append(str(host))
            release.wait(120)
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield asked
    release.set()


def test_names_whose_lookups_hang_hold_no_thread_the_run_needs(hanging_nameservers: list[str]) -> None:
    """40 feeds on dead names (each polled twice), then the work a run hands to threads (a feed's parse, a
    load). Before: that work waited for the lookups (6 default threads on 2 cores, 36 at most): the run
    stalled as long as they hung. Now it runs at once, and each name is looked up once while it hangs."""
    urls = [f"http://site{n}.hang.test/feed.xml" for n in range(40)]

    async def go() -> tuple[list[FetchResult], float]:
        async with Fetcher(settings(timeout=0.5, block_private_networks=False)) as fetcher:
            polls = list(await asyncio.gather(*(fetcher.fetch_feed(url) for url in urls + urls)))
            started = time.monotonic()
            await asyncio.wait_for(asyncio.to_thread(sum, [1, 2]), timeout=10)  # a parse, a load
            return polls, time.monotonic() - started

    polls, waited = asyncio.run(go())
    assert waited < 5.0, f"the run's threaded work waited {waited:.1f} s for hung lookups"
    assert {p.outcome for p in polls} <= {Outcome.TIMEOUT, Outcome.CONNECT_ERROR}, {p.error for p in polls}
    assert sorted(hanging_nameservers) == sorted(f"site{n}.hang.test" for n in range(40)), "one lookup a name"


def consent_wall(domain: str) -> Handler:
    """`www.rt22.test` serves its article only to a reader with the consent cookie, and sends others to
    `consent.rt22.test`, which sets it (`Domain=<domain>`) and sends them back."""
    def handle(handler: BaseHTTPRequestHandler) -> None:
        host, port = handler.headers.get("Host", "").rsplit(":", 1)
        if host == "consent.rt22.test":
            send_bytes(handler, 302, b"", "text/html", {
                "Set-Cookie": f"consent=yes; Path=/; Domain={domain}; SameSite=Lax",
                "Location": f"http://www.rt22.test:{port}/news/1"})
        elif "consent=yes" in handler.headers.get("Cookie", ""):
            send_bytes(handler, 200, PAGE, "text/html")
        else:
            send_bytes(handler, 302, b"", "text/html", {"Location": f"http://consent.rt22.test:{port}/ask"})
    return handle


@pytest.mark.parametrize(("domain", "stored"), [
    ("rt22.test", True), (".rt22.test", True),  # the site: honoured
    ("test", False), ("other.test", False), ("www.rt22.test", False),  # above the site, another, not above the setter
])
def test_a_consent_cookie_set_for_the_site_on_another_of_its_hosts_is_sent_back(
    server: LoopbackServer, domain: str, stored: bool
) -> None:
    """Before: `redirect_loop` for every `Domain` (the article parked after 3 runs). Now the site's own
    `Domain` reaches `www.`; one above the site (`test`), another site's or one not above the host that set
    it is ignored, and the loop is still told."""
    server.add("/news/1", consent_wall(domain))
    server.add("/ask", consent_wall(domain))
    fetch = settings(respect_robots=False)
    url = f"http://www.rt22.test:{server.port}/news/1"
    result = fetch_article(fetch, url, transport=guarded_transport(fetch, resolver=static_resolver("127.0.0.1")))
    if stored:
        assert result.outcome is Outcome.OK and result.html == PAGE, result.error
    else:
        assert result.outcome is Outcome.REDIRECT_LOOP, result.error
