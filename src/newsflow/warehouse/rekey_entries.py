"""Migration 0108's entries (`newsflow.warehouse.rekeys`): each entry's new key, URL to fetch and article, the
entries then one key merged, all computed from the entries as stored, archived, then rewritten by one statement.

Of entries then one key (feed, GUID, canonical URL) the row kept is the stored one (it has an article), else a
waiting one, else the first seen; it takes the earliest sighting of them and its run (as one entry first seen then).
A re-keyed entry not stored whose URL to fetch changed (a copy's, now fetched from the publisher) is waiting with no
attempts, as a feed's new link is: it failed at the cache, never at the URL fetched now. One whose URL to fetch is
unchanged (an IPv6 spelling's) keeps its attempts, park and last outcome (a `killed_worker` park, the "send it alone"
of `left_by_cluster`): it failed at the very URL that would be fetched again; only its key changes (docs/search.md,
"Analyst 56"). A waiting entry is never dropped for a parked one."""

from __future__ import annotations

import duckdb

ENTRY_TABLES = ("entry_0108", "entry_keys_0108")


def entry_keys(con: duckdb.DuckDBPyConnection, changes: list[tuple[str, str, str, str]]) -> None:
    """`entry_keys_0108`: every entry the step changes (a link re-keyed, an article renamed or merged away, another
    entry's new key), as it will be; `n` = 1 for the row each key keeps. Reads `group_0108` (articles)."""
    con.execute("CREATE TEMP TABLE entry_0108 (url VARCHAR, old_url VARCHAR, new_fetch VARCHAR, new_url VARCHAR)")
    con.execute("INSERT INTO entry_0108 SELECT unnest($url), unnest($old), unnest($fetch), unnest($new)",
                {"url": [c[0] for c in changes], "old": [c[1] for c in changes],
                 "fetch": [c[2] for c in changes], "new": [c[3] for c in changes]})
    con.execute("""
        CREATE TEMP TABLE entry_keys_0108 AS
        SELECT *, row_number() OVER (key_group ORDER BY article_id IS NULL, parked, first_seen_at, url, r) AS n,
               min(first_seen_at) OVER key_group AS group_first_seen,
               arg_min(run_id, (first_seen_at, r)) OVER key_group AS group_run
        FROM (SELECT e.rowid AS r, e.feed_id, e.first_seen_at, e.run_id, e.article_id AS old_article,
                     coalesce(g.new_id, e.article_id) AS article_id, c.url IS NOT NULL AS rewritten,
                     coalesce(c.new_fetch <> c.url, false) AS moved,
                     e.parked_at IS NOT NULL AND NOT coalesce(c.new_fetch <> c.url, false) AS parked,
                     coalesce(c.new_fetch, e.url) AS url, coalesce(c.new_url, e.canonical_url) AS canonical_url,
                     CASE WHEN e.guid = c.old_url THEN c.new_url ELSE e.guid END AS guid
              FROM entries e LEFT JOIN entry_0108 c ON e.url = c.url AND e.canonical_url = c.old_url
              LEFT JOIN group_0108 g ON e.article_id = g.old_id
              WHERE c.url IS NOT NULL OR e.canonical_url IN (SELECT new_url FROM entry_0108)
                 OR g.old_id <> g.new_id OR NOT g.survives)
        WINDOW key_group AS (PARTITION BY feed_id, guid, canonical_url)""")


def archive_entries(con: duckdb.DuckDBPyConnection) -> None:
    """Every entry rewritten in any column or merged away, as stored, with the canonical URL it became."""
    con.execute("""INSERT INTO entries_rekeyed SELECT e.*, k.canonical_url, now() FROM entries e
                   JOIN entry_keys_0108 k ON e.rowid = k.r
                   WHERE k.rewritten OR k.n > 1 OR k.first_seen_at <> k.group_first_seen
                      OR k.run_id IS DISTINCT FROM k.group_run OR k.article_id IS DISTINCT FROM k.old_article""")


def rewrite_entries(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the merged-away rows; give the rest their key, article, sighting, and (moved, not stored) a fresh
    start."""
    con.execute("DELETE FROM entries WHERE rowid IN (SELECT r FROM entry_keys_0108 WHERE n > 1)")
    con.execute("""
        UPDATE entries SET url = k.url, canonical_url = k.canonical_url, guid = k.guid, article_id = k.article_id,
                           first_seen_at = k.group_first_seen, run_id = k.group_run,
                           fetch_attempts = CASE WHEN fresh THEN 0 ELSE fetch_attempts END,
                           last_outcome = CASE WHEN fresh THEN NULL ELSE last_outcome END,
                           parked_at = CASE WHEN fresh THEN NULL ELSE parked_at END,
                           last_error = CASE WHEN fresh THEN NULL ELSE last_error END
        FROM (SELECT *, moved AND article_id IS NULL AS fresh FROM entry_keys_0108 WHERE n = 1) k
        WHERE entries.rowid = k.r""")
