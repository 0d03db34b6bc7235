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
  it), and the other rows' entries, while their own pages, story rows and index rows go. Every row rewritten or
  merged away is kept whole in `articles_rekeyed` (with the id it became), so nothing stored is lost;
- a story named after a re-keyed article takes its new id, and a merged-away copy's story is merged into the
  survivor's (`story_merges` records both, run `migration 0108`, so an old story id still resolves);
- an entry takes the new canonical URL, the publisher's URL to fetch (`urls.fetched_url`), and, where its GUID was
  its old canonical URL (an item with none), the new one as GUID; entries that are then one key (feed, GUID,
  canonical URL) are one row, the one stored (else first seen). Rewritten entries are kept whole in
  `entries_rekeyed`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import duckdb

from newsflow.dedup import article_id_for, site_of_url
from newsflow.urls import canonicalize_url, fetched_url, former_canonical_url
from newsflow.warehouse.story_index import apply_story_merges

MIGRATION_RUN = "migration 0108"
"""The `run_id` of the story merges this step records."""

CANDIDATE = (r"regexp_matches(canonical_url, '^https?://(?:\[|[^/]*(?:cdn\.ampproject\.org|bing-amp\.com)[:/]|"
             r"(?:www\.)?google\.[a-z.]+(?::[0-9]+)?/amp/)')")
"""A stored canonical URL today's rule can spell otherwise: an IPv6 host, an AMP cache's host, Google's viewer path.
Only these are read in Python (a scan of the column by one regex on a large warehouse)."""


@dataclass(frozen=True)
class Rekey:
    """One article's old and new keys."""

    old_id: str
    new_id: str
    new_url: str


def rekey_former_urls(con: duckdb.DuckDBPyConnection) -> None:
    """Re-key the articles and entries the rule before "Analyst 54" keyed otherwise (module docstring)."""
    rekeys = _article_rekeys(con)
    if rekeys:
        _load_rekeys(con, rekeys)
        _merge_articles(con)
        _rename_everywhere(con)
        _rename_stories(con)
    _rekey_entries(con)


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


def _article_rekeys(con: duckdb.DuckDBPyConnection) -> list[Rekey]:
    rows = con.execute(f"SELECT article_id, url, canonical_url FROM articles WHERE {CANDIDATE}").fetchall()
    found = [(old_id, _new_url(url, canonical)) for old_id, url, canonical in rows]
    return [Rekey(old_id, article_id_for(new), new) for old_id, new in found if article_id_for(new) != old_id]


def _load_rekeys(con: duckdb.DuckDBPyConnection, rekeys: Iterable[Rekey]) -> None:
    """`rekey_0108` (old_id, new_id, new_url, site): every re-keyed article, and, when the new URL was stored already,
    that article too (old_id = new_id), so each group of one new URL is complete."""
    listed = list(rekeys)
    con.execute("CREATE TEMP TABLE rekey_0108 (old_id VARCHAR, new_id VARCHAR, new_url VARCHAR, site VARCHAR)")
    con.executemany("INSERT INTO rekey_0108 VALUES (?, ?, ?, ?)",
                    [(r.old_id, r.new_id, r.new_url, site_of_url(r.new_url)) for r in listed])
    con.execute("""
        INSERT INTO rekey_0108 SELECT DISTINCT a.article_id, a.article_id, a.canonical_url, NULL
        FROM articles a JOIN rekey_0108 r ON a.article_id = r.new_id""")


def _merge_articles(con: duckdb.DuckDBPyConnection) -> None:
    """Keep one row per new URL (the one stored under it, else the first fetched); archive every row rewritten or
    dropped."""
    con.execute("""
        CREATE TEMP TABLE group_0108 AS
        SELECT r.old_id, r.new_id, r.new_url, r.site, a.story_id, a.first_seen_at,
               row_number() OVER (PARTITION BY r.new_id ORDER BY (r.old_id = r.new_id) DESC, a.fetched_at, a.article_id)
                   = 1 AS survives,
               min(a.first_seen_at) OVER (PARTITION BY r.new_id) AS group_first_seen,
               arg_min(a.feed_id, (a.first_seen_at, a.fetched_at, a.article_id)) OVER (PARTITION BY r.new_id)
                   AS group_feed
        FROM rekey_0108 r JOIN articles a ON a.article_id = r.old_id""")
    con.execute("""
        INSERT INTO articles_rekeyed
        SELECT a.*, g.new_id, now() FROM articles a JOIN group_0108 g ON a.article_id = g.old_id
        WHERE g.old_id <> g.new_id OR NOT g.survives""")
    con.execute("DELETE FROM articles WHERE article_id IN (SELECT old_id FROM group_0108 WHERE NOT survives)")
    con.execute("""
        UPDATE articles SET article_id = g.new_id, canonical_url = g.new_url, first_seen_at = g.group_first_seen,
                            feed_id = g.group_feed,
                            ingest_latency = g.group_first_seen - articles.published_at
        FROM group_0108 g WHERE articles.article_id = g.old_id AND g.survives""")


def _rename_everywhere(con: duckdb.DuckDBPyConnection) -> None:
    """Each table naming an article by id: a dropped article's own rows go (its survivor has its own), except its
    entries, which now lead to the survivor; a renamed article's rows take its new id."""
    gone = "(SELECT old_id FROM group_0108 WHERE NOT survives)"
    for table in ("pages", "story_bands", "story_signatures", "story_lines", "reextract_done"):
        con.execute(f"DELETE FROM {table} WHERE article_id IN {gone}")
    con.execute(f"""DELETE FROM search_postings WHERE doc_id IN (
                        SELECT doc_id FROM search_docs WHERE article_id IN {gone})""")
    con.execute(f"DELETE FROM search_docs WHERE article_id IN {gone}")
    con.execute("""UPDATE entries SET article_id = g.new_id FROM group_0108 g
                   WHERE entries.article_id = g.old_id AND g.old_id <> g.new_id""")
    renamed = "FROM group_0108 g WHERE {table}.article_id = g.old_id AND g.survives AND g.old_id <> g.new_id"
    for table in ("pages", "story_bands", "story_signatures", "search_docs", "reextract_done"):
        con.execute(f"UPDATE {table} SET article_id = g.new_id " + renamed.format(table=table))
    con.execute("UPDATE story_lines SET article_id = g.new_id, site = coalesce(g.site, story_lines.site) "
                + renamed.format(table="story_lines"))


def _rename_stories(con: duckdb.DuckDBPyConnection) -> None:
    """A story named after a re-keyed article takes the article's new id (two such stories of one new URL are then
    one); a dropped copy's story is merged into its survivor's (the same article is one story). Recorded in
    `story_merges`, so an old story id resolves."""
    renames = con.execute("""
        SELECT g.old_id, g.new_id FROM group_0108 g
        WHERE g.old_id <> g.new_id AND g.story_id = g.old_id ORDER BY g.survives DESC, g.old_id""").fetchall()
    apply_story_merges(con, [(old, new, new) for old, new in renames], MIGRATION_RUN)
    merges = con.execute("""
        SELECT DISTINCT a.story_id, s.story_id, s.article_id
        FROM group_0108 d JOIN articles_rekeyed a ON a.article_id = d.old_id
        JOIN articles s ON s.article_id = d.new_id WHERE NOT d.survives""").fetchall()
    renamed = dict(renames)
    for old_story, survivor_story, survivor in merges:
        old_story = renamed.get(old_story, old_story)
        if old_story != survivor_story:
            apply_story_merges(con, [(old_story, survivor_story, survivor)], MIGRATION_RUN)


def _rekey_entries(con: duckdb.DuckDBPyConnection) -> None:
    """New canonical URL, URL fetched and (for an item without a GUID) GUID of each entry the old rule keyed
    otherwise; entries that are then one key are one row, the stored one, else the first seen, which takes the earliest
    sighting of them and its run (as one entry first seen then). Rows rewritten or dropped are archived as they were."""
    rows = con.execute(f"SELECT DISTINCT url, canonical_url FROM entries WHERE {CANDIDATE}").fetchall()
    changes = [(url, old, fetched_url(url), _new_url(url, old)) for url, old in rows]
    changes = [c for c in changes if c[2:] != c[:2]]
    if not changes:
        return
    con.execute("CREATE TEMP TABLE entry_0108 (url VARCHAR, old_url VARCHAR, new_fetch VARCHAR, new_url VARCHAR)")
    con.executemany("INSERT INTO entry_0108 VALUES (?, ?, ?, ?)", changes)
    con.execute("""
        CREATE TEMP TABLE entry_keys_0108 AS
        SELECT *, row_number() OVER (key_group ORDER BY article_id IS NULL, first_seen_at, url, r) AS n,
               min(first_seen_at) OVER key_group AS group_first_seen,
               arg_min(run_id, first_seen_at) OVER key_group AS group_run
        FROM (SELECT e.rowid AS r, e.feed_id, e.article_id, e.first_seen_at, e.run_id, c.url IS NOT NULL AS rewritten,
                     coalesce(c.new_fetch, e.url) AS url, coalesce(c.new_url, e.canonical_url) AS canonical_url,
                     CASE WHEN e.guid = c.old_url THEN c.new_url ELSE e.guid END AS guid
              FROM entries e LEFT JOIN entry_0108 c ON e.url = c.url AND e.canonical_url = c.old_url
              WHERE c.url IS NOT NULL OR e.canonical_url IN (SELECT new_url FROM entry_0108))
        WINDOW key_group AS (PARTITION BY feed_id, guid, canonical_url)""")
    con.execute("""INSERT INTO entries_rekeyed SELECT e.*, k.canonical_url, now() FROM entries e
                   JOIN entry_keys_0108 k ON e.rowid = k.r
                   WHERE k.rewritten OR k.n > 1 OR k.first_seen_at <> k.group_first_seen""")
    con.execute("DELETE FROM entries WHERE rowid IN (SELECT r FROM entry_keys_0108 WHERE n > 1)")
    con.execute("""
        UPDATE entries SET url = k.url, canonical_url = k.canonical_url, guid = k.guid,
                           first_seen_at = k.group_first_seen, run_id = k.group_run
        FROM entry_keys_0108 k WHERE entries.rowid = k.r AND k.n = 1""")
    _follow_earlier_sightings(con)


def _follow_earlier_sightings(con: duckdb.DuckDBPyConnection) -> None:
    """An entry merged into an article's entry took an earlier sighting: the article's `first_seen_at` (the earliest
    of its entries') follows; the row as it was is archived unless the article rewrite archived it already."""
    con.execute("""
        CREATE TEMP TABLE seen_0108 AS
        SELECT s.article_id, s.seen FROM (
            SELECT article_id, min(first_seen_at) AS seen FROM entries
            WHERE article_id IN (SELECT article_id FROM entry_keys_0108) GROUP BY article_id) s
        JOIN articles a USING (article_id) WHERE s.seen < coalesce(a.first_seen_at, 'infinity')""")
    con.execute("""INSERT INTO articles_rekeyed SELECT a.*, a.article_id, now() FROM articles a
                   WHERE a.article_id IN (SELECT article_id FROM seen_0108)
                     AND a.article_id NOT IN (SELECT rekeyed_to FROM articles_rekeyed)""")
    con.execute("""UPDATE articles SET first_seen_at = s.seen, ingest_latency = s.seen - articles.published_at
                   FROM seen_0108 s WHERE articles.article_id = s.article_id""")
