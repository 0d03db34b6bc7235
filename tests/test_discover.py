"""Feed discovery: advertised links and common paths, against a real loopback site."""

from __future__ import annotations

import asyncio
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsflow import cli
from newsflow.config import FetchSettings
from newsflow.discover import (
    COMMON_PATHS,
    MAX_CANDIDATES,
    MAX_PAGE_LINKS,
    DiscoveredFeed,
    Discovery,
    discover_feeds,
    find_feed_links,
)
from newsflow.fetch import Fetcher
from tests.conftest import write_config
from tests.localserver import LocalServer, Page
from tests.sitefactory import atom_feed, rss_feed

WHEN = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
HOME = """<!DOCTYPE html><html><head><title>The Courier</title>
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="text/html" hreflang="de" href="/de/">
<link rel="alternate" type="application/atom+xml" title="Courier (Atom)" href="news/atom.xml">
<link rel="alternate" type="application/rss+xml" href="/missing.xml">
</head><body><h1>The Courier</h1></body></html>"""


def test_find_feed_links_resolves_relative_links_and_ignores_other_alternates() -> None:
    html = """<head><base href="https://site.example/blog/">
    <link rel="alternate" type="application/rss+xml" href="rss.xml">
    <link rel="Alternate Home" type="application/feed+json; charset=utf-8" href="/feed.json">
    <link rel="alternate" type="application/rss+xml" href="rss.xml">
    <link rel="alternate" type="text/html" href="/fr/">
    <link rel="stylesheet" type="application/rss+xml" href="/not-a-feed">
    <link rel="alternate" type="application/atom+xml" href="javascript:alert(1)"></head>"""
    assert find_feed_links(html, "https://site.example/") == [
        "https://site.example/blog/rss.xml", "https://site.example/feed.json",
    ]


def courier_site(server: LocalServer) -> None:
    server.add("/", Page(HOME.encode()))
    server.add("/news/atom.xml", Page(atom_feed("Courier News", [("A", "/a", WHEN), ("B", "/b", WHEN)]),
                                      "application/atom+xml"))
    server.add("/feed.xml", Page(rss_feed("Courier Headlines", [("C", "/c", WHEN)]), "application/rss+xml"))
    server.add("/rss", Page(b"<html><body>Our RSS feeds: see the list</body></html>"))  # a page, not a feed


def discover(server: LocalServer, url: str) -> Discovery:
    settings = FetchSettings(timeout=5.0, per_host_delay=0.0, per_host_concurrency=8,
                             allowed_networks=("127.0.0.0/8",))

    async def run() -> Discovery:
        async with Fetcher(settings) as fetcher:
            return await discover_feeds(url, fetcher, taken_names=["courier-news"])

    return asyncio.run(run())


def test_discover_finds_the_advertised_feed_and_a_common_path(server: LocalServer) -> None:
    courier_site(server)
    found = list(discover(server, server.url("/")).found)
    assert found == [
        DiscoveredFeed("courier-news-2", server.url("/news/atom.xml"), "Courier News", 2),
        DiscoveredFeed("courier-headlines", server.url("/feed.xml"), "Courier Headlines", 1),
    ]
    assert server.hits("/rss") and server.hits("/missing.xml"), "candidates that are not feeds were tried"


def test_discover_accepts_a_feed_url_directly(server: LocalServer) -> None:
    courier_site(server)
    found = discover(server, server.url("/feed.xml")).found
    assert found[0].url == server.url("/feed.xml")


def test_cli_discover_prints_config_ready_to_paste(
    server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    courier_site(server)
    config_path = write_config(tmp_path, server.base_url, {})
    assert cli.main(["feeds", "discover", server.url("/"), "--config", str(config_path)]) == 0
    pasted = tomllib.loads(capsys.readouterr().out)["feeds"]
    assert [(f["name"], f["url"]) for f in pasted] == [
        ("courier-news", server.url("/news/atom.xml")), ("courier-headlines", server.url("/feed.xml")),
    ]


def test_discover_tries_at_most_the_capped_candidates_of_a_page_with_10000_links(server: LocalServer) -> None:
    links = "".join(f'<link rel="alternate" type="application/rss+xml" href="/f/{n}.xml">' for n in range(10_000))
    server.add("/", Page(f"<html><head>{links}</head><body>many</body></html>".encode()))
    done = discover(server, server.url("/"))
    tried = [path for path in (f"/f/{n}.xml" for n in range(10_000)) if server.hits(path)]
    assert tried == [f"/f/{n}.xml" for n in range(MAX_PAGE_LINKS)]
    assert done.tried == MAX_CANDIDATES == 1 + MAX_PAGE_LINKS + len(COMMON_PATHS)
    assert done.left_out == 10_000 - MAX_PAGE_LINKS and done.found == ()


def test_cli_discover_says_a_loopback_url_was_blocked_not_that_no_feed_was_found(
    server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    courier_site(server)
    config_path = write_config(tmp_path, server.base_url, {}, allowed_networks=[])
    assert cli.main(["feeds", "discover", server.url("/"), "--config", str(config_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "blocked by the SSRF guard" in err and "fetch.allowed_networks" in err
    assert "no feed found" not in err and not server.requests, "nothing was fetched"


def test_cli_discover_lists_advertised_links_the_guard_blocked(
    server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    courier_site(server)
    server.add("/", Page(HOME.replace("/missing.xml", "http://10.0.0.1/feed.xml").encode()))
    config_path = write_config(tmp_path, server.base_url, {})
    assert cli.main(["feeds", "discover", server.url("/"), "--config", str(config_path)]) == 0
    out = capsys.readouterr().out
    assert "# blocked by the SSRF guard: http://10.0.0.1/feed.xml" in out
    assert [f["url"] for f in tomllib.loads(out)["feeds"]] == [server.url("/news/atom.xml"), server.url("/feed.xml")]
