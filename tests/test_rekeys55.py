"""Analyst 55: rows stored before "Analyst 54" under an AMP cache's or viewer's URL, or an IPv6 host in another
spelling, re-keyed by migration 0108 (docs/search.md, "Analyst 55"; `newsflow.warehouse.rekeys`).

The property: generated feeds' items (publishers' links, their AMP cache and viewer copies, IPv6 hosts spelt several
ways; some fetched, some not) stored once by the rule before "Analyst 54" in a warehouse at level 0107, which is then
upgraded, and once by today's rule in a new warehouse: every query the docs promise on articles, outlets, stories,
entries, story lines and `newsflow search --site` answers alike, and every row the upgrade rewrote or merged away is
kept whole in `articles_rekeyed` / `entries_rekeyed`."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsflow import search
from newsflow.dedup import article_id_for, site_of_url
from newsflow.search import SearchFilters
from newsflow.urls import canonicalize_url, fetched_url, former_canonical_url
from newsflow.warehouse import Warehouse
from tests.searchsample import empty_warehouse, examples

T0 = datetime(2026, 12, 1, 8, tzinfo=UTC)
HOSTS = ("herald.example", "www.herald.example", "m.courier.example", "courier.example:8443",
         "[2001:db8::1]", "[2001:0DB8:0:0:0:0:0:1]", "[2001:db8:0::1]:8080", "[::FFFF:127.0.0.1]", "[0:0::2]")
FORMS = ("direct", "cache", "viewer", "bing")


def link(form: str, host: str, path: str) -> str:
    """An item's link to https://HOST/PATH, directly or through an AMP cache or viewer."""
    if form == "cache":
        return f"https://{host.strip('[]').replace('.', '-').replace(':', '-')}.cdn.ampproject.org/c/s/{host}{path}" \
               "?amp_js_v=0.1"
    if form == "viewer":
        return f"https://www.google.com/amp/s/{host}{path}"
    if form == "bing":
        return f"https://x.bing-amp.com/c/s/{host}{path}"
    return f"https://{host}{path}"


@dataclass(frozen=True)
class Item:
    feed: str
    url: str
    story: int  # the text: one wire story may run at several outlets
    fetched: bool


def former(url: str) -> str:
    """The canonical URL the rule before "Analyst 54" made of `url`."""
    return former_canonical_url(url) or canonicalize_url(url)


def store(path: Path, items: list[Item], *, old_rule: bool) -> Warehouse:
    """The warehouse a run of each item in turn (an hour apart) leaves, keyed by the old rule or today's: an entry
    per (feed, key) with no GUID (its GUID is its key), an article per key when an item of it was fetched, its story
    the first article with its text; its first sighting the earliest of its entries'."""
    warehouse = empty_warehouse(path)
    entries: dict[tuple[str, str], list[Any]] = {}
    articles: dict[str, list[Any]] = {}
    first_of_story: dict[int, str] = {}
    for n, item in enumerate(items):
        key = former(item.url) if old_rule else canonicalize_url(item.url)
        url = item.url if old_rule else fetched_url(item.url)
        at = T0 + timedelta(hours=n)
        entry = entries.setdefault((item.feed, key), [item.feed, key, url, key, f"T{item.story}", at, f"r{n}", None])
        if not item.fetched:
            continue
        article_id = article_id_for(key)
        entry[7] = article_id
        if article_id not in articles:
            story = first_of_story.setdefault(item.story, article_id)
            articles[article_id] = [article_id, key, url, item.feed, f"T{item.story}", f"story {item.story} words",
                                    story, at, f"r{n}"]
    with warehouse.writing() as con:
        con.executemany("INSERT INTO entries (feed_id, guid, url, canonical_url, title, first_seen_at, run_id, "
                        "article_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", list(entries.values()))
        con.executemany("INSERT INTO articles (article_id, canonical_url, url, feed_id, title, text, story_id, "
                        "fetched_at, run_id, language, word_count, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'en', 3, "
                        "'hash')",
                        list(articles.values()))
        con.execute("UPDATE articles SET first_seen_at = s.seen FROM (SELECT article_id, min(first_seen_at) AS seen "
                    "FROM entries GROUP BY article_id) s WHERE articles.article_id = s.article_id")
        con.executemany("INSERT INTO story_lines VALUES (?, 7, ?, ?, now())",
                        [(site_of_url(a[1]), a[0], a[6]) for a in articles.values()])
        con.executemany("INSERT INTO story_signatures VALUES (?, ?, NULL, now())", [(a[0], a[6]) for a in articles.values()])
        search.update_index(con)
    return warehouse


def at_level_0107(warehouse: Warehouse, path: Path) -> Warehouse:
    """`warehouse` as a newsflow before 0108 left it (its table and record taken out), copied to `path`: a new file
    to this process, so the next writer migrates it."""
    with warehouse.writing() as con:
        con.execute("DROP TABLE articles_rekeyed; DROP TABLE entries_rekeyed; "
                    "DELETE FROM schema_migrations WHERE version = 108")
    shutil.copyfile(warehouse.path, path)
    return Warehouse(path)


ANSWERS = {
    "articles": "SELECT article_id, canonical_url, feed_id, first_seen_at, story_id, outlet(canonical_url) "
                "FROM articles ORDER BY ALL",
    "stories": "SELECT story_id, n_articles, n_sources, sites, first_seen_at FROM stories ORDER BY ALL",
    "entries": "SELECT feed_id, guid, canonical_url, article_id, first_seen_at, run_id FROM entries ORDER BY ALL",
    "lines": "SELECT site, article_id, story_id FROM story_lines ORDER BY ALL",
    "signatures": "SELECT article_id, story_id FROM story_signatures ORDER BY ALL",
    "indexed": "SELECT article_id FROM search_docs ORDER BY ALL",
}


def answers(warehouse: Warehouse) -> dict[str, Any]:
    with warehouse.reading() as con:
        found = {name: con.execute(sql).fetchall() for name, sql in ANSWERS.items()}
        found["fetched"] = sorted({canonicalize_url(u) for (u,) in con.execute(
            "SELECT url FROM entries WHERE article_id IS NULL").fetchall()})
    for site in ("herald.example", "courier.example", "2001:db8::1", "cdn.ampproject.org", "google.com"):
        rows = search.search_articles(warehouse, "story", SearchFilters(site=site), 1000).rows
        found[f"--site {site}"] = sorted((row[0], row[1]) for row in rows)
    return found


def kept_whole(old: Warehouse, upgraded: Warehouse) -> None:
    """Every row of the old warehouse's articles and entries is in the upgraded one or kept in its `_rekeyed` table."""
    with old.reading() as before, upgraded.reading() as after:
        for table, columns in (("articles", "article_id, canonical_url, url, text, fetched_at, feed_id, run_id"),
                               ("entries", "feed_id, guid, url, canonical_url, first_seen_at, run_id")):
            rows = set(before.execute(f"SELECT {columns} FROM {table}").fetchall())
            now = set(after.execute(f"SELECT {columns} FROM {table} UNION ALL "
                                    f"SELECT {columns} FROM {table}_rekeyed").fetchall())
            assert rows <= now, (table, rows - now)


items = st.lists(st.builds(Item, st.sampled_from(("agg", "pub")),
                           st.builds(link, st.sampled_from(FORMS), st.sampled_from(HOSTS),
                                     st.sampled_from(("/news/1", "/news/2", "/a?b=1&utm_source=x"))),
                           st.integers(0, 2), st.booleans()), min_size=1, max_size=10)


@settings(max_examples=examples(150, 3), deadline=None)
@given(items=items)
@example(items=[Item("agg", link("cache", "herald.example", "/news/1"), 0, True),
                Item("pub", link("direct", "www.herald.example", "/news/1"), 0, True),
                Item("agg", link("viewer", "[2001:0DB8:0:0:0:0:0:1]", "/news/2"), 1, False),
                Item("pub", link("direct", "[2001:db8::1]", "/news/2"), 1, True),
                Item("agg", link("bing", "courier.example:8443", "/news/1"), 0, True)])
def test_an_upgraded_warehouse_answers_as_if_stored_by_todays_rule(tmp_path_factory: Any, items: list[Item]) -> None:
    """Before 0108: the copies' outlets (`x-herald-example.cdn.ampproject.org`, `google.com`), each IPv6 spelling an
    outlet, the copy and the publisher's page two articles, an unfetched entry fetched from the cache."""
    folder = tmp_path_factory.mktemp("r55")
    old = at_level_0107(store(folder / "old.duckdb", items, old_rule=True), folder / "upgraded.duckdb")
    shutil.copyfile(old.path, folder / "before.duckdb")
    with old.writing():  # the upgrade: migration 0108
        pass
    assert answers(old) == answers(store(folder / "new.duckdb", items, old_rule=False))
    kept_whole(Warehouse(folder / "before.duckdb"), old)
