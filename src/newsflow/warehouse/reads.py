"""Reads: read-only queries for the CLI, and the feed health listing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from newsflow.errors import QueryError
from newsflow.warehouse.renames import removed_with_pending
from newsflow.warehouse.sandbox import execute_select, one_select, querying
from newsflow.warehouse.schema import not_applied

if TYPE_CHECKING:
    from newsflow.warehouse import Warehouse

# --- reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]


def wall_clocks(instants: Sequence[datetime], zone: str) -> list[datetime]:
    """Each aware instant's wall clock (naive) in `zone` as DuckDB's ICU reads it, for a zone Python's tz database
    lacks (`JST`, `PST`: `newsflow search --tz` takes them); in an in-memory database, so no warehouse is read."""
    with duckdb.connect() as con:
        row = con.execute("SELECT list_transform($t::TIMESTAMPTZ[], lambda x: timezone($zone, x))",
                          {"t": list(instants), "zone": zone}).fetchone()
    return list(row[0]) if row else []


def run_read_query(
    warehouse: Warehouse, sql: str, params: dict[str, Any] | None = None, allow_read: Sequence[Path] = ()
) -> QueryResult:
    """Run one SELECT in the sandbox (`warehouse.sandbox`); `allow_read` folders may be read from.

    QueryError (exit 2) when the SQL is not one SELECT or DuckDB refuses it; WarehouseError
    (exit 3) when the warehouse cannot be opened."""
    with querying(warehouse, allow_read) as con:
        statement = one_select(con, sql)  # a refused statement (not one SELECT) is refused as before
        try:
            columns, rows = execute_select(con, statement, params)
        except QueryError as exc:
            # a named query of this newsflow may call a macro or read a column the upgrade makes
            if _names_something_missing(exc) and (pending := _not_applied(con)):
                raise QueryError(f"this warehouse has not had this newsflow's upgrade yet ({', '.join(pending)} not "
                                 f"applied; the next `newsflow run` applies them), and {exc}") from exc
            raise
    return QueryResult(columns, rows)


def _names_something_missing(exc: QueryError) -> bool:
    """DuckDB could not find a function, table, view or column: what a pending upgrade can cause. Not a bad value
    (`--param limit=-1`, a cast, `error()`) nor too many rows: the upgrade line there blamed it for the user's SQL."""
    cause = exc.__cause__
    if isinstance(cause, duckdb.CatalogException):
        return True
    return isinstance(cause, duckdb.BinderException) and ("not found" in str(cause) or "does not have" in str(cause))


def _not_applied(con: duckdb.DuckDBPyConnection) -> list[str]:
    """`schema.not_applied`, or nothing where the warehouse cannot say (one older than `schema_views`)."""
    try:
        return not_applied(con)
    except duckdb.Error:
        return []


FEED_HEALTH_COLUMNS = [
    "feed_id", "last_polled_at", "last_status", "last_outcome", "consecutive_failures", "articles",
    "poll_interval", "next_poll_at", "adopted_url", "last_error",
]


def feed_health(warehouse: Warehouse, feed_ids: list[str]) -> QueryResult:
    """One row per configured feed, in config order, including feeds never polled; `adopted_url` is
    the URL a moved feed is polled at instead of its config URL (newsflow.feedmoves)."""
    if not warehouse.exists():
        return QueryResult(FEED_HEALTH_COLUMNS, [(f, None, "never polled", None, 0, 0, None, None, None, None)
                                                 for f in feed_ids])
    with warehouse.reading() as con:
        rows = con.execute(
            """
            SELECT c.feed_id, f.last_polled_at,
                   CASE WHEN f.retired_at IS NOT NULL THEN 'retired' ELSE coalesce(f.last_status, 'never polled') END,
                   f.last_outcome, coalesce(f.consecutive_failures, 0), coalesce(a.n, 0),
                   f.poll_interval, f.next_poll_at, f.adopted_url, f.last_error
            FROM (SELECT unnest($ids) AS feed_id, generate_subscripts($ids, 1) AS position) AS c
            LEFT JOIN feeds f USING (feed_id)
            LEFT JOIN (SELECT feed_id, count(*) AS n FROM articles GROUP BY feed_id) a USING (feed_id)
            ORDER BY c.position
            """,
            {"ids": feed_ids},
        ).fetchall()
    return QueryResult(FEED_HEALTH_COLUMNS, rows)


def removed_feeds(warehouse: Warehouse, feed_ids: list[str]) -> list[tuple[str, str, int]]:
    """Feeds no longer in the config that still have entries waiting for their article
    (newsflow.warehouse.renames): (name, URL, how many)."""
    if not warehouse.exists():
        return []
    with warehouse.reading() as con:
        return removed_with_pending(con, feed_ids)


@dataclass(frozen=True)
class ArticleToReextract:
    article_id: str
    url: str
    title: str | None
    published_at: datetime | None
    content_hash: str
    has_html: bool
    published_date: date | None = None
    fetched_at: datetime | None = None  # a relative page date ("2 hours ago") counts back from it


def articles_to_reextract(con: duckdb.DuckDBPyConnection, since: date | None) -> list[ArticleToReextract]:
    """The articles fetched on or after `since`'s UTC midnight (the session's midnight, the machine's zone's, before
    "Analyst 53": `reextract --since 7d` says the UTC day it read); all when None."""
    rows = con.execute(
        """
        SELECT a.article_id, a.url, a.title, a.published_at, a.content_hash, p.article_id IS NOT NULL,
               a.published_date, a.fetched_at
        FROM articles a LEFT JOIN pages p USING (article_id)
        WHERE $since IS NULL OR a.fetched_at >= timezone('UTC', $since::DATE::TIMESTAMP)
        ORDER BY a.fetched_at, a.article_id
        """,
        {"since": since},
    ).fetchall()
    return [ArticleToReextract(*row) for row in rows]


def read_pages(con: duckdb.DuckDBPyConnection, article_ids: list[str]) -> dict[str, str]:
    """The kept HTML file of each article, relative to the pages folder."""
    rows = con.execute(
        "SELECT article_id, file FROM pages WHERE article_id IN (SELECT unnest($ids))", {"ids": article_ids}
    ).fetchall()
    return {r[0]: r[1] for r in rows}
