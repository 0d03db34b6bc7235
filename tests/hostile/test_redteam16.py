"""Red team 16: hostile web, fetch side (docs/security.md, "Red team 16").

1. A robots.txt that cannot be read (5xx, a timeout, a body cut after `Disallow: /`) allowed all:
   every article of the site was fetched, where RFC 9309 says to assume complete disallow. Now
   nothing of the site is requested that run; each article is a failed attempt (the robots.txt
   fetch's outcome), parked after `max_article_attempts` runs like any other failure. A 4xx still
   allows all.
2. A body gzipped without a Content-Encoding saying so, or gzipped twice (a CDN compressing a
   page the origin had compressed already): the gzip bytes were taken as the page (a feed's
   `parse_error`, an untyped page's `not_html`, a typed page's garbage text). Now up to 2 gzip
   layers in all are undone, each under `max_bytes`; a bomb stays `too_large`.

Every server is real, on loopback; every warehouse a DuckDB file.
"""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsflow.config import load_config
from newsflow.models import Outcome
from newsflow.runner import run_ingest
from tests.hostile.rawserver import RawServer, response, running_raw_server
from tests.hostile.servers import LoopbackServer, drip_body, fetch_article, fetch_feed, gzip_bomb, settings
from tests.hostile.test_redteam10 import config_with, serve_feed
from tests.localserver import Page
from tests.sitefactory import rss_feed
from tests.test_unstoppable import query

HTML = b"<!doctype html><html><head><title>A story</title></head><body><p>" + b"words " * 200 + b"</p></body></html>"


@pytest.fixture
def raw() -> Iterator[RawServer]:
    yield from running_raw_server()


def page_answer(robots: bytes) -> object:
    def answer(path: str) -> bytes:
        if path == "/robots.txt":
            return robots
        return response(b"HTTP/1.1 200 OK", [(b"Content-Type", b"text/html"),
                                              (b"Content-Length", str(len(HTML)).encode())], HTML)
    return answer


# --- 1. robots.txt that cannot be read -------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 503])
def test_a_robots_txt_answering_5xx_has_nothing_of_the_site_requested(server: LoopbackServer, status: int) -> None:
    """Before: allowed all, the article fetched. Now a failed attempt (`http_error`), never requested."""
    server.add("/robots.txt", Page(b"busy", status=status, validators=False))
    url = server.add("/news/1", Page(HTML))
    result = fetch_article(settings(), url)
    assert result.outcome is Outcome.HTTP_ERROR, (result.outcome, result.error)
    assert result.status_code is None, "the article was never answered: no status of its own"
    assert f"robots.txt could not be read (HTTP {status})" in (result.error or "")
    assert server.hits("/news/1") == []


def test_a_robots_txt_that_times_out_has_nothing_of_the_site_requested(server: LoopbackServer) -> None:
    server.add("/robots.txt", drip_body(interval=0.05))
    url = server.add("/news/1", Page(HTML))
    result = fetch_article(settings(timeout=0.5), url)
    assert result.outcome is Outcome.TIMEOUT, (result.outcome, result.error)
    assert "robots.txt could not be read (timeout)" in (result.error or "")
    assert server.hits("/news/1") == []


def test_a_robots_txt_cut_after_a_whole_site_disallow_has_nothing_of_the_site_requested(raw: RawServer) -> None:
    """HTTP/1.0 style, closed after `Disallow: /` with no line break: `/` or `/search` cut? Before:
    that line was dropped and everything allowed. Now the robots.txt is unreadable (`protocol_error`)."""
    raw.answer = page_answer(response(b"HTTP/1.0 200 OK", [(b"Content-Type", b"text/plain")],
                                      b"User-agent: *\nDisallow: /"))
    result = fetch_article(settings(), raw.url("/news/1"))
    assert result.outcome is Outcome.PROTOCOL_ERROR, (result.outcome, result.error)
    assert raw.hits("/news/1") == []


def test_a_missing_robots_txt_still_allows_all(raw: RawServer) -> None:
    raw.answer = page_answer(response(b"HTTP/1.1 404 Not Found", [(b"Content-Length", b"0")]))
    assert fetch_article(settings(), raw.url("/news/1")).outcome is Outcome.OK


def test_articles_behind_an_unreadable_robots_txt_are_parked_after_3_runs_never_fetched(tmp_path: Path) -> None:
    """A feed on one host, its articles on another whose robots.txt answers 503 with no Retry-After.
    Each run counts an attempt for each article; after 3 runs they are parked, none requested."""
    feeds, site = LoopbackServer("127.0.0.2"), LoopbackServer("127.0.0.3")
    try:
        site.add("/robots.txt", Page(b"down", status=503, validators=False))
        links = [(f"story {n}", site.add(f"/a/{n}", Page(HTML)), None) for n in range(3)]
        feed = feeds.add("/feed.xml", Page(rss_feed("wire", links), "application/rss+xml"))
        config = load_config(config_with(tmp_path, {"wire": feed}))
        for run in range(3):
            asyncio.run(run_ingest(config, f"run-{run}", all_feeds=True))
        article_hits = [r for r in site.requests if r.path.startswith("/a/")]
    finally:
        feeds.close()
        site.close()
    assert article_hits == []
    config_path = tmp_path / "newsflow.toml"
    assert query(config_path, "SELECT count(*), count(article_id), count(parked_at), max(fetch_attempts) "
                              "FROM entries") == [(3, 0, 3, 3)]
    [(error,)] = query(config_path, "SELECT last_error FROM entries LIMIT 1")
    assert "robots.txt could not be read (HTTP 503)" in str(error)


def test_a_readable_robots_txt_on_another_site_keeps_its_articles_coming(
    tmp_path: Path, server: LoopbackServer,
) -> None:
    """One site's unreadable robots.txt costs that site only."""
    other = LoopbackServer("127.0.0.4")
    try:
        other.add("/robots.txt", Page(b"down", status=500, validators=False))
        good = serve_feed(server, "good", range(2))
        bad = other.add("/feed.xml", Page(rss_feed("bad", [("s", other.add("/a/1", Page(HTML)), None)]),
                                          "application/rss+xml"))
        config = load_config(config_with(tmp_path, {"good": good, "bad": bad}))
        asyncio.run(run_ingest(config, "run-0", all_feeds=True))
    finally:
        other.close()
    rows = query(tmp_path / "newsflow.toml", "SELECT feed_id, count(article_id) FROM entries "
                                             "GROUP BY 1 ORDER BY 1")
    assert rows == [("bad", 0), ("good", 2)]


# --- 2. undeclared and double gzip -----------------------------------------------------------------


def serve(raw: RawServer, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    raw.answer = lambda path: response(b"HTTP/1.1 200 OK", [*headers, (b"Content-Length", str(len(body)).encode())],
                                       body)


def packed(body: bytes, layers: int) -> bytes:
    for _ in range(layers):
        body = gzip.compress(body, mtime=0)
    return body


@pytest.mark.parametrize(("body", "encoding"), [
    (packed(HTML, 1), None),  # gzip with no Content-Encoding
    (packed(HTML, 2), b"gzip"),  # gzip inside declared gzip
    (packed(HTML, 2), None),  # two undeclared layers
], ids=["undeclared", "double", "undeclared-twice"])
@pytest.mark.parametrize("content_type", [b"text/html", None], ids=["typed", "untyped"])
def test_an_undeclared_or_double_gzip_page_is_unpacked(
    raw: RawServer, body: bytes, encoding: bytes | None, content_type: bytes | None,
) -> None:
    headers = [(b"Content-Type", content_type)] if content_type else []
    serve(raw, body, headers + ([(b"Content-Encoding", encoding)] if encoding else []))
    result = fetch_article(settings(respect_robots=False), raw.url("/x"))
    assert result.outcome is Outcome.OK, (result.outcome, result.error)
    assert result.html == HTML


def test_an_undeclared_gzip_feed_is_unpacked(raw: RawServer) -> None:
    feed = rss_feed("wire", [("story", "http://example.com/a/1", None)])
    serve(raw, packed(feed, 1), [(b"Content-Type", b"application/rss+xml")])
    result = fetch_feed(settings(), raw.url("/feed"))
    assert result.outcome is Outcome.OK and result.body == feed


def test_gzip_three_layers_deep_is_not_unpacked_past_two(raw: RawServer) -> None:
    serve(raw, packed(HTML, 3), [(b"Content-Type", b"text/html")])
    result = fetch_article(settings(respect_robots=False), raw.url("/x"))
    assert result.outcome is Outcome.PARSE_ERROR, (result.outcome, result.error)
    assert "gzip" in (result.error or "")


@pytest.mark.parametrize("layers", [1, 2])
def test_an_undeclared_gzip_bomb_stays_bounded(raw: RawServer, layers: int) -> None:
    """A 1 MB cap: 50 MB of zeros packed once or twice, undeclared, is `too_large`, not unpacked whole."""
    body = gzip_bomb(50_000_000) if layers == 1 else packed(gzip_bomb(50_000_000), 1)
    serve(raw, body, [(b"Content-Type", b"text/html")])
    result = fetch_article(settings(respect_robots=False, max_bytes=1_000_000), raw.url("/x"))
    assert result.outcome is Outcome.TOO_LARGE, (result.outcome, result.error)
