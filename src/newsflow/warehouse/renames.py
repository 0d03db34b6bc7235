"""A feed's URL is its identity, its name a label: what follows a feed renamed in the config.

A config feed whose URL (`urls.feed_key`) is that of a feed row no longer in the config was renamed,
or removed and added back under another name. Its entries move to the new name, pending ones
included, so their articles are fetched (pending articles are those of the configured feeds), and
the items it lists again are not new. When the new name has no row yet, the old row becomes it,
with its schedule, validators and back-off (the endpoint did not change). What the old name
wrote to the log tables (`polls`, `fetch_events`, `articles.feed_id`) keeps the name of the time.

A feed removed for good keeps its row and its pending entries: `newsflow feeds` lists them
(`removed_with_pending`), and they are fetched once a feed with that URL is configured again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import duckdb

from newsflow.models import FeedConfig
from newsflow.urls import feed_key


def follow_renames(con: duckdb.DuckDBPyConnection, feeds: Sequence[FeedConfig]) -> list[tuple[str, str]]:
    """Give each configured feed the rows of unconfigured feeds with its URL; returns (old, new) names.

    Call before `sync_feeds`, in its transaction."""
    configured = {feed.name for feed in feeds}
    rows = con.execute("SELECT feed_id, url, last_polled_at FROM feeds").fetchall()
    known = {row[0] for row in rows}
    left: dict[str, list[tuple[datetime | None, str]]] = {}
    for feed_id, url, polled_at in rows:
        if feed_id not in configured:
            left.setdefault(feed_key(url), []).append((polled_at, feed_id))
    moved: list[tuple[str, str]] = []
    for feed in feeds:
        # the most recently polled first: its state is the endpoint's latest
        olds = [name for _, name in sorted(left.pop(feed_key(feed.url), []), key=_latest_first)]
        if not olds:
            continue
        if feed.name not in known:
            con.execute("UPDATE feeds SET feed_id = $new WHERE feed_id = $old", {"new": feed.name, "old": olds[0]})
        for old in olds:
            _move_entries(con, old, feed.name)
            moved.append((old, feed.name))
    return moved


def _latest_first(row: tuple[datetime | None, str]) -> tuple[bool, float, str]:
    polled_at, name = row
    return polled_at is None, -(polled_at.timestamp() if polled_at else 0.0), name


def _move_entries(con: duckdb.DuckDBPyConnection, old: str, new: str) -> None:
    """The old name's entries, but for those the new name holds already (the loader's identity rule,
    warehouse.insert_entries): such a twin shares its canonical URL, so one fetch stores both."""
    con.execute(
        """
        UPDATE entries SET feed_id = $new
        WHERE feed_id = $old AND NOT EXISTS (
            SELECT 1 FROM entries e
            WHERE e.feed_id = $new AND e.canonical_url = entries.canonical_url
              AND (e.guid = entries.guid OR (e.title IS NOT DISTINCT FROM entries.title
                                             AND coalesce(e.summary = entries.summary, TRUE))))
        """,
        {"old": old, "new": new},
    )


def removed_with_pending(con: duckdb.DuckDBPyConnection, configured: Sequence[str]) -> list[tuple[str, str, int]]:
    """(name, URL, entries waiting for their article) of each feed row no longer in the config."""
    rows = con.execute(
        """
        SELECT f.feed_id, f.url, count(*) FROM feeds f JOIN entries e USING (feed_id)
        WHERE NOT list_contains($configured, f.feed_id) AND e.article_id IS NULL AND e.parked_at IS NULL
        GROUP BY f.feed_id, f.url ORDER BY f.feed_id
        """,
        {"configured": list(configured)},
    ).fetchall()
    return [(str(name), str(url), int(n)) for name, url, n in rows]
