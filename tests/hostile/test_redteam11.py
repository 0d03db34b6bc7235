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

import asyncio
import gzip
import logging
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from newsflow import warehouse
from newsflow.config import load_config
from newsflow.feeds import parse_feed
from newsflow.fetch import Fetcher
from newsflow.models import FeedConfig, FeedEntry, FetchResult, Outcome
from newsflow.runner import run_ingest
from newsflow.warehouse import Warehouse
from tests.conftest import write_config
from tests.hostile.keepalive import Act, KeepAliveServer, Seen
from tests.hostile.rawserver import RawServer, response, running_raw_server
from tests.hostile.servers import LoopbackServer, fetch_article, fetch_feed, redirect, run, settings
from tests.hostile.test_redteam6 import add_feed
from tests.hostile.test_redteam10 import config_with, serve_feed
from tests.localserver import Handler, LocalServer, Page, send_bytes
from tests.test_unstoppable import add_settings, query

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


# --- 3. two configured feeds redirecting onto each other --------------------------------------


def test_two_feeds_redirecting_onto_each_other_are_a_redirect_loop_named_once(
    tmp_path: Path, server: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    """`a` answers 301 to `b`'s URL and `b` 301 to `a`'s, both configured. Before: each poll stopped
    at the redirect as `not_modified`, so both looked healthy to the schedule and were never seen
    failing, and every run warned twice, telling the user to remove `a` (for `b`) and `b` (for `a`):
    removing either left the other a plain `redirect_loop`. Now both are `redirect_loop` (soft: they
    back off), the loop is named in one warning when it appears and not again while it lasts, and a
    healthy feed beside them is unaffected."""
    add_feed(server, "c", 2)
    server.add("/a.xml", redirect("/b.xml", status=301))
    server.add("/b.xml", redirect("/a.xml", status=301))
    config_path = write_config(tmp_path, server.base_url, {"a": "/a.xml", "b": "/b.xml", "c": "/c.xml"},
                               extract={"workers": 1})
    caplog.set_level(logging.INFO, "newsflow.polls")
    for n in range(2):
        summary = asyncio.run(run_ingest(load_config(config_path), f"run-{n}", all_feeds=True))
        assert summary.status == "completed"
    assert len(server.hits("/a.xml")) == 2 and len(server.hits("/b.xml")) == 2, "one request a feed a run"
    assert query(config_path, "SELECT feed_id, last_outcome, last_status, consecutive_failures FROM feeds "
                              "ORDER BY 1") == [("a", "redirect_loop", "soft", 2), ("b", "redirect_loop", "soft", 2),
                                                ("c", "not_modified", "not_modified", 0)]
    assert query(config_path, "SELECT DISTINCT error FROM fetch_events WHERE feed_id = 'b'") == [
        (f"GET {server.url('/b.xml')}: redirect loop through configured feeds (a -> b -> a); no feed at this URL",)]
    assert query(config_path, "SELECT count(*) FROM articles") == [(2,)]
    said = [(r.levelno, r.getMessage()) for r in caplog.records if "redirect" in r.getMessage()]
    loop = ("feeds a and b redirect onto each other's URLs in a loop (a -> b -> a): none of them serves a feed; "
            "each is recorded redirect_loop and backs off: tell the publisher, or remove them from the config")
    assert said == [(logging.WARNING, loop), (logging.INFO, loop)], said


# --- 4. one host that hangs must not starve the others' articles -----------------------------


def hanging_host(release: threading.Event, paths: list[str]) -> LocalServer:
    """127.0.0.2: reads every request (robots.txt and pages alike) and answers none until released."""
    hang = LocalServer("127.0.0.2")

    def handle(handler: BaseHTTPRequestHandler) -> None:
        release.wait(30)

    for path in ["/robots.txt", *paths]:
        hang.add(path, handle)
    return hang


def test_one_feed_linking_many_pages_on_a_hanging_host_does_not_starve_the_other_feeds_articles(
    tmp_path: Path, server: LocalServer
) -> None:
    """Feed `x` lists 30 pages on a host that accepts and never answers (a HEAD-style health check
    would pass it: it accepts); feed `y`, polled a moment later, 3 pages on a healthy host. Articles
    were fetched oldest first, so every batch of the run was `x`'s, each page its whole deadline at
    one request at a time on that host, and the run's budget ran out before `y`'s first page: `y`
    silenced for as many runs as `x` had pages to time out (3 attempts each), for ever while `x`
    keeps listing new ones. Now the pending articles take turns by host: every host's oldest pages
    come first, and `y`'s are stored on the first run, within its budget."""
    release = threading.Event()
    hang = hanging_host(release, [f"/x/{n}" for n in range(30)])
    try:
        items = "".join(f"<item><title>x {n}</title><link>{hang.url(f'/x/{n}')}</link></item>" for n in range(30))
        server.add("/x.xml", Page(f"<rss version='2.0'><channel><title>x</title>{items}</channel></rss>".encode(),
                                  "application/rss+xml"))
        slow_y = add_feed(server, "y", 3)
        y_feed = server.routes[slow_y]
        assert isinstance(y_feed, Page)

        def y_after_x(handler: BaseHTTPRequestHandler) -> None:
            time.sleep(0.3)  # x's entries are the older ones
            send_bytes(handler, 200, y_feed.body, y_feed.content_type)

        server.add(slow_y, y_after_x)
        config_path = write_config(tmp_path, server.base_url, {"x": "/x.xml", "y": slow_y}, extract={"workers": 1},
                                   timeout=1.0, per_host_concurrency=1)
        add_settings(config_path, "execution", run_budget_seconds=14.0)
        add_settings(config_path, "extract", batch_size=10)
        started = time.monotonic()
        summary = asyncio.run(run_ingest(load_config(config_path), "run-0", all_feeds=True))
        took = time.monotonic() - started
    finally:
        release.set()
        hang.close()
    assert summary.status == "completed" and took < 14.0 + 5.0, took
    assert query(config_path, "SELECT feed_id, count(*) FROM entries GROUP BY 1 ORDER BY 1") == [("x", 30), ("y", 3)]
    assert query(config_path, "SELECT count(*) FROM articles") == [(3,)], "y's pages are stored on the first run"


def test_a_gzip_body_of_several_members_is_read_whole(raw: RawServer) -> None:
    """RFC 1952 lets a gzip body be several members one after another (a server that compresses
    each chunk it flushes). zlib stops after the first: before, the page was its first member only,
    cut without a word. Bytes after the last member that start no other are still ignored."""
    half = len(PAGE) // 2
    body = gzip.compress(PAGE[:half]) + gzip.compress(PAGE[half:]) + b"\0\0junk"
    raw.answer = lambda path: response(b"HTTP/1.1 200 OK", [
        (b"Content-Type", b"text/html"), (b"Content-Encoding", b"gzip"), (b"Content-Length", str(len(body)).encode())],
        body)
    result = fetch_article(settings(respect_robots=False), raw.url("/x"))
    assert result.outcome is Outcome.OK and result.html == PAGE, result.error


# --- 5. a feed of 50,000 entries, one of them unclosed -------------------------------------------


def test_a_feed_of_50000_items_with_one_unclosed_costs_what_200_do() -> None:
    """Before: `feedprep.keep_newest_items` took an item with no end tag for "not a plain list" and
    left all 50,000 to feedparser, 16 s of a parser's CPU every poll (past `extract.timeout` on a
    busy machine: the feed was never ingested). Now the unclosed item ends where the next starts."""
    items = [f"<item><title>Item {n}</title><link>https://big.example/a/{n}</link><guid>g{n}</guid>"
             f"<pubDate>Mon, 30 Nov 2026 {n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d} +0000</pubDate></item>"
             for n in range(50_000)]
    items[7] = items[7].replace("</item>", "")
    body = ('<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>' + "".join(items)
            + "</channel></rss>").encode()
    started = time.process_time()
    parsed = parse_feed(body, feed_id="big", feed_url="https://big.example/feed", max_entries=200)
    assert time.process_time() - started < 4.0, "16 s before"
    assert len(parsed.entries) == 200
    assert {e.key for e in parsed.entries} == {f"g{n}" for n in range(50_000 - 200, 50_000)}, "the newest 200"


def test_items_quoted_in_cdata_or_a_comment_are_not_cut_as_items() -> None:
    """Control for the cut: `<item>` written inside a CDATA section or a comment is text, not an item."""
    quoted = "<item>x</item>" * 1500
    body = ('<rss version="2.0"><channel><!-- ' + quoted + ' --><item><title>a</title><link>https://a.example/1</link>'
            '<description><![CDATA[' + quoted + ']]></description></item></channel></rss>').encode()
    parsed = parse_feed(body, feed_id="q", feed_url="https://a.example/feed", max_entries=200)
    assert [e.url for e in parsed.entries] == ["https://a.example/1"]


# --- 6. a captive portal that redirects every plain-http request to its login page ----------------

LOGIN = (b"<!doctype html><html><head><title>Hotel WiFi</title></head><body><h1>Welcome to Hotel WiFi</h1>"
         b"<p>Please accept the terms of use to connect to the internet. Your room number and last name are "
         b"needed to log in. Access is free for guests for 24 hours, after which you must log in again.</p>"
         b"<form><input name=room><input name=name><button>Connect</button></form></body></html>")


def test_a_captive_portal_redirecting_every_request_to_its_login_page_loses_no_article(tmp_path: Path) -> None:
    """A hotel's network answers every plain-http request, for any site, with 302 to its own login
    page. Before: each feed was a `parse_error` ("an HTML page, not a feed") and backed off, and
    every pending article was fetched, landed on the login page, and was stored with its text
    ("Welcome to Hotel WiFi") for good: 8 of 8 lost. Now feeds of 3 sites or more sent to one page
    on another site are an outage (no feed penalised, no article tried), and articles sent so in a
    run that polled no feed are left pending, as are articles of 3 sites or more served that one
    page byte for byte at their own URLs (a portal that does not redirect); once the network is
    back, all 8 are stored whole."""
    hosts = [f"127.0.0.{n}" for n in range(2, 6)]
    servers = {host: LoopbackServer(host) for host in hosts}
    portal = LoopbackServer("127.0.0.9")
    portal.add("/login", Page(LOGIN))
    try:
        feeds = {f"feed-{n}": serve_feed(servers[host], f"feed-{n}", range(2 * n, 2 * n + 2))
                 for n, host in enumerate(hosts)}
        pages = {host: dict(server.routes) for host, server in servers.items()}

        def serve(how: Callable[[str, Page | Handler], Page | Handler]) -> None:
            for host, server in servers.items():
                for path, route in pages[host].items():
                    server.add(path, how(path, route))

        config_path = config_with(tmp_path, feeds)  # min_interval 600: a feed polled is not due again here
        config = load_config(config_path)
        serve(lambda path, route: Page(b"busy", status=503) if "/a/" in path else route)
        asyncio.run(run_ingest(config, "run-0", all_feeds=True))  # entries in, every article pending
        to_login = Page(b"", status=302, headers={"Location": portal.url("/login")})
        serve(lambda path, route: to_login)
        asyncio.run(run_ingest(config, "run-1", all_feeds=True))  # the portal, feeds polled
        assert query(config_path, "SELECT network_outage FROM runs ORDER BY started_at") == [(False,), (True,)]
        assert query(config_path, "SELECT max(consecutive_failures) FROM feeds") == [(0,)], "no feed penalised"
        logins = len(portal.hits("/login"))
        asyncio.run(run_ingest(config, "run-2", all_feeds=False))  # the portal, no feed due: articles only
        assert query(config_path, "SELECT count(*) FROM polls") == [(8,)], "no feed was due in run 2"
        assert len(portal.hits("/login")) - logins >= 8, "every article was fetched, and landed on the login page"
        assert query(config_path, "SELECT articles_deferred FROM runs ORDER BY started_at DESC LIMIT 1") == [(8,)]
        serve(lambda path, route: Page(LOGIN))  # a portal that serves its page at every URL, no redirect
        asyncio.run(run_ingest(config, "run-3", all_feeds=False))
        assert query(config_path, "SELECT articles_deferred FROM runs ORDER BY started_at DESC LIMIT 1") == [(8,)]
        assert query(config_path, "SELECT count(*), count(article_id), count(parked_at) FROM entries") == [(8, 0, 0)]
        assert query(config_path, "SELECT count(*), count(article_id), count(parked_at) FROM entries") == [(8, 0, 0)]
        serve(lambda path, route: route)  # the network is back
        asyncio.run(run_ingest(config, "run-4", all_feeds=False))
    finally:
        for server in [*servers.values(), portal]:
            server.close()
    assert query(config_path, "SELECT count(*), count(article_id), count(parked_at) FROM entries") == [(8, 8, 0)]
    assert query(config_path, "SELECT count(*) FROM articles WHERE text LIKE '%Hotel WiFi%'") == [(0,)]


def test_pending_articles_take_turns_by_host_then_by_feed_within_a_host(tmp_path: Path) -> None:
    """The order the batches are cut from: every host's oldest page first, then every host's second;
    within a host, the feeds linking it take turns too, so one feed listing hundreds of a big site's
    pages does not hold back another feed's pages there. Oldest first, the hang test above starved."""
    store = Warehouse(tmp_path / "w" / "news.duckdb")
    start = datetime(2026, 12, 1, tzinfo=UTC)
    with store.writing() as con:
        warehouse.sync_feeds(con, [FeedConfig(name, f"https://{name}.example/feed") for name in ("x", "y", "z")])
        warehouse.begin_run(con, "r1", start)

    def entries(feed: str, host: str, count: int) -> list[FeedEntry]:
        return [FeedEntry(feed, f"{feed}-{n}", f"https://{host}/{feed}/{n}", f"https://{host}/{feed}/{n}", None, None,
                          None) for n in range(count)]

    with store.writing() as con:  # x first: 4 pages on big.example, then y (2 there) and z (2 on small.example)
        for minute, batch in enumerate([entries("x", "big.example", 4), entries("y", "big.example", 2),
                                        entries("z", "small.example", 2)]):
            warehouse.insert_entries(con, "r1", batch, [start + timedelta(minutes=minute)] * len(batch))
        pending, total = warehouse.pending_entries(con, ["x", "y", "z"])
    assert total == 8
    assert [p.url.removeprefix("https://") for p in pending] == [
        "big.example/x/0", "small.example/z/0", "big.example/y/0", "small.example/z/1", "big.example/x/1",
        "big.example/y/1", "big.example/x/2", "big.example/x/3"]
