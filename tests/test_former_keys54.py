"""Review of Analyst 54, F3: an item still in a feed when newsflow is upgraded is not stored a second time.

The rule "Analyst 54" changed the canonical URL of an AMP cache's or viewer's copy (now the publisher's URL) and of
an IPv6 host not written compressed. Entries are matched by (feed, canonical URL, GUID or title and summary), so each
such item still in a feed's window was a new entry under its new key after the upgrade, fetched again and stored as a
second article. An entry now also matches the row the old rule stored (`FeedEntry.former_canonical_url`). The old rows
are written here as main's rule wrote them (its canonical URL of each link, its GUID the link when the item has none):
main's code fetches no copy offline."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from newsflow import warehouse
from newsflow.config import load_config
from newsflow.dedup import article_id_for
from newsflow.feedentries import EntryContext, make_entry
from newsflow.runner import run_ingest
from tests.conftest import write_config
from tests.localserver import LocalServer, Page
from tests.searchsample import empty_warehouse
from tests.sitefactory import rss_feed
from tests.test_outlets54 import serve_stories_and_copies

NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)


def test_an_entry_stored_by_the_former_rule_is_matched(tmp_path: Path) -> None:
    """An IPv6 link written uncompressed and AMP copies, with and without a GUID: main's rows in the entries table,
    then the same items from the same feed. Before the fix: four new entries; now none, and a new item still is."""
    links = ["http://[2001:0DB8:0:0:0:0:0:1]:8080/a", "https://www.google.com/amp/s/example.com/b",
             "https://x.cdn.ampproject.org/c/s/example.com/c?amp_js_v=0.1", "http://[0:0::1]/d"]
    main_keys = ["http://[2001:0db8:0:0:0:0:0:1]:8080/a", "https://www.google.com/amp/s/example.com/b",
                 "https://x.cdn.ampproject.org/c/s/example.com/c?amp_js_v=0.1", "http://[0:0::1]/d"]
    guids: list[str | None] = [None, "tag:b", None, "tag:d"]
    context = EntryContext("agg", "http://agg.example/feed", NOW)
    entries = [make_entry(context, guid=guid, url=link, title=f"T{n}", summary_html=None, published_at=None)
               for n, (link, guid) in enumerate(zip(links, guids, strict=True))]
    assert [e.former_canonical_url for e in entries] == main_keys
    store = empty_warehouse(tmp_path / "w.duckdb")
    with store.writing() as con:
        for n, (link, key, guid) in enumerate(zip(links, main_keys, guids, strict=True)):
            con.execute("INSERT INTO entries (feed_id, guid, url, canonical_url, title, first_seen_at, run_id) "
                        "VALUES ('agg', ?, ?, ?, ?, now(), 'main')", [guid or key, link, key, f"T{n}"])
        assert warehouse.insert_entries(con, "upgraded", entries) == {}
        renamed = [make_entry(context, guid=guid, url=link, title="retitled", summary_html=None, published_at=None)
                   for link, guid in zip(links, guids, strict=True)]
        assert warehouse.insert_entries(con, "upgraded", renamed) == {}  # matched by the GUID alone
        fresh = make_entry(context, guid=None, url="http://[::2]/e", title="T", summary_html=None, published_at=None)
        assert warehouse.insert_entries(con, "upgraded", [fresh]) == {"agg": 1}
        assert con.execute("SELECT count(*) FROM entries").fetchall() == [(5,)]


def test_a_run_after_the_upgrade_stores_no_copy_twice(tmp_path: Path, server: LocalServer) -> None:
    """A real run of an aggregator's feed (no GUIDs) linking two articles through the AMP cache and viewer, its
    rows then written as main's rule stored them (entries and articles under the copies' URLs), and a second run
    on the same feed, which now lists a third article too. Before the fix the second run added two entries, fetched
    both articles again from the publisher and stored them a second time."""
    stories, copies = serve_stories_and_copies(server, 5461, 3)
    items = [(s.title, u, NOW) for s, u in zip(stories, copies, strict=False)]
    server.add("/gnews.xml", Page(rss_feed("gnews", items, guid=False), "application/rss+xml"))
    config = load_config(write_config(tmp_path, server.base_url, {"gnews": "/gnews.xml"}, extract={"workers": 1}))
    assert asyncio.run(run_ingest(config, "run-1", all_feeds=True)).status == "completed"
    path = str(tmp_path / "warehouse" / "news.duckdb")
    with duckdb.connect(path) as db:  # main's rule: each copy keyed by its own URL (already canonical as written)
        tables = [t for (t,) in db.execute("SELECT DISTINCT table_name FROM duckdb_columns() WHERE column_name = "
                                           "'article_id' AND NOT internal AND table_name IN (SELECT table_name FROM "
                                           "duckdb_tables())").fetchall()]
        for n, copy in enumerate(copies):
            publisher = server.url(f"/news/{n}")
            for table in tables:  # the article's id is its canonical URL's hash (dedup.article_id_for)
                db.execute(f"UPDATE {table} SET article_id = ? WHERE article_id = ?",
                           [article_id_for(copy), article_id_for(publisher)])
            db.execute("UPDATE articles SET canonical_url = ? WHERE canonical_url = ?", [copy, publisher])
            db.execute("UPDATE entries SET canonical_url = ?, guid = ?, url = ? WHERE canonical_url = ?",
                       [copy, copy, copy, publisher])
    fetched = len([r for r in server.requests if r.path.startswith("/news/")])
    items.append((stories[2].title, server.url("/news/2"), NOW))  # a new item: the feed is read again, not skipped
    server.add("/gnews.xml", Page(rss_feed("gnews", items, guid=False), "application/rss+xml"))
    assert asyncio.run(run_ingest(config, "run-2", all_feeds=True)).status == "completed"
    with duckdb.connect(path, read_only=True) as db:
        counts = db.execute("SELECT (SELECT count(*) FROM entries), (SELECT count(DISTINCT article_id) FROM entries), "
                            "(SELECT count(*) FROM articles)").fetchone()
    fetched_now = [r.path for r in server.requests if r.path.startswith("/news/")][fetched:]
    assert (counts, fetched_now) == ((3, 3, 3), ["/news/2"])
