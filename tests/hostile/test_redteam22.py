"""Red team 22: the fetch and run side (docs/security.md, "Red team 22").

1. A `Location` in Latin-1 bytes (`/caf\\xe9`) was requested as UTF-8 (`/caf%C3%A9`), another path: the
   page a redirect pointed to was a 404, every run. httpx decodes a whole header block with one
   charset, so one Latin-1 header beside a UTF-8 `Location` also turned the Location into mojibake.
   Now a Location's own bytes are read: UTF-8 as UTF-8, any other byte percent-encoded as it came.

Every server is real, on loopback; every warehouse a DuckDB file.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from newsflow.config import load_config
from newsflow.models import Outcome
from newsflow.runner import run_ingest
from tests.hostile.servers import LoopbackServer, fetch_article, fetch_feed, running_server, settings
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
