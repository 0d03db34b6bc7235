"""Writes about runs and feeds: a run's row, the feed list, each poll's state, plan and log row.

Split from `warehouse.loads` (which re-exports these); same rules: set-based, one statement per
batch of rows, never row by row.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import duckdb

from newsflow.credentials import optional_without_credentials
from newsflow.models import TAKEN_WHOLE_OUTCOMES, FailureClass, FeedConfig, FeedPollState, FeedState
from newsflow.warehouse.loads import insert_columns, unnested
from newsflow.warehouse.renames import follow_renames

# runs.run_seq (migration 0040): the order runs were recorded in, whatever the clock says
NEXT_RUN_SEQ = "(SELECT coalesce(max(run_seq), 0) + 1 FROM runs)"


def begin_run(con: duckdb.DuckDBPyConnection, run_id: str, started_at: datetime) -> None:
    con.execute(
        f"INSERT INTO runs (run_id, started_at, status, run_seq) VALUES (?, ?, 'running', {NEXT_RUN_SEQ}) "
        "ON CONFLICT (run_id) DO UPDATE SET status = 'running', finished_at = NULL",
        [run_id, started_at],
    )


def abandon_stale_runs(con: duckdb.DuckDBPyConnection, starting_run_id: str) -> list[tuple[str, int]]:
    """Runs still marked running were killed: whoever calls this holds the run lock.

    `starting_run_id` is the caller's own run, never one of them: a run stopped after its start committed records
    its start again on its way out (review of hunt 50: it marked and named itself killed).

    Such a run never wrote its counts (a kill, or a full disk that failed its row after its batches had
    committed), so its row says what carries its id: the articles it stored, the pages it fetched (taken whole, as a
    run counts them: `TAKEN_WHOLE_OUTCOMES`, hunt 50), the entries it first saw (hunt 49: the row said 0 stored
    beside 14 articles under its id), its feeds polled, not modified and failed, from its `polls` rows (one a poll it
    committed, as its own row counts them: fix of hunt 50's review). Counted only when such a run is left: the
    common start scans none of the big tables. Returns each run marked, with the articles it stored (the run's
    start says them: hunt 50)."""
    stale = [row[0] for row in con.execute("SELECT run_id FROM runs WHERE status = 'running' AND run_id <> ?",
                                               [starting_run_id]).fetchall()]
    if not stale:
        return []
    con.execute(
        "UPDATE runs SET status = 'abandoned', error = 'the process ended before the run finished', "
        "articles_stored = (SELECT count(*) FROM articles a WHERE a.run_id = runs.run_id), "
        "articles_fetched = (SELECT count(*) FROM fetch_events e WHERE e.run_id = runs.run_id "
        "AND e.kind = 'article' AND e.status_code BETWEEN 200 AND 299 AND list_contains($whole, e.outcome)), "
        "entries_new = (SELECT count(*) FROM entries n WHERE n.run_id = runs.run_id), "
        "feeds_polled = (SELECT count(*) FROM polls p WHERE p.run_id = runs.run_id), "
        "feeds_not_modified = (SELECT count(*) FROM polls p WHERE p.run_id = runs.run_id "
        "AND p.outcome = 'not_modified'), "
        "feeds_failed = (SELECT count(*) FROM polls p WHERE p.run_id = runs.run_id "
        "AND list_contains($failures, p.status)) "
        "WHERE status = 'running' AND list_contains($stale, run_id)",
        {"stale": stale, "whole": sorted(str(outcome) for outcome in TAKEN_WHOLE_OUTCOMES),
         "failures": sorted(str(failure) for failure in FailureClass)},
    )
    marked = con.execute("SELECT run_id, articles_stored FROM runs WHERE list_contains($stale, run_id) "
                         "ORDER BY run_seq", {"stale": stale}).fetchall()
    return [(str(run_id), int(stored)) for run_id, stored in marked]


def finish_run(
    con: duckdb.DuckDBPyConnection, run_id: str, counts: dict[str, int], status: str, error: str | None = None,
    finished_at: datetime | None = None,
) -> None:
    """`finished_at` defaults to now; a run's end replayed from the spool passes its own."""
    assignments = ", ".join(f"{name} = ?" for name in counts)
    con.execute(
        f"UPDATE runs SET finished_at = coalesce(?, now()), status = ?, error = ?, {assignments} WHERE run_id = ?",
        [finished_at, status, error, *counts.values(), run_id],
    )


def sync_feeds(con: duckdb.DuckDBPyConnection, feeds: Sequence[FeedConfig]) -> None:
    """Make `feeds` match the config's list: new feeds inserted, url, tags and enabled updated.

    A feed whose URL changed in the config is a new endpoint: the old one's validators (which the
    new one could answer 304 to), back-off and retirement are dropped, so it is due at once. A feed
    whose name changed is the same endpoint: its row and entries follow it (warehouse.renames)."""
    if not feeds:
        return
    follow_renames(con, feeds)
    columns = {
        "feed_id": [f.name for f in feeds],
        "url": [f.url for f in feeds],
        "tags": [list(f.tags) for f in feeds],
        "enabled": [f.enabled for f in feeds],
    }
    con.execute(
        "INSERT INTO feeds (feed_id, url, tags, enabled) "
        "SELECT unnest($feed_id), unnest($url), unnest($tags, max_depth := 1), unnest($enabled) "
        "ON CONFLICT (feed_id) DO UPDATE SET url = excluded.url, tags = excluded.tags, enabled = excluded.enabled, "
        + ", ".join(f"{column} = CASE WHEN feeds.url = excluded.url THEN feeds.{column} ELSE {fresh} END"
                    for column, fresh in _FRESH_ENDPOINT.items()),
        columns,
    )


# What a feed whose URL changed starts from again.
_FRESH_ENDPOINT = {"etag": "NULL", "last_modified": "NULL", "consecutive_failures": "0", "next_poll_at": "NULL",
                   "retired_at": "NULL", "adopted_url": "NULL", "redirect_url": "NULL", "redirect_polls": "0",
                   "redirect_since": "NULL", "unreachable_since": "NULL",
                   "turned_away_since": "NULL", "unreachable_boot": "NULL", "unreachable_uptime": "NULL"}


def read_feed_states(con: duckdb.DuckDBPyConnection, feed_ids: Sequence[str]) -> dict[str, FeedState]:
    rows = con.execute(
        """
        SELECT feed_id, etag, last_modified, consecutive_failures, last_polled_at, poll_interval, next_poll_at,
               retired_at IS NOT NULL, last_new_entry_at IS NOT NULL,
               adopted_url, redirect_url, redirect_polls, redirect_since, last_outcome, unreachable_since,
               turned_away_since, unreachable_boot, unreachable_uptime
        FROM feeds WHERE list_contains($ids, feed_id)
        """,
        {"ids": list(feed_ids)},
    ).fetchall()
    return {r[0]: FeedState(*r) for r in rows}


def update_feed_states(con: duckdb.DuckDBPyConnection, polls: Sequence[FeedPollState]) -> None:
    """Write each poll's outcome, plan and move to its feed; validators only change on success, or
    when the poll fell back from an adopted URL to the config's (they were the other server's)."""
    if not polls:
        return
    columns = {
        "feed_id": [p.feed_id for p in polls],
        "title": [p.title for p in polls],
        "etag": [p.etag for p in polls],
        "last_modified": [p.last_modified for p in polls],
        "polled_at": [p.polled_at for p in polls],
        "status": [p.status for p in polls],
        "outcome": [p.outcome for p in polls],
        "error": [optional_without_credentials(p.error) for p in polls],  # shown by `newsflow feeds`
        "failed": [p.failed for p in polls],
        "new_entries": [p.entries_new for p in polls],
        "poll_interval": [p.poll_interval for p in polls],
        "next_poll_at": [p.next_poll_at for p in polls],
        "retire": [p.retire for p in polls],
        "adopted_url": [p.adopted_url for p in polls],
        "redirect_url": [p.redirect_url for p in polls],
        "redirect_polls": [p.redirect_polls for p in polls],
        "redirect_since": [p.redirect_since for p in polls],
        "reset_validators": [p.reset_validators for p in polls],
        "unreachable": [p.unreachable for p in polls],
        "turned_away": [p.turned_away for p in polls],
        "boot": [p.boot for p in polls],
        "uptime": [p.uptime for p in polls],
    }
    con.execute(
        f"""
        UPDATE feeds SET
            title = coalesce(p.title, feeds.title),
            etag = CASE WHEN p.reset_validators THEN p.etag WHEN p.failed THEN feeds.etag
                        ELSE coalesce(p.etag, feeds.etag) END,
            last_modified = CASE WHEN p.reset_validators THEN p.last_modified WHEN p.failed THEN feeds.last_modified
                                 ELSE coalesce(p.last_modified, feeds.last_modified) END,
            last_polled_at = p.polled_at,
            last_status = p.status,
            last_outcome = p.outcome,
            last_error = p.error,
            consecutive_failures = CASE WHEN p.failed THEN feeds.consecutive_failures + 1 ELSE 0 END,
            last_new_entry_at = CASE WHEN p.new_entries > 0 THEN p.polled_at ELSE feeds.last_new_entry_at END,
            poll_interval = p.poll_interval,
            next_poll_at = p.next_poll_at,
            retired_at = CASE WHEN p.retire THEN coalesce(feeds.retired_at, p.polled_at)
                              WHEN NOT p.failed THEN NULL ELSE feeds.retired_at END,
            adopted_url = p.adopted_url,
            redirect_url = p.redirect_url,
            redirect_polls = p.redirect_polls,
            redirect_since = p.redirect_since,
            unreachable_since = CASE WHEN p.unreachable
                THEN least(coalesce(feeds.unreachable_since, p.polled_at), p.polled_at) END,
            turned_away_since = CASE WHEN p.turned_away
                THEN least(coalesce(feeds.turned_away_since, p.polled_at), p.polled_at) END,
            {_BOOT_CLOCK}
        FROM ({unnested(columns)}) AS p
        WHERE feeds.feed_id = p.feed_id
        """,
        columns,
    )


# The boot clock at the feed's first poll that failed to reach it in this boot (newsflow.boottime): kept while its
# polls keep failing in the same boot, read again after a reboot, cleared with `unreachable_since`. Read again too
# when the clock is behind it in the same boot (a VM restored from a snapshot keeps its boot id): kept, it told
# nothing until the clock came round to it (review of red team 35).
_SAME_BOOT = ("feeds.unreachable_since IS NOT NULL AND feeds.unreachable_boot = p.boot "
              "AND feeds.unreachable_uptime <= p.uptime")
_BOOT_CLOCK = f"""unreachable_boot = CASE WHEN p.unreachable THEN p.boot END,
            unreachable_uptime = CASE WHEN NOT p.unreachable THEN NULL
                WHEN {_SAME_BOOT} THEN feeds.unreachable_uptime ELSE p.uptime END"""


def mark_unreachable(con: duckdb.DuckDBPyConnection, polls: Sequence[FeedPollState]) -> None:
    """Polls an outage spared, which change nothing else in the feed's row: the time its polls began failing
    to reach it, when this is the first (outages.outage_spares). A time later than the poll's was set under a clock
    that was ahead: the grace would run from a time not yet come, so it is taken back to the poll's."""
    if polls:
        columns = {"feed_id": [p.feed_id for p in polls], "polled_at": [p.polled_at for p in polls],
                   "turned_away": [p.turned_away for p in polls], "unreachable": [True] * len(polls),
                   "boot": [p.boot for p in polls], "uptime": [p.uptime for p in polls]}
        con.execute(f"""
            UPDATE feeds SET unreachable_since = least(coalesce(feeds.unreachable_since, p.polled_at), p.polled_at),
                turned_away_since = CASE WHEN p.turned_away
                    THEN least(coalesce(feeds.turned_away_since, p.polled_at), p.polled_at) END,
                {_BOOT_CLOCK}
            FROM ({unnested(columns)}) AS p WHERE feeds.feed_id = p.feed_id
            """, columns)


def insert_polls(con: duckdb.DuckDBPyConnection, run_id: str, polls: Sequence[FeedPollState]) -> None:
    """One row per poll in `polls`; a rerun of the same run replaces its rows."""
    feed_ids = [p.feed_id for p in polls]
    con.execute("DELETE FROM polls WHERE run_id = ? AND list_contains(?, feed_id)", [run_id, feed_ids])
    insert_columns(con, "polls", {
        "run_id": [run_id] * len(polls),
        "feed_id": [p.feed_id for p in polls],
        "polled_at": [p.polled_at for p in polls],
        "outcome": [p.outcome for p in polls],
        "status": [p.status for p in polls],
        "entries_seen": [p.entries_seen for p in polls],
        "entries_new": [p.entries_new for p in polls],
        "possibly_missed": [p.possibly_missed for p in polls],
        "poll_interval": [p.poll_interval for p in polls],
        "next_poll_at": [p.next_poll_at for p in polls],
    })


def record_skipped_run(con: duckdb.DuckDBPyConnection, run_id: str, reason: str) -> bool:
    """Record a run that never began (another held the warehouse) as 'skipped'; False if it had begun."""
    if con.execute("SELECT count(*) FROM runs WHERE run_id = ?", [run_id]).fetchall() != [(0,)]:
        return False
    con.execute(
        "INSERT INTO runs (run_id, started_at, finished_at, status, error, run_seq) "
        f"VALUES (?, now(), now(), 'skipped', ?, {NEXT_RUN_SEQ})",
        [run_id, reason],
    )
    return True
