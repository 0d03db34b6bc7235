"""Updates 58: a stored page updated under its URL is fetched again, its versions kept (docs/search.md, "Updates 58").

Real parts: a loopback outlet (tests.localserver, which sends ETag and Last-Modified and answers 304 to them), real
`run_ingest`s over a DuckDB file in tmp_path, the search index's SQL macro. The pages change between the runs, and
their Atom entries say so (a later `updated`, or a new title)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import cast
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

import duckdb

from newsflow import refetch, warehouse
from newsflow.config import Config, load_config
from newsflow.feeds import parse_feed
from newsflow.fetch import Fetcher
from newsflow.models import EntryAttempt, FeedEntry, FetchResult, Outcome
from newsflow.pages import StoredPage, pages_dir_for, read_page
from newsflow.runner import RunContext, run_ingest
from newsflow.warehouse import Warehouse, record_refetches, refetch_targets, run_read_query, transaction
from newsflow.warehouse.refetches import Refetched, RefetchTarget, replace_pages
from tests.conftest import write_config
from tests.localserver import LocalServer, Page
from tests.searchsample import Doc, empty_warehouse
from tests.sitefactory import Site, Story

SLUGS = ("upd", "ttl", "same")  # changes by its `updated`, by its title; the third's page never changes
NEW = "Correction appended: the kelpfarm figures were revised by the harbour authority late on Tuesday evening."


def _paragraphs(slug: str) -> tuple[str, ...]:
    return tuple(f"{slug.title()} paragraph {n}: officials in the harbour town described the storm damage, the "
                 f"closed roads and the repairs planned for the coming weeks in some detail ({slug} {n})."
                 for n in range(4))


def _publish(server: LocalServer, start: datetime, changed: dict[str, timedelta], retitled: bool,
             new_text: set[str]) -> None:
    """Each page (with NEW when in `new_text`) and the feed: an entry's `updated` is `start` plus its `changed`."""
    site, entries = Site("Harbour News"), []
    for i, slug in enumerate(SLUGS):  # each its own instant: one shared by all is a build stamp (no change)
        published = start + timedelta(minutes=i)
        extra = (NEW,) if slug in new_text else ()
        server.add(f"/news/{slug}", Page(site.article_page(Story(slug, f"Storm in {slug}", _paragraphs(slug) + extra,
                                                                 start, "A Reporter"))))
        title = f"Storm in {slug}" + (" (corrected)" if retitled and slug == "ttl" else "")
        updated = published + changed.get(slug, timedelta(0))
        entries.append(f"<entry><title>{escape(title)}</title><link href=\"/news/{slug}\"/><id>urn:{slug}</id>"
                       f"<published>{published.isoformat()}</published><updated>{updated.isoformat()}</updated></entry>")
    server.add("/a.xml", Page(('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
                               f"<title>t</title><id>urn:t</id><updated>{start.isoformat()}</updated>"
                               f"{''.join(entries)}</feed>").encode(), "application/atom+xml"))


def _config(tmp_path: Path, server: LocalServer, max_refetches: int) -> Config:
    path = write_config(tmp_path, server.url(""), {"a": "/a.xml"}, {"workers": 1})
    with path.open("a", encoding="utf-8") as config:  # interval 0: the runs follow each other within seconds
        config.write(f"\n[execution]\nmax_refetches_per_run = {max_refetches}\nrefetch_interval_seconds = 0\n")
    return load_config(path)


def _run(config: Config, server: LocalServer, run_id: str) -> list[tuple[str, str | None]]:
    """One run; the article pages it asked for, each with the If-None-Match it sent."""
    before = len(server.requests)
    asyncio.run(run_ingest(config, run_id))
    return sorted((r.path, r.headers.get("if-none-match")) for r in server.requests[before:]
                  if r.path.startswith("/news/"))


async def _poll_only(config: Config) -> None:
    """A poll of the feed, its entries written (as a run's poll writes them), and no article fetched."""
    async with Fetcher(config.fetch) as fetcher:
        poll = await fetcher.fetch_feed(config.feeds[0].url)
    parsed = parse_feed(poll.body, feed_id=config.feeds[0].name, feed_url=poll.final_url, now=datetime.now(UTC))
    with Warehouse(config.warehouse_path).writing() as con, transaction(con):
        warehouse.insert_entries(con, "poll-3", list(parsed.entries))


async def _refetch_one(config: Config, target: RefetchTarget) -> FetchResult:
    async with Fetcher(config.fetch) as fetcher:
        return await refetch._fetch_one(cast(RunContext, SimpleNamespace(fetcher=fetcher)), target)


def _rows(store: Warehouse, sql: str) -> list[tuple[object, ...]]:
    return [tuple(row) for row in run_read_query(store, sql).rows]


def test_a_changed_page_is_fetched_again_its_versions_kept_and_the_bound_and_validators_hold(tmp_path: Path) -> None:
    server = LocalServer()
    try:
        start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
        _publish(server, start, {}, retitled=False, new_text=set())
        config = _config(tmp_path, server, max_refetches=100)
        assert _run(config, server, "run-1") == [(f"/news/{s}", None) for s in sorted(SLUGS)]
        store = Warehouse(config.warehouse_path)
        stories = _rows(store, "SELECT url, story_id FROM articles ORDER BY url")

        # Run 2: upd's and same's `updated` move past their fetch, ttl is retitled; upd's and ttl's pages changed.
        later = datetime.now(UTC) - start + timedelta(minutes=5)
        _publish(server, start, {"upd": later, "same": later}, retitled=True, new_text={"upd", "ttl"})
        assert _run(config, server, "run-2") == [(f"/news/{s}", None) for s in sorted(SLUGS)]  # no validator kept yet
        assert _rows(store, "SELECT url, story_id FROM articles ORDER BY url") == stories  # one row per URL, same story
        assert _rows(store, "SELECT count(*), count(DISTINCT guid) FROM entries") == [(3, 3)]
        versions = _rows(store, "SELECT split_part(a.url, '/', -1), v.version, v.text LIKE '%kelpfarm%', v.run_id "
                                "FROM article_versions v JOIN articles a USING (article_id) ORDER BY 1, 2")
        assert versions == [("ttl", 1, False, "run-1"), ("ttl", 2, True, "run-2"),
                            ("upd", 1, False, "run-1"), ("upd", 2, True, "run-2")]  # same's text did not change
        assert _rows(store, "SELECT split_part(url, '/', -1) FROM articles WHERE text LIKE '%kelpfarm%' ORDER BY 1"
                     ) == [("ttl",), ("upd",)]
        assert _rows(store, "SELECT split_part(a.url, '/', -1) FROM search_articles('kelpfarm') s "
                            "JOIN articles a USING (article_id) ORDER BY 1") == [("ttl",), ("upd",)]
        assert _rows(store, "SELECT outcome, count(*), count(version), count(etag) FROM article_refetches "
                            "GROUP BY 1") == [("ok", 3, 2, 3)]
        kept = _rows(store, "SELECT p.file FROM pages p JOIN articles a USING (article_id) WHERE a.url LIKE '%/upd'")
        assert NEW in read_page(pages_dir_for(config.warehouse_path) / str(kept[0][0]))  # reextract's input

        # Then: upd's and same's entries change again. At most one target (the bound), asked with the validators run 2
        # got: the page (unchanged since) answers 304, nothing fetched whole. The other waits its turn.
        # (A third real run checked this before; a real Fetcher on the target costs a tenth of it.)
        _publish(server, start, {"upd": later + timedelta(minutes=1), "same": later + timedelta(minutes=2)},
                 retitled=True, new_text={"upd", "ttl"})
        asyncio.run(_poll_only(config))
        with store.writing() as con:
            now = datetime.now(UTC)
            [target] = refetch_targets(con, ["a"], 1, timedelta(0), now)
            assert urlsplit(target.url).path in ("/news/upd", "/news/same") and target.etag is not None
            waiting = {"/news/upd", "/news/same"} - {urlsplit(target.url).path}
            assert {urlsplit(t.url).path for t in refetch_targets(con, ["a"], 10, timedelta(0), now)} >= waiting
            assert refetch_targets(con, ["a"], 10, timedelta(hours=1), now) == []  # not within an interval
            assert refetch_targets(con, ["a"], 0, timedelta(0), now) == []
        answer = asyncio.run(_refetch_one(config, target))
        assert answer.outcome is Outcome.NOT_MODIFIED
        assert server.requests[-1].headers.get("if-none-match") == target.etag
    finally:
        server.close()


DOC = Doc("storm", "Storm damage", "The harbour reopened after the storm.", feed="a")
URL = DOC.article().url
FETCHED = DOC.article().fetched_at  # a day ago


def _entry(title: str = "Storm damage", updated: datetime | None = None) -> FeedEntry:
    return FeedEntry("a", "urn:storm", URL, URL, title, "s", None, updated_at=updated)


def _changed_at(con: duckdb.DuckDBPyConnection, *entries: FeedEntry) -> object:
    warehouse.insert_entries(con, "poll", list(entries))
    return con.execute("SELECT changed_at FROM entries").fetchall()[0][0]


def _stored(tmp_path: Path, updated: datetime | None) -> Warehouse:
    store = empty_warehouse(tmp_path / "news.duckdb")
    with store.writing() as con, transaction(con):
        warehouse.insert_entries(con, "poll", [_entry(updated=updated)])
        warehouse.load_articles(con, [DOC.article()], [EntryAttempt(URL, "stored", "storm")], [])
    return store


def _targets(con: duckdb.DuckDBPyConnection, interval: timedelta = timedelta(0)) -> list[str]:
    return [t.article_id for t in refetch_targets(con, ["a"], 10, interval, datetime.now(UTC))]


def test_an_entry_seen_again_is_changed_when_its_updated_moves_forward_or_its_title_changes(tmp_path: Path) -> None:
    """Only a move between polls counts, never `updated` alone; a date ahead of the poll is the poll's time; an
    `updated` first seen on a row (stored before 0112) is kept to compare with; a change before the article's fetch
    leads to no refetch."""
    with _stored(tmp_path, FETCHED - timedelta(hours=5)).writing() as con:
        assert _changed_at(con, _entry(updated=FETCHED - timedelta(hours=5))) is None  # seen again as it was
        assert _changed_at(con, _entry(updated=FETCHED - timedelta(hours=1))) == FETCHED - timedelta(hours=1)
        assert _targets(con) == [], "it changed before the article was fetched"
        assert _changed_at(con, _entry(updated=FETCHED + timedelta(hours=1))) == FETCHED + timedelta(hours=1)
        assert _targets(con) == ["storm"] and _targets(con, timedelta(days=2)) == []  # within an interval of a fetch
        before = datetime.now(UTC)
        ahead = _changed_at(con, _entry(updated=before + timedelta(hours=20)))
        assert isinstance(ahead, datetime) and before <= ahead <= datetime.now(UTC)
        con.execute("UPDATE entries SET updated_at = NULL, changed_at = NULL")  # as stored before migration 0112
        assert _changed_at(con, _entry(updated=FETCHED + timedelta(hours=1))) is None  # the baseline
        retitled = _changed_at(con, _entry("Storm damage (corrected)", FETCHED + timedelta(hours=1)))
        assert isinstance(retitled, datetime) and retitled >= before
        assert con.execute("SELECT count(*), any_value(title) FROM entries").fetchall() == [
            (1, "Storm damage (corrected)")]  # no row added; the title last seen kept


def test_a_failed_refetch_parks_nothing_changes_nothing_and_is_tried_again_after_the_interval(tmp_path: Path) -> None:
    target = RefetchTarget("storm", URL, URL, "a", "Storm damage", None, None, DOC.article().content_hash)
    with _stored(tmp_path, FETCHED - timedelta(hours=5)).writing() as con:
        _changed_at(con, _entry(updated=FETCHED + timedelta(hours=1)))
        with transaction(con):
            failed = Refetched(target, datetime.now(UTC), "http_error", 500, None, None, None)
            assert record_refetches(con, "run-2", [failed]) == {}
        assert con.execute("SELECT text, content_hash FROM articles").fetchall() == [
            (DOC.text, DOC.article().content_hash)]
        assert con.execute("SELECT count(*) FROM article_versions").fetchall() == [(0,)]
        assert con.execute("SELECT parked_at, article_id, fetch_attempts FROM entries").fetchall() == [
            (None, "storm", 0)]
        assert _targets(con) == ["storm"], "still owed its refetch"
        assert _targets(con, timedelta(hours=1)) == [], "but not within the interval of its try"
        # A new text whose page was not kept (keep_html off) forgets the old page: reextract cannot bring it back.
        warehouse.insert_pages(con, [StoredPage("storm", FETCHED, "ab/old.html.gz", 10, 5)])
        assert replace_pages(con, [], ["storm"]) == ["ab/old.html.gz"]
        assert con.execute("SELECT count(*) FROM pages").fetchall() == [(0,)]
