"""Migration 0108's Python step: rows stored before "Analyst 54" re-keyed as today's rule keys them (docs/search.md,
"Analyst 55"; warehouse/README.md, `articles_rekeyed`).

Before "Analyst 54" an AMP cache's or viewer's copy (`https://www-x-com.cdn.ampproject.org/c/s/x.com/a`,
`https://www.google.com/amp/s/x.com/a`) was stored under the cache's URL, and an IPv6 host as the page wrote it
(`[2001:0db8:0:0:0:0:0:1]`): the outlet macro, `--site` and dedup saw the cache (or each spelling) as an outlet of its
own, and an entry not fetched yet was fetched from the cache. SQL can neither compress an address nor canonicalise
the URL a copy names, so this step reads the few stored URLs that can be such (`CANDIDATE`) in Python
(`urls.canonicalize_url`) and rewrites them, in the migration's transaction:

- an article takes its new canonical URL and `article_id` (sha256 of it) in every table that names it; articles that
  are then one URL (the copy and the publisher's own page, two spellings of one address) are merged into one row:
  the one already under the new URL (the publisher's page, not a cache's stale copy or a viewer's frame), else the
  first fetched; it takes the earliest `first_seen_at` of them and that row's `feed_id` (the first feed that carried
  it), and the other rows' entries, while their own pages, story rows and index rows go;
- a story named after a re-keyed article takes its new id, and a merged-away copy's story is merged into the
  survivor's (the same article is one story): one map, old story -> final story, chains followed; `story_merges`
  records each old id (run `migration 0108`), so an old story id still resolves;
- an entry takes the new canonical URL, the publisher's URL to fetch (`urls.fetched_url`), and, where its GUID was
  its old canonical URL (an item with none), the new one as GUID; entries that are then one key (feed, GUID,
  canonical URL) are one row: the stored one, else a waiting one, else (all parked) the first seen. An entry whose
  URL to fetch changed and that was not stored is unparked with no attempts: its failures were the cache's. One
  whose URL to fetch is unchanged (an IPv6 spelling) keeps its attempts and park, and only its key changes: it
  failed at the URL fetched now ("Analyst 56").

Every row this step changes in any column, or merges away, is archived whole (`articles_rekeyed`, `entries_rekeyed`,
with the key it became) before any column of it is rewritten. The work is set-based: the candidates are read once in
Python, then each table is rewritten by one statement joined on the maps (seconds on a large warehouse, whatever the
number of rows to re-key).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import duckdb

from newsflow.urls import canonicalize_url, fetched_url, former_canonical_url
from newsflow.warehouse.rekey_entries import ENTRY_TABLES, archive_entries, entry_keys, rewrite_entries
from newsflow.warehouse.rekey_stories import STORY_TABLES, apply_story_map, story_map

MIGRATION_RUN = "migration 0108"
"""The `run_id` of the story merges this step records."""

CANDIDATE = (r"regexp_matches(canonical_url, '^https?://(?:\[|[^/]*(?:cdn\.ampproject\.org|bing-amp\.com)[:/]|"
             r"(?:www\.)?google\.[a-z.]+(?::[0-9]+)?/amp/)')")
"""A stored canonical URL today's rule can spell otherwise: an IPv6 host, an AMP cache's host, Google's viewer path.
Only these are read in Python (a scan of the column by one regex on a large warehouse)."""

TEMP_TABLES = ("rekey_0108", "group_0108", "changed_0108", "seen_0108", *STORY_TABLES, *ENTRY_TABLES)


@dataclass(frozen=True)
class Rekey:
    """One article's old and new keys."""

    old_id: str
    new_id: str
    new_url: str


def rekey_former_urls(con: duckdb.DuckDBPyConnection) -> None:
    """Re-key the articles and entries the rule before "Analyst 54" keyed otherwise (module docstring)."""
    from newsflow.dedup import article_id_for, site_of_url  # here: dedup loads numpy, and every CLI command migrates

    rekeys = _article_rekeys(con, article_id_for)
    entry_changes = _entry_changes(con)
    if not rekeys and not entry_changes:
        return
    _load_rekeys(con, rekeys, site_of_url)
    _group_articles(con)
    story_map(con, MIGRATION_RUN)
    entry_keys(con, entry_changes)
    _archive_articles(con)  # every row archived as it was, before any statement below rewrites it
    archive_entries(con)
    _merge_articles(con)
    _rename_everywhere(con)
    apply_story_map(con)
    rewrite_entries(con)
    _follow_earlier_sightings(con)
    for table in TEMP_TABLES:
        con.execute(f"DROP TABLE IF EXISTS {table}")


def _new_url(given: str, canonical: str) -> str:
    """Today's canonical URL of a row keyed `canonical` by the old rule from the link `given` (the entry's, the
    article's URL fetched): today's rule applied to the link when the old rule made this key of it (the old key
    wrote a viewer's `/amp/s/[2001:db8::1]/` as `/amp/s/%5B2001:db8::1%5D/`, which reads as no copy), else to the
    key; a key no rule takes stays."""
    for url in (given, canonical):
        try:
            if url == canonical or (former_canonical_url(url) or canonicalize_url(url)) == canonical:
                return canonicalize_url(url)
        except ValueError:
            continue
    return canonical


def _article_rekeys(con: duckdb.DuckDBPyConnection, article_id_for: Callable[[str], str]) -> list[Rekey]:
    rows = con.execute(f"SELECT article_id, url, canonical_url FROM articles WHERE {CANDIDATE}").fetchall()
    found = [(old_id, _new_url(url, canonical)) for old_id, url, canonical in rows]
    return [Rekey(old_id, article_id_for(new), new) for old_id, new in found if article_id_for(new) != old_id]


def _entry_changes(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str, str]]:
    """(url, old canonical URL, new URL to fetch, new canonical URL) of each entry's link the old rule keyed
    otherwise."""
    rows = con.execute(f"SELECT DISTINCT url, canonical_url FROM entries WHERE {CANDIDATE}").fetchall()
    changes = [(url, old, fetched_url(url), _new_url(url, old)) for url, old in rows]
    return [c for c in changes if c[2:] != c[:2]]


def _load_rekeys(con: duckdb.DuckDBPyConnection, rekeys: Iterable[Rekey], site_of_url: Callable[[str], str]) -> None:
    """`rekey_0108` (old_id, new_id, new_url, site): every re-keyed article, and, when the new URL was stored already,
    that article too (old_id = new_id), so each group of one new URL is complete. Loaded as four lists, one
    statement."""
    listed = list(rekeys)
    con.execute("CREATE TEMP TABLE rekey_0108 (old_id VARCHAR, new_id VARCHAR, new_url VARCHAR, site VARCHAR)")
    con.execute("INSERT INTO rekey_0108 SELECT unnest($old), unnest($new), unnest($url), unnest($site)",
                {"old": [r.old_id for r in listed], "new": [r.new_id for r in listed],
                 "url": [r.new_url for r in listed], "site": [site_of_url(r.new_url) for r in listed]})
    con.execute("""
        INSERT INTO rekey_0108 SELECT DISTINCT a.article_id, a.article_id, a.canonical_url, NULL
        FROM articles a JOIN rekey_0108 r ON a.article_id = r.new_id""")


def _group_articles(con: duckdb.DuckDBPyConnection) -> None:
    """`group_0108`: each re-keyed article's group of one new URL, its survivor (the one stored under it, else the
    first fetched), the group's earliest first sighting and that row's feed."""
    con.execute("""
        CREATE TEMP TABLE group_0108 AS
        SELECT r.old_id, r.new_id, r.new_url, r.site, a.story_id, a.first_seen_at,
               row_number() OVER (PARTITION BY r.new_id ORDER BY (r.old_id = r.new_id) DESC, a.fetched_at, a.article_id)
                   = 1 AS survives,
               min(a.first_seen_at) OVER (PARTITION BY r.new_id) AS group_first_seen,
               arg_min(a.feed_id, (a.first_seen_at, a.fetched_at, a.article_id)) OVER (PARTITION BY r.new_id)
                   AS group_feed
        FROM rekey_0108 r JOIN articles a ON a.article_id = r.old_id""")


def _archive_articles(con: duckdb.DuckDBPyConnection) -> None:
    """Archive, as they are, the articles merged away, re-keyed, given a group's feed or first sighting, or whose story
    the map renames; `changed_0108` holds the ids the archived rows that stay will have."""
    con.execute("""
        CREATE TEMP TABLE changed_0108 AS
        SELECT a.article_id AS old_id, coalesce(g.new_id, a.article_id) AS rekeyed_to,
               coalesce(g.survives, true) AS survives
        FROM articles a LEFT JOIN group_0108 g ON a.article_id = g.old_id
        LEFT JOIN story_map_0108 m ON a.story_id = m.story_id
        WHERE m.story_id IS NOT NULL OR g.old_id <> g.new_id OR NOT g.survives
           OR (g.old_id IS NOT NULL AND (a.feed_id IS DISTINCT FROM g.group_feed
                                         OR a.first_seen_at IS DISTINCT FROM g.group_first_seen))""")
    con.execute("""INSERT INTO articles_rekeyed SELECT a.*, c.rekeyed_to, now()
                   FROM articles a JOIN changed_0108 c ON a.article_id = c.old_id""")


def _merge_articles(con: duckdb.DuckDBPyConnection) -> None:
    """Keep one row per new URL, with the group's first sighting and feed (archived first: `_archive_articles`)."""
    con.execute("DELETE FROM articles WHERE article_id IN (SELECT old_id FROM group_0108 WHERE NOT survives)")
    con.execute("""
        UPDATE articles SET article_id = g.new_id, canonical_url = g.new_url, first_seen_at = g.group_first_seen,
                            feed_id = g.group_feed,
                            ingest_latency = g.group_first_seen - articles.published_at
        FROM group_0108 g WHERE articles.article_id = g.old_id AND g.survives""")


def _rename_everywhere(con: duckdb.DuckDBPyConnection) -> None:
    """Each table naming an article by id (entries: `rewrite_entries`): a dropped article's own rows go (its survivor
    has its own), and its postings leave their segments' counts; a renamed article's rows take its new id."""
    gone = "(SELECT old_id FROM group_0108 WHERE NOT survives)"
    for table in ("pages", "story_bands", "story_signatures", "story_lines", "reextract_done"):
        con.execute(f"DELETE FROM {table} WHERE article_id IN {gone}")
    gone_docs = f"(SELECT doc_id FROM search_docs WHERE article_id IN {gone})"
    con.execute(f"""
        UPDATE search_segments SET postings = search_segments.postings - d.n
        FROM (SELECT s.doc_lo, count(*) AS n FROM search_postings p
              JOIN search_segments s ON p.doc_id BETWEEN s.doc_lo AND s.doc_hi
              WHERE p.doc_id IN {gone_docs} GROUP BY s.doc_lo) d
        WHERE search_segments.doc_lo = d.doc_lo""")
    con.execute(f"DELETE FROM search_postings WHERE doc_id IN {gone_docs}")
    con.execute(f"DELETE FROM search_docs WHERE article_id IN {gone}")
    renamed = "FROM group_0108 g WHERE {table}.article_id = g.old_id AND g.survives AND g.old_id <> g.new_id"
    for table in ("pages", "story_bands", "story_signatures", "search_docs", "reextract_done"):
        con.execute(f"UPDATE {table} SET article_id = g.new_id " + renamed.format(table=table))
    con.execute("UPDATE story_lines SET article_id = g.new_id, site = coalesce(g.site, story_lines.site) "
                + renamed.format(table="story_lines"))


def _follow_earlier_sightings(con: duckdb.DuckDBPyConnection) -> None:
    """An entry merged into an article's entry took an earlier sighting: the article's `first_seen_at` (the earliest
    of its entries') follows; the row as it was is archived unless this step archived it already."""
    con.execute("""
        CREATE TEMP TABLE seen_0108 AS
        SELECT s.article_id, s.seen FROM (
            SELECT article_id, min(first_seen_at) AS seen FROM entries
            WHERE article_id IN (SELECT article_id FROM entry_keys_0108) GROUP BY article_id) s
        JOIN articles a USING (article_id) WHERE s.seen < coalesce(a.first_seen_at, 'infinity')""")
    con.execute("""INSERT INTO articles_rekeyed SELECT a.*, a.article_id, now() FROM articles a
                   WHERE a.article_id IN (SELECT article_id FROM seen_0108)
                     AND a.article_id NOT IN (SELECT rekeyed_to FROM changed_0108 WHERE survives)""")
    con.execute("""UPDATE articles SET first_seen_at = s.seen, ingest_latency = s.seen - articles.published_at
                   FROM seen_0108 s WHERE articles.article_id = s.article_id""")
