"""Writes: one transaction per batch, set-based, idempotent.

Columns are unnested into one INSERT ... SELECT (never row by row), and rows are keyed and
inserted with anti-joins, so a rerun after a crash neither duplicates nor loses anything.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import fields as dataclass_fields
from typing import Any

import duckdb

from newsflow.credentials import optional_without_credentials, url_without_credentials
from newsflow.errors import classify_outcome
from newsflow.models import (
    Article,
    EntryAttempt,
    FetchEvent,
)
from newsflow.pages import StoredPage


def insert_columns(
    con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, list[Any]], unless_stored: str | None = None
) -> None:
    """Bulk insert column lists with one INSERT ... SELECT unnest(...), never row by row.

    With `unless_stored`, a key column: rows whose key the table holds already are skipped (the
    growing tables have no unique index to do it, see migration 0007).
    """
    if not columns or not next(iter(columns.values())):
        return
    names = ", ".join(f'"{name}"' for name in columns)
    selects = ", ".join(f'unnest($p{i}) AS "{name}"' for i, name in enumerate(columns))
    params = {f"p{i}": values for i, values in enumerate(columns.values())}
    rows = f"SELECT * FROM (SELECT {selects}) AS n"
    if unless_stored:  # the stored keys among the batch's first: a semi-join that probes the table once
        key = f"p{list(columns).index(unless_stored)}"
        rows += (f" WHERE n.{unless_stored} NOT IN "
                 f"(SELECT {unless_stored} FROM {table} WHERE {unless_stored} IN (SELECT unnest(${key})))")
    con.execute(f"INSERT INTO {table} ({names}) {rows}", params)


def unnested(names: Iterable[str]) -> str:
    """A relation of the batch's columns, passed as list parameters of the same names."""
    return "SELECT " + ", ".join(f"unnest(${name}) AS {name}" for name in names)


def insert_fetch_events(con: duckdb.DuckDBPyConnection, events: Sequence[FetchEvent]) -> None:
    insert_columns(con, "fetch_events", {
        "run_id": [e.run_id for e in events],
        "at": [e.at for e in events],
        "kind": [str(e.kind) for e in events],
        "feed_id": [e.feed_id for e in events],
        "url": [url_without_credentials(e.url) for e in events],  # never stored (newsflow.credentials)
        "status_code": [e.status_code for e in events],
        "outcome": [str(e.outcome) for e in events],
        "failure_class": [_class_name(classify_outcome(e.outcome, e.status_code)) for e in events],
        "error": [optional_without_credentials(e.error) for e in events],
        "bytes": [e.bytes_read for e in events],
        "elapsed_ms": [e.elapsed_ms for e in events],
    })


def _class_name(value: object | None) -> str | None:
    return None if value is None else str(value)


# --- loads -------------------------------------------------------------------------------

# A batch's load looks its keys up by scanning whole columns of the growing tables (no indexes,
# migration 0007): content hashes, article ids, story bands, entries. Each scan leaves its blocks
# in DuckDB's buffer pool until the connection closes, so under the writers' 256 MB cap a batch
# into a 1M-article warehouse grew the process by ~110-130 MiB (docs/performance.md, section 4).
# A load caps the pool at this, plus room for the rows it writes.
LOAD_SCAN_CACHE_MB = 64
LOAD_MB_PER_ROW = 1 / 64  # 16 KB a row: an article's text and columns, several times over
LOAD_MAX_MB = 256  # the writers' own cap (WRITER_MEMORY_LIMIT)


def load_memory_limit_mb(rows: int) -> int:
    """The memory limit of a load of `rows` articles: the scan cache, plus room for the rows."""
    return min(LOAD_MAX_MB, LOAD_SCAN_CACHE_MB + math.ceil(rows * LOAD_MB_PER_ROW))


def bound_load_memory(con: duckdb.DuckDBPyConnection, rows: int) -> None:
    """Cap this connection's memory for a load of `rows` articles (`load_memory_limit_mb`)."""
    con.execute(f"SET memory_limit = '{load_memory_limit_mb(rows)}MB'")



# Connections inside `transaction()`: a nested one joins the outer (a replayed spool load, newsflow.spool).
_IN_TRANSACTION: set[int] = set()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN ... COMMIT, or ROLLBACK on any exception; inside another, it joins that one."""
    if id(con) in _IN_TRANSACTION:
        yield con
        return
    con.execute("BEGIN")
    _IN_TRANSACTION.add(id(con))
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        _IN_TRANSACTION.discard(id(con))
    con.execute("COMMIT")


def load_articles(
    con: duckdb.DuckDBPyConnection,
    articles: Sequence[Article],
    attempts: Sequence[EntryAttempt],
    events: Sequence[FetchEvent],
    *,
    max_attempts: int = 3,
    terminal_outcomes: Sequence[str] = (),
) -> int:
    """Store a batch of articles, mark their entries, record the events. Returns articles stored.

    Call inside `transaction()`; the caller looks up story ids in the same transaction.
    """
    stored = _insert_articles(con, articles)
    record_attempts(con, attempts, max_attempts, terminal_outcomes)
    link_parked_entries(con, attempts, [(a.canonical_url, a.article_id) for a in articles])
    _fill_first_seen(con, [a.article_id for a in articles])
    insert_fetch_events(con, events)
    return stored


def _fill_first_seen(con: duckdb.DuckDBPyConnection, article_ids: Sequence[str]) -> None:
    """Set first_seen_at and ingest_latency of the articles just inserted (migration 0003), or lower them for a
    stored one that a parked entry seen earlier now leads to ("Analyst 58": the earliest sighting, as 0110 does).

    Runs after the entries are linked, so every entry with the article's canonical URL, or
    that led to it through the page's canonical link, carries its article_id.
    """
    con.execute(
        """
        UPDATE articles SET first_seen_at = s.first_seen_at, ingest_latency = s.first_seen_at - articles.published_at
        FROM (SELECT e.article_id, min(e.first_seen_at) AS first_seen_at FROM entries e
              WHERE e.article_id IN (SELECT unnest($ids))
              GROUP BY e.article_id) AS s
        WHERE articles.article_id = s.article_id
          AND (s.first_seen_at < articles.first_seen_at OR articles.first_seen_at IS NULL)
        """,
        {"ids": list(article_ids)},
    )


def _insert_articles(con: duckdb.DuckDBPyConnection, articles: Sequence[Article]) -> int:
    """Insert the articles not stored yet. article_id is a hash of canonical_url, so the key decides."""
    if not articles:
        return 0
    names = [f.name for f in dataclass_fields(Article)]
    columns = {name: [getattr(a, name) for a in articles] for name in names}
    rows = con.execute(
        f"""
        INSERT INTO articles ({", ".join(names)})
        SELECT n.* FROM (SELECT DISTINCT ON (canonical_url) * FROM ({unnested(names)})) AS n
        WHERE n.article_id NOT IN (SELECT article_id FROM articles WHERE article_id IN (SELECT unnest($article_id)))
        RETURNING 1
        """,
        columns,
    ).fetchall()
    return len(rows)




def insert_pages(con: duckdb.DuckDBPyConnection, pages: Sequence[StoredPage]) -> None:
    """Index the kept HTML files of newly stored articles (one row per article)."""
    insert_columns(con, "pages", {
        "article_id": [p.article_id for p in pages],
        "fetched_at": [p.fetched_at for p in pages],
        "file": [p.file for p in pages],
        "html_bytes": [p.html_bytes for p in pages],
        "compressed_bytes": [p.compressed_bytes for p in pages],
    }, unless_stored="article_id")


def prune_pages(con: duckdb.DuckDBPyConnection, budget_bytes: int) -> list[str]:
    """Forget the oldest kept pages until the rest fit in `budget_bytes`; returns their files."""
    total = con.execute("SELECT coalesce(sum(compressed_bytes), 0) FROM pages").fetchone()
    if total is None or int(total[0]) <= budget_bytes:
        return []
    rows = con.execute(
        """
        DELETE FROM pages WHERE article_id IN (
            SELECT article_id FROM (
                SELECT article_id, sum(compressed_bytes) OVER (ORDER BY fetched_at DESC, article_id) AS kept
                FROM pages)
            WHERE kept > $budget)
        RETURNING file
        """,
        {"budget": budget_bytes},
    ).fetchall()
    return [r[0] for r in rows]


def update_extractions(con: duckdb.DuckDBPyConnection, rows: Sequence[tuple[object, ...]]) -> None:
    """Replace the extracted fields of articles: rows are (article_id, title, author, published_at,
    language, sitename, content_hash, text, word_count, language_source, published_date)."""
    if not rows:
        return
    names = ["article_id", "title", "author", "published_at", "language", "sitename", "content_hash", "text",
             "word_count", "language_source", "published_date"]
    columns = {name: [row[i] for row in rows] for i, name in enumerate(names)}
    assignments = ", ".join(f"{name} = n.{name}" for name in names[1:])
    con.execute(
        f"UPDATE articles SET {assignments} FROM ({unnested(names)}) AS n WHERE articles.article_id = n.article_id",
        columns,
    )


def existing_article_ids(con: duckdb.DuckDBPyConnection, article_ids: Sequence[str]) -> set[str]:
    """The ids stored already. An id is a hash of the canonical URL, and scanning the 16-character
    ids costs a fraction of scanning the URLs (there is no index, see migration 0007)."""
    rows = con.execute(
        "SELECT article_id FROM articles WHERE article_id IN (SELECT unnest($ids))", {"ids": list(article_ids)}
    ).fetchall()
    return {r[0] for r in rows}


def existing_content_hashes(con: duckdb.DuckDBPyConnection, hashes: Sequence[str]) -> set[str]:
    rows = con.execute(
        "SELECT DISTINCT content_hash FROM articles WHERE content_hash IN (SELECT unnest($h))", {"h": list(hashes)}
    ).fetchall()
    return {r[0] for r in rows}


# Entries live in warehouse.entries, runs and feed state in warehouse.runs; imported last, as
# those modules use insert_columns and unnested.
from newsflow.warehouse.entries import (  # noqa: E402
    count_parked,
    insert_entries,
    link_parked_entries,
    link_stored_entries,
    pending_entries,
    record_attempts,
    waiting_netlocs,
)
from newsflow.warehouse.runs import (  # noqa: E402
    abandon_stale_runs,
    begin_run,
    finish_run,
    insert_polls,
    mark_unreachable,
    read_feed_states,
    record_skipped_run,
    sync_feeds,
    update_feed_states,
)

__all__ = [
    "abandon_stale_runs",
    "begin_run",
    "bound_load_memory",
    "count_parked",
    "existing_article_ids",
    "existing_content_hashes",
    "finish_run",
    "insert_columns",
    "insert_entries",
    "insert_fetch_events",
    "insert_pages",
    "insert_polls",
    "link_parked_entries",
    "link_stored_entries",
    "load_articles",
    "load_memory_limit_mb",
    "mark_unreachable",
    "pending_entries",
    "prune_pages",
    "read_feed_states",
    "record_attempts",
    "record_skipped_run",
    "sync_feeds",
    "transaction",
    "unnested",
    "update_extractions",
    "update_feed_states",
    "waiting_netlocs",
]
