"""Red team 10: two ways feeds still went silent or lost entries (docs/security.md, "Left by red team 9").

1. A network that accepts connections and never answers (a captive portal or firewall that
   blackholes, a proxy that hangs) timed every feed out, which did not count as an outage, so every
   feed backed off and was silenced for hours after the network came back. A `timeout` on a
   connection that sent back not one byte now counts, from feeds not failing already and from at
   least `polling.OUTAGE_MIN_HOSTS` hosts (docs/polling.md, "Network outages").
2. The pending entries of a feed renamed in the config (same URL), or removed and added back under
   another name, were never fetched. Its URL is its identity: its row and entries follow the new
   name (newsflow.warehouse.renames), and `newsflow feeds` names a removed feed's pending entries.

Every server is real, on loopback addresses 127.0.0.2-6 (one host each); every warehouse a DuckDB file.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from newsflow import cli
from newsflow.config import load_config
from newsflow.models import Outcome
from newsflow.runner import run_ingest
from newsflow.warehouse import Warehouse, run_read_query
from tests.conftest import write_config
from tests.hostile.rawserver import RawServer
from tests.hostile.servers import LoopbackServer, fetch_feed, settings
from tests.localserver import Page, send_bytes
from tests.sitefactory import Site, generated_story, rss_feed

RSS = "application/rss+xml"
HOSTS = [f"127.0.0.{n}" for n in range(2, 7)]


def query(config_path: Path, sql: str) -> list[tuple[object, ...]]:
    return run_read_query(Warehouse(load_config(config_path).warehouse_path), sql).rows


@pytest.fixture
def network_back() -> Iterator[threading.Event]:
    """Clear while the network swallows answers; set when it is back (and when the test ends, so
    that every handler still holding a connection returns)."""
    event = threading.Event()
    yield event
    event.set()


@pytest.fixture
def servers() -> Iterator[dict[str, LoopbackServer]]:
    running = {host: LoopbackServer(host) for host in HOSTS}
    try:
        yield running
    finally:
        for server in running.values():
            server.close()


def swallowed_until(back: threading.Event, route: Page) -> Callable[[BaseHTTPRequestHandler], None]:
    """The route once `back` is set; before, the request is read and nothing is ever sent back."""
    def handle(handler: BaseHTTPRequestHandler) -> None:
        if not back.is_set():
            back.wait(30)
            return  # the client gave up at its deadline long ago
        send_bytes(handler, 200, route.body, route.content_type)

    return handle


def serve_feed(server: LoopbackServer, name: str, stories: range, back: threading.Event | None = None) -> str:
    site, items = Site(name), []
    for story in (generated_story(n) for n in stories):
        path = f"/{name}/a/{story.slug}"
        server.add(path, Page(site.article_page(story)))
        items.append((story.title, path, story.published))
    feed = Page(rss_feed(name, items), RSS)
    return server.add(f"/{name}/feed.xml", feed if back is None else swallowed_until(back, feed))


def config_with(tmp_path: Path, feeds: dict[str, str], **fetch: object) -> Path:
    config_path = write_config(tmp_path, "", feeds, **fetch)
    config_path.write_text(config_path.read_text().replace("min_interval = 0", "min_interval = 600"))
    return config_path


def test_a_connection_that_sends_nothing_back_is_unanswered_and_one_that_sent_a_byte_is_not() -> None:
    silent = RawServer(lambda path: [(b"", 5.0)])  # reads the request, sends nothing, holds the connection
    dripping = RawServer(lambda path: [(b"HTTP/1.1 200 OK\r\n", 5.0)])  # a status line, then nothing more
    try:
        nothing = fetch_feed(settings(timeout=0.5), silent.url("/feed"))
        no_handshake = fetch_feed(settings(timeout=0.5), silent.url("/feed").replace("http:", "https:"))
        started = fetch_feed(settings(timeout=0.5), dripping.url("/feed"))
    finally:
        silent.close()
        dripping.close()
    assert nothing.outcome is Outcome.TIMEOUT and nothing.unanswered
    assert no_handshake.outcome is Outcome.TIMEOUT and no_handshake.unanswered, "a TLS hello never answered"
    assert "not one byte came back" in (nothing.error or "")
    assert started.outcome is Outcome.TIMEOUT and not started.unanswered, "a server that began to answer is slow"


def test_a_network_that_accepts_and_never_answers_is_an_outage_and_every_feed_is_polled_when_it_is_back(
    tmp_path: Path, servers: dict[str, LoopbackServer], network_back: threading.Event
) -> None:
    feeds = {f"feed-{n}": serve_feed(servers[host], f"feed-{n}", range(2 * n, 2 * n + 2), network_back)
             for n, host in enumerate(HOSTS[:4])}
    config = load_config(config_with(tmp_path, feeds, timeout=1.0))
    blackholed = asyncio.run(run_ingest(config, "blackholed"))
    assert blackholed.status == "completed" and blackholed.counts.network_outage == 1
    assert query(config.path, "SELECT count(*), min(outcome), max(outcome) FROM polls") == [(4, "timeout", "timeout")]
    assert query(config.path, "SELECT count(*) FROM feeds WHERE consecutive_failures = 0 "
                              "AND next_poll_at IS NULL") == [(4,)], "no feed penalised"
    network_back.set()
    back = asyncio.run(run_ingest(config, "back"))
    assert back.feeds_due == 4, "every feed is polled on the next run"
    assert back.counts.network_outage == 0 and back.counts.articles_stored == 8
    assert query(config.path, "SELECT count(*) FROM feeds WHERE consecutive_failures = 0 AND last_outcome = 'ok'") \
        == [(4,)]


def test_one_or_two_hosts_that_hang_back_off_even_when_they_are_all_that_was_polled(
    tmp_path: Path, servers: dict[str, LoopbackServer], network_back: threading.Event
) -> None:
    hosts = [HOSTS[0], HOSTS[0], HOSTS[0], HOSTS[1], HOSTS[1]]  # five feeds, two hosts, all hang
    feeds = {f"hung-{n}": serve_feed(servers[host], f"hung-{n}", range(n, n + 1), network_back)
             for n, host in enumerate(hosts)}
    config = load_config(config_with(tmp_path, feeds, timeout=1.0))
    summary = asyncio.run(run_ingest(config, "two-hosts-hang"))
    assert summary.counts.network_outage == 0, "two hosts are two slow servers, not this machine's network"
    assert query(config.path, "SELECT count(*) FROM feeds WHERE consecutive_failures = 1 "
                              "AND last_outcome = 'timeout' AND next_poll_at IS NOT NULL") == [(5,)]
    assert asyncio.run(run_ingest(config, "next")).feeds_due == 0, "they back off as before"


def test_three_hanging_hosts_cannot_shield_themselves_once_they_have_failed_beside_healthy_feeds(
    tmp_path: Path, servers: dict[str, LoopbackServer], network_back: threading.Event
) -> None:
    hung = {f"hung-{n}": serve_feed(servers[host], f"hung-{n}", range(n, n + 1), network_back)
            for n, host in enumerate(HOSTS[:3])}
    healthy = {f"ok-{n}": serve_feed(servers[HOSTS[4]], f"ok-{n}", range(10 + n, 11 + n)) for n in range(3)}
    config = load_config(config_with(tmp_path, {**hung, **healthy}, timeout=1.0))
    first = asyncio.run(run_ingest(config, "mixed"))
    assert first.counts.network_outage == 0 and first.counts.articles_stored == 3
    alone = asyncio.run(run_ingest(config, "alone", feed_names=list(hung)))  # only the three hanging hosts
    assert alone.counts.network_outage == 0, "feeds failing already tell nothing about the network"
    assert query(config.path, "SELECT count(*) FROM feeds WHERE feed_id LIKE 'hung-%' "
                              "AND consecutive_failures = 2") == [(3,)]


def test_pending_entries_follow_a_feed_renamed_in_the_config_and_every_article_is_stored_once(
    tmp_path: Path, servers: dict[str, LoopbackServer]
) -> None:
    server = servers[HOSTS[0]]
    held = serve_feed(server, "courier", range(3))
    for path in [p for p in server.routes if "/a/" in p]:
        server.routes[path] = Page(b"busy", "text/plain", status=503)  # the server holds the articles
    config_path = config_with(tmp_path, {"courier": held})
    asyncio.run(run_ingest(load_config(config_path), "held"))
    assert query(config_path, "SELECT count(*) FROM entries WHERE article_id IS NULL") == [(3,)]
    serve_feed(server, "courier", range(2, 5))  # the feed rolled over: 2 of the 3 pending items are gone from it
    serve_articles(server, range(3))  # and the server gives the held articles now
    config_path.write_text(config_path.read_text().replace('name = "courier"', 'name = "the-courier"'))
    config = load_config(config_path)
    renamed = asyncio.run(run_ingest(config, "renamed"))
    assert renamed.feeds_due == 0, "the same endpoint keeps its schedule under its new name"
    assert renamed.counts.articles_stored == 3, "the 3 entries pending under the old name"
    polled = asyncio.run(run_ingest(config, "polled", feed_names=["the-courier"]))
    assert polled.counts.entries_new == 2, "the item it listed before is not new under the new name"
    assert polled.counts.articles_stored == 2
    assert query(config_path, "SELECT count(*), count(DISTINCT canonical_url) FROM articles") == [(5, 5)]
    assert query(config_path, "SELECT count(*) FROM entries") == [(5,)]
    assert query(config_path, "SELECT DISTINCT feed_id FROM entries") == [("the-courier",)]
    assert query(config_path, "SELECT feed_id, consecutive_failures FROM feeds") == [("the-courier", 0)]


def serve_articles(server: LoopbackServer, stories: range) -> None:
    for story in (generated_story(n) for n in stories):
        server.add(f"/courier/a/{story.slug}", Page(Site("courier").article_page(story)))


def test_a_removed_feed_says_what_it_keeps_and_its_entries_are_fetched_when_it_returns_renamed(
    tmp_path: Path, servers: dict[str, LoopbackServer], capsys: pytest.CaptureFixture[str]
) -> None:
    server = servers[HOSTS[0]]
    url = serve_feed(server, "courier", range(2))
    for path in [p for p in server.routes if "/a/" in p]:
        server.routes[path] = Page(b"busy", "text/plain", status=503)
    other = serve_feed(servers[HOSTS[1]], "gazette", range(10, 11))
    config_path = config_with(tmp_path, {"courier": url, "gazette": other})
    asyncio.run(run_ingest(load_config(config_path), "held"))
    config_with(tmp_path, {"gazette": other})  # courier removed from the config
    capsys.readouterr()
    assert cli.main(["feeds", "--config", str(config_path)]) == 0
    said = capsys.readouterr().out
    assert f"feed courier ({url}) is no longer in the config: its 2 entries waiting for their article" in said
    serve_feed(server, "courier", range(5, 6))  # meanwhile the feed rolled over: its 2 old items are gone from it
    serve_articles(server, range(2))
    config_with(tmp_path, {"gazette": other, "courier-again": url})  # and back, under another name
    back = asyncio.run(run_ingest(load_config(config_path), "re-added", feed_names=["courier-again"]))
    assert back.counts.entries_new == 1 and back.counts.articles_stored == 3, "its 2 pending and its new one"
    assert query(config_path, "SELECT count(*) FROM entries WHERE feed_id = 'courier-again' "
                              "AND article_id IS NOT NULL") == [(3,)]
    capsys.readouterr()
    assert cli.main(["feeds", "--config", str(config_path)]) == 0
    assert "no longer in the config" not in capsys.readouterr().out
