"""Feeds whose GUIDs change on every poll (red team 5): one entry per item, however often polled.

Some CMSs regenerate every item's GUID on each request. Before, each poll of such a feed added a
row per item to `entries` and counted them all in `entries_new` (the articles were not fetched
again, their canonical URL being stored, but the poll log and the schedule believed the feed had
turned over completely, and said `possibly_missed` every time). Now a new GUID whose canonical
link, title and summary match an entry the feed listed before is that entry
(`warehouse.insert_entries`, `feedentries.unique_entries`; docs/polling.md).

50 polls' entries are parsed and inserted as the poll stage does, on one connection; the whole poll
stage (loopback server, fetcher, parse workers, DuckDB file) runs three times.
"""

from __future__ import annotations

import asyncio
import math
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from newsflow import readersafe, warehouse
from newsflow.config import Config, load_config
from newsflow.feedentries import unique_entries
from newsflow.feedpool import FeedParserPool
from newsflow.feeds import parse_feed
from newsflow.fetch import Fetcher
from newsflow.models import FeedEntry
from newsflow.pipeline import RunCounts
from newsflow.polls import PollJob, poll_feeds
from newsflow.warehouse import Warehouse, run_read_query
from tests.conftest import write_config
from tests.localserver import LocalServer, Page
from tests.sitefactory import rss_feed

pytestmark = pytest.mark.timeout(120)
POLLS = 50
FEED_URL = "https://churn.example/feed.xml"


def churning_feed(poll: int, items: range, same_link: bool = False) -> bytes:
    """Every item's GUID is new on every poll; links carry a new tracking parameter each time too."""
    body = rss_feed("Churn", [(f"Story {i}", f"/a/{'all' if same_link else i}?utm_source=rss{poll}", None)
                              for i in items], guid=True)
    for i in items:
        link = f"/a/{'all' if same_link else i}?utm_source=rss{poll}"
        body = body.replace(f"{link}#guid".encode(), f"urn:uuid:{poll}-{i}".encode(), 1)
    return body


def poll_repeatedly(config: Config, serve: Callable[[int], None], polls: int) -> list[RunCounts]:
    """`polls` polls of every feed, each its own run id and its own commit, as consecutive runs make."""
    store = Warehouse(config.warehouse_path)

    async def go() -> list[RunCounts]:
        counts = []
        async with Fetcher(config.fetch) as fetcher:
            with FeedParserPool(1, 10.0, config.polling.max_entries_per_feed) as parser:
                for n in range(polls):
                    serve(n)
                    run_id = f"poll-{n:02d}"
                    states = readersafe.open_run(store, run_id, config.feeds, config.feeds)
                    job = PollJob(store, run_id, fetcher, states, config.polling, parser, math.inf,
                                  threading.Lock())
                    counts.append(await poll_feeds(job, config.feeds))
        return counts

    return asyncio.run(go())


def test_fifty_polls_of_a_feed_that_changes_its_guids_leave_one_entry_per_item(tmp_path: Path) -> None:
    """Each poll's entries as the parser makes them, inserted as the poll stage does, on one connection
    (the poll stage around it is the next test's)."""
    store = Warehouse(tmp_path / "news.duckdb")
    new_per_poll = []
    with store.writing() as con:
        for n in range(POLLS):
            items = range(10) if n < 30 else range(11)  # a genuinely new item on poll 30
            churn = parse_feed(churning_feed(n, items), feed_id="churn", feed_url=FEED_URL).entries
            one_link = parse_feed(churning_feed(n, range(5), same_link=True), feed_id="one-link",
                                  feed_url=FEED_URL).entries
            with warehouse.transaction(con):
                new = warehouse.insert_entries(con, f"poll-{n:02d}", [*churn, *one_link])
            new_per_poll.append(sum(new.values()))
        per_feed = con.execute("SELECT feed_id, count(*), count(DISTINCT title) FROM entries GROUP BY ALL "
                               "ORDER BY feed_id").fetchall()
    assert new_per_poll == [15] + [0] * 29 + [1] + [0] * (POLLS - 31)
    assert per_feed == [("churn", 11, 11), ("one-link", 5, 5)], "items sharing one link stay apart by title"


def test_the_poll_log_of_a_feed_that_changes_its_guids_counts_only_new_items(
    tmp_path: Path, server: LocalServer
) -> None:
    """Through the whole poll stage: `polls.entries_new` counts only the new item, and the feed is not
    taken for one whose window rolled over unseen (`possibly_missed`)."""
    config = load_config(write_config(tmp_path, server.base_url, {"churn": "/feed.xml"}))

    def serve(poll: int) -> None:
        items = range(10) if poll < 2 else range(11)
        server.add("/feed.xml", Page(churning_feed(poll, items), "application/rss+xml", validators=False))

    counts = poll_repeatedly(config, serve, 3)
    assert [c.entries_new for c in counts] == [10, 0, 1]
    logged = run_read_query(Warehouse(config.warehouse_path),
                            "SELECT entries_new, possibly_missed FROM polls ORDER BY run_id").rows
    assert logged == [(10, False), (0, False), (1, False)]


def entry(key: str, url: str, title: str | None, summary: str | None = None) -> FeedEntry:
    return FeedEntry("f", key, url, url, title, summary, None)


def test_within_one_poll_an_item_listed_twice_under_two_guids_is_one_entry() -> None:
    a, b = "https://x.example/a", "https://x.example/b"
    entries = [entry("1", a, "A"), entry("2", a, "A"), entry("3", a, "A, updated"), entry("4", b, "A"),
               entry("5", b, None, "first"), entry("6", b, None, "second"), entry("7", b, None, "first"),
               entry("4", b, "B, same GUID and link"), entry("8", a, "Live", "update 1"),
               entry("9", a, "Live", "update 2")]
    assert [e.key for e in unique_entries(entries)] == ["1", "3", "4", "5", "6", "8", "9"]


def test_a_feed_that_flips_between_rss_and_atom_keeps_one_entry_per_item(tmp_path: Path) -> None:
    """The same items served as RSS (GUIDs `<link>#guid`) and as Atom (ids `urn:...`), in turn: a
    server behind two CMS front ends. Each flip used to add every item again."""
    items = [(f"Story {i}", f"https://churn.example/a/{i}", None) for i in range(5)]
    rss = rss_feed("Flip", items)
    atom = ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Flip</title>'
            + "".join(f'<entry><title>{title}</title><link href="{link}"/><id>urn:flip:{n}</id>'
                      f"<updated>2026-11-30T10:00:00Z</updated></entry>" for n, (title, link, _) in enumerate(items))
            + "</feed>").encode()
    store = Warehouse(tmp_path / "news.duckdb")
    new = []
    with store.writing() as con:
        for n, body in enumerate([rss, atom, rss, atom]):
            entries = parse_feed(body, feed_id="flip", feed_url=FEED_URL).entries
            with warehouse.transaction(con):
                new.append(sum(warehouse.insert_entries(con, f"flip-{n}", list(entries)).values()))
    assert new == [5, 0, 0, 0]


def test_live_blog_updates_sharing_one_link_and_title_are_each_an_entry(tmp_path: Path) -> None:
    """A live blog: every update links to the live page under the same title; their text differs."""
    live = "https://news.example/live"
    store = Warehouse(tmp_path / "news.duckdb")
    new = []
    with store.writing() as con:
        for n in range(3):
            updates = [entry(f"urn:update:{k}", live, "Live: the summit", f"update {k}") for k in range(n + 1)]
            with warehouse.transaction(con):
                new.append(sum(warehouse.insert_entries(con, f"live-{n}", updates).values()))
    assert new == [1, 1, 1]
