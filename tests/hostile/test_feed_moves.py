"""Feeds that move (red team 5): a permanent redirect that is stable is adopted, and only that.

Before, a feed answering 301 was followed on every poll and its new URL never adopted: one request
more each time, and the feed lost the day its old host stopped redirecting. Now a chain of
permanent redirects (301, 308) seen on `polling.adopt_redirect_after_polls` consecutive polls,
to the same target, which served a valid feed, is polled directly (`feeds.adopted_url`); the
config URL stays the feed's identity, and the feed falls back to it when the new URL fails.
Policy: newsflow/feedmoves.py; unit tests: tests/test_feedmoves.py.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from newsflow.config import Config, load_config
from newsflow.runner import RunSummary, run_ingest
from newsflow.warehouse import Warehouse, feed_health, run_read_query
from tests.conftest import write_config
from tests.hostile.servers import redirect
from tests.localserver import LocalServer, Page
from tests.sitefactory import rss_feed

pytestmark = pytest.mark.timeout(120)
ADOPT_AFTER = 2


def moving_config(tmp_path: Path, server: LocalServer, path: str = "/old.xml", polls: int = ADOPT_AFTER) -> Path:
    config_path = write_config(tmp_path, server.base_url, {"courier": path})
    return adopting_after(config_path, polls)


def adopting_after(config_path: Path, polls: int) -> Path:
    text = config_path.read_text().replace(
        "min_interval = 0", f"min_interval = 0\nadopt_redirect_after_polls = {polls}\nadopt_redirect_after_seconds = 0")
    config_path.write_text(text)
    return config_path


def serve_feed(server: LocalServer, path: str, title: str = "Courier") -> None:
    """A valid feed with no items: the moves are about polls, and no article is fetched."""
    server.add(path, Page(rss_feed(title, []), "application/rss+xml"))


def poll(config_path: Path, run_id: str) -> RunSummary:
    return asyncio.run(run_ingest(load_config(config_path), run_id, all_feeds=True))


def feed_row(config: Config) -> tuple[object, ...]:
    sql = "SELECT url, adopted_url, redirect_url, redirect_polls, last_status FROM feeds"
    (row,) = run_read_query(Warehouse(config.warehouse_path), sql).rows
    return row


def test_a_stable_permanent_redirect_is_adopted_and_the_old_url_no_longer_requested(
    tmp_path: Path, server: LocalServer
) -> None:
    config_path = moving_config(tmp_path, server)
    config = load_config(config_path)
    server.add("/old.xml", redirect("/new.xml", status=301))
    serve_feed(server, "/new.xml")
    for n in range(ADOPT_AFTER - 1):
        poll(config_path, f"watch-{n}")
    assert feed_row(config) == (server.url("/old.xml"), None, server.url("/new.xml"), 1, "ok")

    poll(config_path, "adopt")  # a 304 through the redirect counts: the feed is the one parsed before
    assert feed_row(config) == (server.url("/old.xml"), server.url("/new.xml"), None, 0, "not_modified")
    assert len(server.hits("/old.xml")) == ADOPT_AFTER

    summary = poll(config_path, "moved")
    assert (summary.counts.feeds_polled, summary.counts.feeds_failed) == (1, 0)
    assert len(server.hits("/old.xml")) == ADOPT_AFTER, "the old URL is requested no more"
    assert server.hits("/new.xml")[-1].headers.get("if-none-match"), "the new URL's validators are kept"
    health = feed_health(Warehouse(config.warehouse_path), ["courier"])
    assert dict(zip(health.columns, health.rows[0], strict=True))["adopted_url"] == server.url("/new.xml")


def test_only_a_chain_of_permanent_redirects_to_a_valid_feed_is_ever_adopted(
    tmp_path: Path, server: LocalServer
) -> None:
    """Each feed is polled twice with adoption after one poll: none of these redirects is adopted,
    and every old URL is requested on both polls."""
    for status in (302, 303, 307):  # temporary
        server.add(f"/t{status}.xml", redirect("/new.xml", status=status))
    server.add("/chain.xml", redirect("/middle.xml", status=301))  # permanent, then temporary
    server.add("/middle.xml", redirect("/new.xml", status=302))
    server.add("/home.xml", redirect("/", status=301))  # the new site's home page: HTML, not a feed
    server.add("/", Page(b"<html><body><h1>Welcome to our new site</h1></body></html>"))
    server.add("/private.xml", redirect("http://10.0.0.7/feed.xml", status=301))  # a network the netguard forbids
    server.add("/loop.xml", redirect("/loop-back.xml", status=301))
    server.add("/loop-back.xml", redirect("/loop.xml", status=308))
    server.add("/https.xml", redirect("https://127.0.0.1:1/feed.xml", status=301))  # nothing listens there
    serve_feed(server, "/new.xml")
    feeds = {"t302": "/t302.xml", "t303": "/t303.xml", "t307": "/t307.xml", "chain": "/chain.xml",
             "home": "/home.xml", "private": "/private.xml", "loop": "/loop.xml", "https": "/https.xml"}
    config_path = adopting_after(write_config(tmp_path, server.base_url, feeds), 1)
    poll(config_path, "first")
    poll(config_path, "second")
    config = load_config(config_path)
    rows = run_read_query(Warehouse(config.warehouse_path),
                          "SELECT feed_id, adopted_url, redirect_url, last_outcome FROM feeds ORDER BY feed_id").rows
    assert {feed: (adopted, watched) for feed, adopted, watched, _ in rows} == {feed: (None, None) for feed in feeds}
    outcomes = {feed: outcome for feed, _, _, outcome in rows}
    assert outcomes == {"t302": "not_modified", "t303": "not_modified", "t307": "not_modified",
                        "chain": "not_modified", "home": "parse_error", "private": "blocked",
                        "loop": "redirect_loop", "https": "connect_error"}
    assert all(len(server.hits(path)) == 2 for path in feeds.values())


def test_an_adopted_url_that_fails_falls_back_to_the_config_url_in_the_same_poll(
    tmp_path: Path, server: LocalServer
) -> None:
    """The new home dies (here: its domain now serves a parking page); the old URL serves the feed
    again. The same poll fetches the config URL, without the new server's validators, and stores what
    it lists; the feed counts no failure."""
    config_path = moving_config(tmp_path, server, polls=1)
    server.add("/old.xml", redirect("/new.xml", status=301))
    serve_feed(server, "/new.xml")
    poll(config_path, "adopt")
    config = load_config(config_path)
    assert feed_row(config)[1] == server.url("/new.xml")

    server.add("/new.xml", Page(b"<html><body>This domain is for sale</body></html>"))
    serve_feed(server, "/old.xml", title="Courier, home again")
    summary = poll(config_path, "fallback")
    assert (summary.counts.feeds_polled, summary.counts.feeds_failed) == (1, 0)
    assert feed_row(config) == (server.url("/old.xml"), None, None, 0, "ok")
    assert "if-none-match" not in server.hits("/old.xml")[-1].headers
    events = run_read_query(Warehouse(config.warehouse_path),
                            "SELECT url, outcome FROM fetch_events WHERE run_id = 'fallback' ORDER BY url").rows
    assert events == [(server.url("/new.xml"), "parse_error"), (server.url("/old.xml"), "ok")], "both logged"

    poll(config_path, "home")
    assert server.hits("/old.xml")[-1].headers.get("if-none-match"), "the config URL's own validators are used"


def test_changing_the_config_url_drops_the_adopted_one(tmp_path: Path, server: LocalServer) -> None:
    config_path = moving_config(tmp_path, server, polls=1)
    server.add("/old.xml", redirect("/new.xml", status=301))
    serve_feed(server, "/new.xml")
    poll(config_path, "adopt")
    serve_feed(server, "/chosen.xml")
    config_path.write_text(config_path.read_text().replace("/old.xml", "/chosen.xml"))
    poll(config_path, "chosen")
    assert feed_row(load_config(config_path)) == (server.url("/chosen.xml"), None, None, 0, "ok")
    assert len(server.hits("/chosen.xml")) == 1
