"""Analyst 58: an entry seen again, and a parked entry another feed's URL stores (docs/search.md, "Analyst 58").

A real DuckDB file, written by the functions a run calls: a poll's `insert_entries`, a load's `load_articles` (its
`record_attempts`), the next run's `link_stored_entries` and `pending_entries`. The same was measured over two real
runs against a loopback outlet (`python -m bench.page_updates`)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb

from newsflow import warehouse
from newsflow.feeds import parse_feed
from newsflow.models import EntryAttempt, FeedEntry
from newsflow.warehouse import Warehouse
from newsflow.warehouse.schema import migrate
from tests.searchsample import Doc, empty_warehouse

DOC = Doc("storm", "Storm damage", "The harbour reopened after the storm.", feed="a")
URL = DOC.article().url  # https://planet.example/storm
PUBLISHED = datetime(2026, 12, 1, 9, tzinfo=UTC)
LIVE = Doc("live", "Live", "The live page's first text.", feed="a").article()  # its feed entry has `updated` alone


def _entry(feed: str, *, guid: str = "urn:storm", title: str = "Storm damage", summary: str = "The storm",
           url: str = URL) -> FeedEntry:
    return FeedEntry(feed, guid, url, url, title, summary, PUBLISHED)


def _poll(con: duckdb.DuckDBPyConnection, *entries: FeedEntry) -> dict[str, int]:
    return warehouse.insert_entries(con, "poll", list(entries))


def _rows(con: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return con.execute("SELECT feed_id, guid, title, article_id, parked_at IS NOT NULL, fetch_attempts FROM entries "
                       "ORDER BY feed_id, guid").fetchall()


def _parked_in_b(store: Warehouse) -> None:
    """Feed b lists the URL first; its page answers a PDF, parked at once (`not_html` is terminal)."""
    with store.writing() as con, warehouse.transaction(con):
        _poll(con, _entry("b"))
        warehouse.load_articles(con, [], [EntryAttempt(URL, "not_html", None, "a PDF")], [],
                                terminal_outcomes=["not_html"])
        assert _rows(con) == [("b", "urn:storm", "Storm damage", None, True, 1)]


def _atom(updated: str) -> bytes:
    """Feed a's Atom: the storm entry with `published` and `updated`, a live one with `updated` alone."""
    entries = (f'<entry><title>Storm damage</title><link href="{URL}"/><id>urn:storm</id><summary>The storm</summary>'
               f'<published>{PUBLISHED.isoformat()}</published><updated>{updated}</updated></entry>'
               f'<entry><title>Live</title><link href="{LIVE.url}"/><id>urn:live</id>'
               f'<updated>{updated}</updated></entry>')
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>a</title>'
            f'<id>urn:a</id><updated>{updated}</updated>{entries}</feed>').encode()


def test_an_entry_whose_updated_date_moved_is_not_stored_or_fetched_again(tmp_path: Path) -> None:
    """docs/polling.md: an entry listed again with its `updated` date moved (a day on, in the feed's own Atom, parsed
    as a poll parses it) adds no row, keeps the date first seen (`published`, or `updated` when it is the only one)
    and makes nothing pending: the stored articles keep their first text (a change dated before the articles' fetch
    leads to no refetch either: "Updates 58")."""
    first, again = (parse_feed(_atom(updated), feed_id="a", feed_url="https://planet.example/feed",
                               now=datetime(2026, 12, 7, tzinfo=UTC)).entries
                    for updated in ("2026-12-01T10:00:00+00:00", "2026-12-02T10:00:00+00:00"))
    store = empty_warehouse(tmp_path / "news.duckdb")
    with store.writing() as con, warehouse.transaction(con):
        assert _poll(con, *first) == {"a": 2}
        warehouse.load_articles(con, [DOC.article(), LIVE],
                                [EntryAttempt(URL, "stored", "storm"), EntryAttempt(LIVE.url, "stored", "live")], [])
        assert _poll(con, *again) == {}
        assert warehouse.link_stored_entries(con) == 0
        assert warehouse.pending_entries(con, ["a"]) == ([], 0)
        assert con.execute("SELECT guid, published_at, article_id FROM entries ORDER BY guid").fetchall() == [
            ("urn:live", datetime(2026, 12, 1, 10, tzinfo=UTC), "live"), ("urn:storm", PUBLISHED, "storm")]
        assert con.execute("SELECT text FROM articles ORDER BY article_id").fetchall() == [(LIVE.text,), (DOC.text,)]


def test_a_parked_entry_leads_to_the_article_another_feed_stores_at_its_url(tmp_path: Path) -> None:
    """Before: feed b's parked entry kept `article_id` NULL for good, so `--feed b` missed the article (Analyst 57,
    Left 4). Now the load that stores the page links it, keeping its park, attempt and outcome as its own history
    (the shape 0110 leaves); also when a lists another URL whose page declares b's URL its canonical (the article's
    URL: the review's case, which migration 0110 links too)."""
    store = empty_warehouse(tmp_path / "news.duckdb")
    _parked_in_b(store)
    moved = Doc("moved", "Moved", "Stored under the canonical its page declared.", feed="a").article()
    amp = "https://planet.example/moved-amp"  # its page declares the article's URL, /moved, its canonical
    with store.writing() as con, warehouse.transaction(con):
        _poll(con, _entry("b", guid="urn:moved", url=moved.url))
        warehouse.load_articles(con, [], [EntryAttempt(moved.url, "not_html", None, "a PDF")], [],
                                terminal_outcomes=["not_html"])
        _poll(con, _entry("a"), _entry("a", guid="urn:moved", url=amp))
        assert [p.canonical_url for p in warehouse.pending_entries(con, ["a", "b"])[0]] == [amp, URL]
        warehouse.load_articles(con, [DOC.article(), moved],
                                [EntryAttempt(URL, "stored", "storm"), EntryAttempt(amp, "stored", "moved")], [])
        assert _rows(con) == [("a", "urn:moved", "Storm damage", "moved", False, 0),
                              ("a", "urn:storm", "Storm damage", "storm", False, 0),
                              ("b", "urn:moved", "Storm damage", "moved", True, 1),
                              ("b", "urn:storm", "Storm damage", "storm", True, 1)]
        assert con.execute("SELECT DISTINCT last_outcome, last_error FROM entries WHERE feed_id = 'b'"
                           ).fetchall() == [("not_html", "a PDF")]
        assert con.execute("SELECT count(*) FROM entries WHERE parked_at IS NOT NULL AND article_id IS NULL"
                           ).fetchall() == [(0,)], "no longer listed by `newsflow query parked`"
        # b's entry seen a day before a's and left unlinked: a load of the stored article links it and moves the
        # article's first sighting to b's (the earliest, warehouse/README.md), as 0110 does
        con.execute("UPDATE entries SET first_seen_at = first_seen_at - INTERVAL 1 DAY, article_id = NULL "
                    "WHERE feed_id = 'b' AND guid = 'urn:moved'")
        warehouse.load_articles(con, [moved], [EntryAttempt(amp, "stored", "moved")], [])
        assert con.execute("SELECT a.first_seen_at = e.first_seen_at, a.ingest_latency IS NOT DISTINCT FROM "
                           "a.first_seen_at - a.published_at FROM articles a JOIN entries e USING (article_id) "
                           "WHERE e.feed_id = 'b' AND e.guid = 'urn:moved'").fetchall() == [(True, True)]


def test_a_parked_entry_left_unlinked_by_an_earlier_version_is_linked_by_migration_0110(tmp_path: Path) -> None:
    """A warehouse the code before "Analyst 58" wrote: the article stored, b's parked entries unlinked. The upgrade
    (0110) links them, by the article's URL or, when the page was stored under the canonical it declared, by the
    entry of its URL that leads to it; a parked entry whose URL nothing stored stays parked, and a new entry is left
    to the run's `link_stored_entries`."""
    store = empty_warehouse(tmp_path / "news.duckdb")
    _parked_in_b(store)
    moved = Doc("moved", "Moved", "Stored under the canonical its page declared.", feed="a")
    declared = moved.article()  # the page at /moved-amp declared /moved its canonical: the article's URL
    listed = "https://planet.example/moved-amp"
    gone = "https://planet.example/gone"
    with store.writing() as con, warehouse.transaction(con):
        _poll(con, _entry("b", guid="urn:moved", url=listed), _entry("b", guid="urn:gone", url=gone))
        failed = [EntryAttempt(listed, "not_html", None), EntryAttempt(gone, "not_html", None)]
        warehouse.load_articles(con, [], failed, [], terminal_outcomes=["not_html"])
        _poll(con, _entry("a"), _entry("a", guid="urn:moved", url=listed))
        warehouse.load_articles(con, [DOC.article(), declared], [], [])
        con.execute("UPDATE entries SET article_id = $id WHERE feed_id = 'a' AND canonical_url = $url",
                    {"id": "moved", "url": listed})  # a's entry stored through its page, as a load links it
        con.execute("UPDATE entries SET article_id = NULL WHERE feed_id = 'b'")  # as that version left them
        con.execute("UPDATE entries SET first_seen_at = first_seen_at - INTERVAL 1 DAY WHERE feed_id = 'b'")  # b first
        con.execute("DELETE FROM schema_migrations WHERE version = 110")  # a warehouse at level 0109
    with store.writing() as con:
        assert migrate(con) == ["0110_link_parked_entries"]  # what a writer's first open does (once a process)
        assert con.execute("SELECT max(version) FROM schema_migrations").fetchall() == [(112,)]  # 0112 stays
        assert con.execute("SELECT count(*) FROM entries WHERE article_id IS NULL").fetchall() == [(2,)]
        assert warehouse.link_stored_entries(con) == 1  # a's new entry
        assert _rows(con) == [("a", "urn:moved", "Storm damage", "moved", False, 0),
                              ("a", "urn:storm", "Storm damage", "storm", False, 0),
                              ("b", "urn:gone", "Storm damage", None, True, 1),
                              ("b", "urn:moved", "Storm damage", "moved", True, 1),
                              ("b", "urn:storm", "Storm damage", "storm", True, 1)]
        earliest = "SELECT article_id, min(first_seen_at) FROM entries WHERE feed_id = 'b' GROUP BY ALL ORDER BY 1"
        assert con.execute("SELECT article_id, first_seen_at FROM articles ORDER BY 1").fetchall() == \
            con.execute(earliest).fetchall()[:2], "b's sighting, a day before a's: the earliest (warehouse/README.md)"
        assert con.execute("SELECT count(*) FROM articles WHERE ingest_latency IS DISTINCT FROM "
                           "first_seen_at - published_at").fetchall() == [(0,)]


def test_an_entry_whose_title_summary_or_date_changed_leads_to_its_first_text(tmp_path: Path) -> None:
    """What a page updated under its URL gets from the poll's write ("Analyst 58"; "Updates 58" notes the change): the
    entry seen again under its id adds no row (its title is the one last seen; a new title is noted as a change, a
    new summary is not), one reissued under a new id is a new row linked to the stored article; nothing is pending,
    and the article keeps its text until a run refetches it (tests/test_refetch_updates58.py)."""
    store = empty_warehouse(tmp_path / "news.duckdb")
    with store.writing() as con, warehouse.transaction(con):
        _poll(con, _entry("a"))
        warehouse.load_articles(con, [DOC.article()], [EntryAttempt(URL, "stored", "storm")], [])
        assert _poll(con, _entry("a", guid="urn:storm:v2", title="Storm damage (corrected)")) == {"a": 1}
        assert warehouse.link_stored_entries(con) == 1
        assert _poll(con, _entry("a", summary="The storm, corrected")) == {}
        assert con.execute("SELECT count(changed_at) FROM entries").fetchall() == [(0,)]
        assert _poll(con, _entry("a", title="Storm damage (corrected)")) == {}
        assert warehouse.pending_entries(con, ["a"]) == ([], 0)
        assert _rows(con) == [("a", "urn:storm", "Storm damage (corrected)", "storm", False, 0),
                              ("a", "urn:storm:v2", "Storm damage (corrected)", "storm", False, 0)]
        assert con.execute("SELECT guid FROM entries WHERE changed_at IS NOT NULL").fetchall() == [("urn:storm",)]
        assert con.execute("SELECT title, text FROM articles").fetchall() == [("Storm damage", DOC.text)]
