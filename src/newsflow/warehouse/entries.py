"""Entries: the feeds' items as stored, which of them wait for a fetch, and each fetch attempt's mark.

Split out of `warehouse.loads` (which re-exports these names); the same set-based, idempotent
writes: column lists unnested into one statement, anti-joins instead of unique indexes.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import duckdb

from newsflow.credentials import optional_without_credentials, url_without_credentials
from newsflow.models import EntryAttempt, FeedEntry, PendingArticle
from newsflow.refusedpages import authority, server_key
from newsflow.urls import host_key, host_of
from newsflow.warehouse.loads import unnested

K = TypeVar("K", bound=Hashable)

FIRST_WINDOW = timedelta(days=4)  # a page's refusals read back in windows of 4 days, 16 days, ...
MAX_WINDOW = timedelta(days=64)  # past it, the rest of its life at once
# A run's events may come before its start as stored, by the clock set back during it (`run_parked`), and a run
# is read back a day from a refusal: a bounded read of a table appended in time order.
RUN_CLOCK_SLACK = timedelta(days=1)


def insert_entries(
    con: duckdb.DuckDBPyConnection, run_id: str, entries: Sequence[FeedEntry],
    seen_at: Sequence[datetime] | None = None,
) -> dict[str, int]:
    """Insert the entries not seen before; returns how many were new, per feed.

    An entry is (feed_id, guid, canonical_url): one GUID reused for another link is another entry.
    A new GUID for a link, title and summary (when both have one) the feed listed before is the same
    entry: some CMSs make new GUIDs on every poll (docs/polling.md, "Entries and their identity").
    `seen_at`, one per entry, is when its feed was polled: `first_seen_at` keeps it, so a load
    replayed from the spool by a later run keeps the time of the poll (default: now). An entry stored by the rule
    before "Analyst 54" under its `former_canonical_url` (an AMP copy's URL, an IPv6 host as written; its GUID that
    URL when it had none) is the same entry: an item still in a feed after the upgrade is not stored twice.
    """
    if not entries:
        return {}
    columns: dict[str, list[Any]] = {
        "feed_id": [e.feed_id for e in entries],
        "guid": [url_without_credentials(e.key) for e in entries],  # a GUID is often the link
        "url": [url_without_credentials(e.url) for e in entries],  # never sent, so not needed to fetch
        "canonical_url": [e.canonical_url for e in entries],
        "former_canonical_url": [e.former_canonical_url for e in entries],
        "title": [e.title for e in entries],
        "summary": [e.summary for e in entries],
        "published_at": [e.published_at for e in entries],
        "published_date": [e.published_date for e in entries],
        "published_zone_given": [e.published_zone_given for e in entries],
        "updated_at": [e.updated_at for e in entries],
        "first_seen_at": list(seen_at) if seen_at is not None else [None] * len(entries),
    }
    note_changes(con, columns)
    rows = con.execute(
        f"""
        INSERT INTO entries (feed_id, guid, url, canonical_url, title, summary, published_at, published_date,
                             published_zone_given, updated_at, first_seen_at, run_id)
        SELECT n.* EXCLUDE (former_canonical_url, first_seen_at), coalesce(n.first_seen_at, now()), $run_id FROM (
            SELECT DISTINCT ON (feed_id, canonical_url, title, summary) * FROM (
                SELECT DISTINCT ON (feed_id, guid, canonical_url) * FROM ({unnested(columns)}))
        ) AS n
        WHERE NOT EXISTS (
            SELECT 1 FROM entries e
            WHERE e.feed_id = n.feed_id AND e.canonical_url = n.canonical_url
              AND (e.guid = n.guid OR (e.title IS NOT DISTINCT FROM n.title
                                       AND coalesce(e.summary = n.summary, TRUE))))
        AND NOT EXISTS (  -- two equality joins, not an OR in one: each stays a hash join
            SELECT 1 FROM entries e
            WHERE e.feed_id = n.feed_id AND e.canonical_url = n.former_canonical_url::VARCHAR  -- all NULL: no type
              AND (e.guid IN (n.guid, n.former_canonical_url::VARCHAR) OR (e.title IS NOT DISTINCT FROM n.title
                                                                  AND coalesce(e.summary = n.summary, TRUE))))
        RETURNING feed_id
        """,
        {**columns, "run_id": run_id},
    ).fetchall()
    counts: dict[str, int] = {}
    for (feed_id,) in rows:
        counts[feed_id] = counts.get(feed_id, 0) + 1
    return counts


def note_changes(con: duckdb.DuckDBPyConnection, columns: dict[str, list[Any]]) -> None:
    """Of the entries seen again (same feed, GUID and canonical URL) whose article is stored, note when the feed says
    each changed ("Updates 58"): its title changed (the poll's time), or its `updated` moved forward (that date).
    `changed_at` then leads to a refetch when it is later than the article's last fetch (`refetch_targets`). The row
    keeps the title and `updated` last seen; an `updated` first seen on a row (stored before 0112, or without one)
    is kept as the one to compare with, and is no change."""
    names = ["feed_id", "guid", "canonical_url", "title", "updated_at"]
    found = con.execute(  # a read first: most polls change nothing, and an UPDATE's join writes nothing for them
        f"""
        SELECT e.rowid, n.title, n.updated_at, CASE
                   WHEN n.title IS NOT NULL AND n.title IS DISTINCT FROM e.title THEN now()
                   WHEN n.updated_at > e.updated_at THEN least(n.updated_at, now())  -- an `updated` ahead: seen now
                   ELSE e.changed_at END
        FROM entries e JOIN (
            SELECT DISTINCT ON (feed_id, guid, canonical_url) feed_id, guid, canonical_url, title::VARCHAR AS title,
                   updated_at::TIMESTAMPTZ AS updated_at FROM ({unnested(names)})) AS n  -- all NULL: no type
          ON e.feed_id = n.feed_id AND e.guid = n.guid AND e.canonical_url = n.canonical_url
        WHERE list_contains($feeds, e.feed_id) AND e.article_id IS NOT NULL  -- a poll's one feed: filtered in the scan
          AND ((n.title IS NOT NULL AND n.title IS DISTINCT FROM e.title)
               OR n.updated_at > coalesce(e.updated_at, n.updated_at - INTERVAL 1 SECOND))
        """,
        {**{name: columns[name] for name in names}, "feeds": sorted(set(columns["feed_id"]))},
    ).fetchall()
    if not found:
        return
    con.execute(
        """
        UPDATE entries SET changed_at = n.changed_at, title = coalesce(n.title, entries.title),
                           updated_at = greatest(n.updated_at, entries.updated_at)
        FROM (SELECT unnest($rowid) AS row_number, unnest($title)::VARCHAR AS title,
                     unnest($updated_at)::TIMESTAMPTZ AS updated_at,
                     unnest($changed_at)::TIMESTAMPTZ AS changed_at) AS n
        WHERE entries.rowid = n.row_number
        """,
        {"rowid": [r[0] for r in found], "title": [r[1] for r in found], "updated_at": [r[2] for r in found],
         "changed_at": [r[3] for r in found]},
    )


def link_stored_entries(con: duckdb.DuckDBPyConnection) -> int:
    """Point new entries (never fetched) at an article already stored under their canonical URL.

    Entries that were fetched are linked by `load_articles`, which marks every entry of a URL, parked ones too
    (`link_parked_entries`); migration 0110 linked the parked ones earlier versions left unlinked.
    """
    new = con.execute("SELECT count(*) FROM entries WHERE article_id IS NULL AND fetch_attempts = 0").fetchall()
    if new == [(0,)]:
        return 0
    rows = con.execute(
        """
        UPDATE entries SET article_id = a.article_id
        FROM (SELECT article_id, canonical_url FROM articles WHERE canonical_url IN (
                SELECT canonical_url FROM entries WHERE article_id IS NULL AND fetch_attempts = 0)) AS a
        WHERE entries.article_id IS NULL AND entries.fetch_attempts = 0 AND a.canonical_url = entries.canonical_url
        RETURNING 1
        """
    ).fetchall()
    return len(rows)


def waiting_netlocs(con: duckdb.DuckDBPyConnection, feed_ids: Sequence[str]) -> list[str]:
    """The `host[:port]` parts, as stored, of the canonical URLs still to fetch (not stored, not parked)."""
    rows = con.execute(
        "SELECT DISTINCT split_part(canonical_url, '/', 3) FROM entries "  # canonical: scheme://host[:port]/...
        "WHERE article_id IS NULL AND parked_at IS NULL AND list_contains($feed_ids, feed_id)",
        {"feed_ids": list(feed_ids)},
    ).fetchall()
    return [str(netloc) for (netloc,) in rows]


def netloc_key(netloc: str) -> str:
    """A stored canonical URL's `host[:port]` as `urls.host_key` spells its host (the gate's and pauses' key)."""
    return host_key(host_of(f"http://{netloc}/") or netloc.lower())  # no valid URL's host: as it is


def held_netlocs(netlocs: Sequence[str], hosts: Sequence[str]) -> list[str]:
    """The `netlocs` whose host is one of `hosts` (by any spelling: `urls.host_key`, in Python only)."""
    keys = {host_key(host) for host in hosts}
    return [netloc for netloc in netlocs if netloc_key(netloc) in keys]


def pending_entries(
    con: duckdb.DuckDBPyConnection, feed_ids: Sequence[str], limit: int | None = None, last_hosts: Sequence[str] = ()
) -> tuple[list[PendingArticle], int]:
    """Up to `limit` rows, one per canonical URL still to fetch (not stored, not parked), from its
    earliest entry; and how many there are in all.

    Hosts take turns, each one's oldest first: every host's oldest page, then every host's second,
    and so on (hosts in the order of their oldest page); within a host, the feeds linking it take
    turns the same way. Oldest first across hosts, one host whose pages hang (one feed listing
    hundreds of them) filled every batch, each page its whole deadline at `per_host_concurrency` at
    a time, and the run's budget ran out before any other feed's page. The hosts in `last_hosts` (paused
    by a Retry-After: `hostholds`; their robots.txt unreadable: `robotholds`) come after every other host's
    pages, so they take no turn from a host that is free under the limit; they still count in the total, and
    their pages are chosen when there is room. Which stored `host[:port]`s they are is told in Python
    (`held_netlocs`): `urls.host_key` has one spelling, not a second one in SQL."""
    held = held_netlocs(waiting_netlocs(con, feed_ids), last_hosts) if last_hosts else []
    rows = con.execute(
        """
        WITH waiting AS (
            SELECT * FROM entries
            WHERE article_id IS NULL AND parked_at IS NULL AND list_contains($feed_ids, feed_id)
        ), pending AS (  -- narrow rows for the two sorts below; the rest is read for the chosen ones
            SELECT canonical_url, arg_min(feed_id, first_seen_at) AS feed_id, min(first_seen_at) AS seen_at,
                   split_part(canonical_url, '/', 3) AS host  -- canonical: scheme://host[:port]/...
            FROM waiting GROUP BY canonical_url
        ), feed_turns AS (
            SELECT *, row_number() OVER (PARTITION BY host, feed_id ORDER BY seen_at, canonical_url) AS feed_turn,
                   min(seen_at) OVER (PARTITION BY host, feed_id) AS feed_seen_at
            FROM pending
        ), chosen AS (
            SELECT canonical_url, count(*) OVER () AS total,
                   row_number() OVER (PARTITION BY host ORDER BY feed_turn, feed_seen_at, feed_id, seen_at,
                                                             canonical_url) AS turn,
                   min(seen_at) OVER (PARTITION BY host) AS host_seen_at, host, seen_at,
                   list_contains($held, host) AS held_back
            FROM feed_turns
            ORDER BY held_back, turn, host_seen_at, host, seen_at, canonical_url
            LIMIT $limit
        )
        SELECT c.canonical_url, arg_min(w.url, w.first_seen_at), arg_min(w.feed_id, w.first_seen_at),
               arg_min(w.title, w.first_seen_at), arg_min(w.published_at, w.first_seen_at), any_value(c.total),
               arg_min(w.published_date, w.first_seen_at),
               bool_or(w.last_outcome IN ('left_by_cluster', 'killed_worker')),
               arg_min(w.published_zone_given, w.first_seen_at)
        FROM chosen c JOIN waiting w USING (canonical_url)
        GROUP BY c.canonical_url, c.held_back, c.turn, c.host_seen_at, c.host, c.seen_at
        ORDER BY c.held_back, c.turn, c.host_seen_at, c.host, c.seen_at, c.canonical_url
        """,
        {"feed_ids": list(feed_ids), "limit": limit, "held": held},
    ).fetchall()
    total = int(rows[0][5]) if rows else 0
    return [PendingArticle(canonical_url=r[0], url=r[1], feed_id=r[2], title=r[3], published_at=r[4],
                           published_date=r[6], lost_with_batch=bool(r[7]), published_zone_given=r[8])
            for r in rows], total


def record_attempts(
    con: duckdb.DuckDBPyConnection, attempts: Sequence[EntryAttempt], max_attempts: int = 3,
    terminal_outcomes: Sequence[str] = (),
) -> None:
    """Mark each attempt on every unstored entry of its canonical URL, and park the entries that
    failed `max_attempts` times, or with an outcome another try would not change. A parked entry is not marked:
    a stored page links it through `link_parked_entries`."""
    if not attempts:
        return
    con.execute(
        """
        UPDATE entries SET
            article_id = coalesce(a.article_id, entries.article_id),
            fetch_attempts = entries.fetch_attempts + CASE WHEN a.counts AND a.article_id IS NULL THEN 1 ELSE 0 END,
            last_outcome = a.outcome,
            last_error = CASE WHEN a.article_id IS NULL THEN a.error ELSE entries.last_error END,
            parked_at = CASE WHEN a.article_id IS NULL AND (coalesce(a.terminal, list_contains($terminal, a.outcome)) OR
                                  (a.counts AND entries.fetch_attempts + 1 >= $max_attempts))
                             THEN coalesce(a.at, now()) ELSE entries.parked_at END
        FROM (SELECT unnest($canonical_url) AS canonical_url, unnest($article_id) AS article_id,
                     unnest($outcome) AS outcome, unnest($error) AS error, unnest($counts) AS counts,
                     unnest($at) AS at, unnest($is_terminal) AS terminal) AS a
        WHERE entries.canonical_url = a.canonical_url AND entries.article_id IS NULL AND entries.parked_at IS NULL
        """,
        {
            "canonical_url": [a.entry_canonical_url for a in attempts],
            "article_id": [a.article_id for a in attempts],
            "outcome": [a.outcome for a in attempts],
            "error": [optional_without_credentials(a.error) for a in attempts],
            "counts": [a.counts for a in attempts],
            "at": [a.at for a in attempts],
            "is_terminal": [a.terminal for a in attempts],
            "terminal": list(terminal_outcomes),
            "max_attempts": max_attempts,
        },
    )


def link_parked_entries(
    con: duckdb.DuckDBPyConnection, attempts: Sequence[EntryAttempt], articles: Sequence[tuple[str, str]]
) -> None:
    """Point the parked, unlinked entries of a load's stored pages at their article ("Analyst 58": another feed's
    entry, parked before this load stored its URL). Migration 0110's two joins, limited to the batch: an entry of an
    article's canonical URL (`articles`: the batch's (canonical_url, article_id); also when the page stored was another
    URL declaring it), else of the URL the storing entry listed. Only `article_id` is set: the entry keeps
    `parked_at`, attempts, last outcome and error, the history of its own fetches, the same shape 0110 left."""
    listed = [(a.entry_canonical_url, a.article_id) for a in attempts if a.article_id is not None]
    if not listed and not articles:
        return
    con.execute(
        """
        UPDATE entries SET article_id = stored.article_id
        FROM (SELECT canonical_url, arg_min(article_id, (rank, article_id)) AS article_id FROM (
                  SELECT unnest($url) AS canonical_url, unnest($id) AS article_id, unnest($rank) AS rank)
              GROUP BY canonical_url) AS stored
        WHERE entries.article_id IS NULL AND entries.parked_at IS NOT NULL
          AND entries.canonical_url = stored.canonical_url
        """,
        {"url": [url for url, _ in [*articles, *listed]], "id": [i for _, i in [*articles, *listed]],
         "rank": [0] * len(articles) + [1] * len(listed)},
    )


def count_parked(con: duckdb.DuckDBPyConnection, canonical_urls: Sequence[str]) -> int:
    """How many of these canonical URLs are parked (unstored)."""
    rows = con.execute(
        "SELECT count(DISTINCT canonical_url) FROM entries WHERE parked_at IS NOT NULL AND article_id IS NULL "
        "AND canonical_url IN (SELECT unnest($urls))",
        {"urls": list(canonical_urls)},
    ).fetchall()
    return int(rows[0][0])


def refusal_history(
    con: duckdb.DuckDBPyConnection, run_id: str, urls: Sequence[str], entry_urls: Sequence[str],
) -> tuple[dict[str, list[tuple[datetime, bool]]], dict[str, datetime]]:
    """For `refusedpages`: each article URL's asks in runs before `run_id` (time, and whether it was a counted
    refusal: a 429 or 503 asking a pause, no article of its host served before it in that run), in time order, from
    its last ask that was not one on (the row of counted refusals starts after it, whatever came before); and each
    host's first served article's time in `run_id` so far. The asks are read from the entries' first sighting on
    (no page is asked before it is seen: the pages' own life, whatever the schedule), and whether a host served a
    page before a refusal is read ask by ask, newest first, over its own run's day, until one did."""
    seen = con.execute("SELECT min(first_seen_at) FROM entries WHERE canonical_url IN (SELECT unnest($urls))",
                       {"urls": list(entry_urls)}).fetchall()[0][0]
    clean = {url_without_credentials(url): url for url in urls}  # as `insert_fetch_events` stored them
    rows = con.execute(
        "SELECT url, run_id, min(\"at\") AS asked_at, bool_and(outcome = 'rate_limited') FROM fetch_events "
        "WHERE \"at\" >= $seen AND kind = 'article' AND status_code IS NOT NULL AND run_id <> $run "
        "AND url IN (SELECT unnest($urls)) GROUP BY url, run_id ORDER BY url, asked_at",
        {"seen": seen, "run": run_id, "urls": list(clean)},
    ).fetchall() if seen is not None else []
    asks: dict[str, list[tuple[str, datetime, bool]]] = {}
    for url, run, at, refused in rows:
        asks.setdefault(str(url), []).append((str(run), at, bool(refused)))
    counted = _counted_back(con, {url: _trailing_refusals(ones) for url, ones in asks.items()})
    history = {clean[url]: [(at, True) for _, at in counted[url][::-1]] for url in asks if url in clean}
    for url, ones in asks.items():  # the ask before the row, if any, breaks it: kept as an ask that did not count
        if url in clean and len(counted[url]) < len(ones):
            history[clean[url]].insert(0, (ones[len(ones) - len(counted[url]) - 1][1], False))
    return history, _served_first_in(con, run_id, {server_key(authority(url)) for url in clean})


def _trailing_refusals(asks: Sequence[tuple[str, datetime, bool]]) -> list[tuple[str, datetime]]:
    """The refusals (run, time) after the last ask that was not one, newest first."""
    back: list[tuple[str, datetime]] = []
    for run, at, refused in reversed(asks):
        if not refused:
            break
        back.append((run, at))
    return back


def _counted_back(
    con: duckdb.DuckDBPyConnection, refusals: dict[str, list[tuple[str, datetime]]],
) -> dict[str, list[tuple[str, datetime]]]:
    """Of each URL's refusals (newest first), those that count, newest first up to the first whose host served an
    article before it in its run. Read in windows back from the newest, each 4 times the last (4 days, 16...),
    until every URL met one that does not count or ran out: a site rate-limiting us is read over days."""
    counted: dict[str, list[tuple[str, datetime]]] = {url: [] for url in refusals}
    left = {url: list(ones) for url, ones in refusals.items() if ones}
    end, span = max((ones[0][1] for ones in left.values()), default=datetime.now(UTC)), FIRST_WINDOW
    while left:
        start = min(ones[-1][1] for ones in left.values()) if span > MAX_WINDOW else end - span
        runs = sorted({run for ones in left.values() for run, at in ones if start <= at <= end})
        first = _served_first_in_runs(con, runs, start - RUN_CLOCK_SLACK, end) if runs else {}
        for url in list(left):
            while left[url] and left[url][0][1] >= start:
                run, at = left[url].pop(0)
                if first.get((run, server_key(authority(url))), at) < at:  # its host served one before it: not counted
                    left[url] = []
                    break
                counted[url].append((run, at))
            if not left[url]:
                del left[url]
        end, span = start, span * 4
    return counted


def _served_first_in_runs(
    con: duckdb.DuckDBPyConnection, runs: list[str], since: datetime, until: datetime,
) -> dict[tuple[str, str], datetime]:
    """Each (run, server)'s first served article's time among `runs`, read between `since` and `until`."""
    rows = con.execute(
        "SELECT run_id, split_part(url, '/', 3), min(\"at\") FROM fetch_events WHERE \"at\" >= $since "
        "AND \"at\" <= $until AND kind = 'article' AND status_code BETWEEN 200 AND 299 "
        "AND run_id IN (SELECT unnest($runs)) GROUP BY ALL",
        {"since": since, "until": until, "runs": runs},
    ).fetchall()
    return _earliest(((str(run), server_key(str(netloc))), at) for run, netloc, at in rows)


def _served_first_in(con: duckdb.DuckDBPyConnection, run_id: str, hosts: set[str]) -> dict[str, datetime]:
    """Each of `hosts`' first served article's time in `run_id` so far (this run's batches loaded before)."""
    (started,) = con.execute("SELECT min(started_at) FROM runs WHERE run_id = $run", {"run": run_id}).fetchall()[0]
    since = min(t for t in (started, datetime.now(UTC)) if t is not None) - RUN_CLOCK_SLACK
    served_now = con.execute(
        "SELECT split_part(url, '/', 3), min(\"at\") FROM fetch_events WHERE run_id = $run AND kind = 'article' "
        "AND status_code BETWEEN 200 AND 299 AND \"at\" >= $since GROUP BY 1",  # this run's hosts: a few rows
        {"run": run_id, "since": since},
    ).fetchall()
    firsts = _earliest((server_key(str(netloc)), at) for netloc, at in served_now)
    return {host: at for host, at in firsts.items() if host in hosts}


def _earliest(timed: Iterable[tuple[K, datetime]]) -> dict[K, datetime]:
    """Each key's earliest time: a server's two spellings (`refusedpages.server_key`) are one key."""
    first: dict[K, datetime] = {}
    for key, at in timed:
        if key not in first or at < first[key]:
            first[key] = at
    return first
