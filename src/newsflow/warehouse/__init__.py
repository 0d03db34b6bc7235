"""The DuckDB warehouse: the only module that imports duckdb.

DuckDB lets one process open a file read-write, and while it does every other open fails,
read-only ones included. So writers hold a connection only while they write
(`Warehouse.writing()`), a whole run holds a lock file so two runs never interleave
(`Warehouse.run_lock()`), and readers retry briefly and then explain.

Loads live in `warehouse.loads` and reads in `warehouse.reads`; this module connects, locks
and migrates.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from newsflow.errors import WarehouseError, WarehouseLockedError
from newsflow.warehouse import compat

log = logging.getLogger(__name__)

_MIGRATED: set[tuple[Path, int]] = set()
_LOCK_RETRY_SECONDS = 0.1
_READ_RETRY_SECONDS = 3.0
# A writer outwaits readers: a `newsflow query` holds the file for as long as its query runs.
_WRITE_RETRY_SECONDS = 60.0
WRITER_MEMORY_LIMIT = "256MB"
_SQL_ROOTS = (Path(__file__).parent / "_sql", Path(__file__).resolve().parents[3] / "warehouse")


def sql_root() -> Path:
    """Where migrations, views and queries live: beside the package in a wheel, else the repo."""
    for root in _SQL_ROOTS:
        if (root / "migrations").is_dir():
            return root
    raise WarehouseError(f"cannot find the warehouse SQL files in {[str(r) for r in _SQL_ROOTS]}")


class Warehouse:
    def __init__(self, path: Path, lock_timeout: float = 0.0) -> None:
        self.path = path
        self.lock_timeout = lock_timeout

    @contextmanager
    def run_lock(self) -> Iterator[None]:
        """Hold an exclusive lock file for a whole run, waiting up to `lock_timeout` seconds."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_name(self.path.name + ".run.lock")
        with open(lock_path, "a+") as handle:
            deadline = time.monotonic() + self.lock_timeout
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        holder = _read_holder(handle)
                        raise WarehouseLockedError(
                            f"another newsflow run{holder} is writing to {self.path}; wait for it to finish, "
                            "or set warehouse.lock_timeout to wait"
                        ) from None
                    time.sleep(_LOCK_RETRY_SECONDS)
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @contextmanager
    def writing(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection, migrated, closed on exit so readers can get in between writes."""
        compat.ensure_compatible_storage(self.path)  # search branch: new files in v1.4.0 format (compat.py)
        con = self._connect(read_only=False, patience=max(self.lock_timeout, _WRITE_RETRY_SECONDS))
        try:
            identity = (self.path, self.path.stat().st_ino)
            if identity not in _MIGRATED:  # once per process and file: a run opens the file once per batch
                migrate(con)
                _MIGRATED.add(identity)
            # Scans of the growing tables go through the buffer pool; capped, a batch's memory
            # stays the same whatever the warehouse holds (migration 0007).
            con.execute(f"SET memory_limit = '{WRITER_MEMORY_LIMIT}'")
            yield con
        finally:
            con.close()

    @contextmanager
    def reading(self) -> Iterator[duckdb.DuckDBPyConnection]:
        if not self.path.exists():
            raise WarehouseError(f"no warehouse at {self.path} yet; run `newsflow run` first")
        con = self._connect(read_only=True, patience=_READ_RETRY_SECONDS)
        try:
            yield con
        finally:
            con.close()

    def _connect(self, *, read_only: bool, patience: float) -> duckdb.DuckDBPyConnection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + patience
        while True:
            try:
                return duckdb.connect(str(self.path), read_only=read_only)
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower():
                    raise WarehouseError(f"cannot open {self.path}: {exc}") from exc
                if time.monotonic() >= deadline:
                    raise WarehouseLockedError(
                        f"{self.path} is locked by another process (a newsflow run is writing); "
                        "try again in a few seconds"
                    ) from exc
                time.sleep(_LOCK_RETRY_SECONDS)
            except duckdb.Error as exc:
                raise WarehouseError(f"cannot open {self.path}: {exc}") from exc


def _read_holder(handle: Any) -> str:
    handle.seek(0)
    pid = handle.read().strip()
    return f" (pid {pid})" if pid.isdigit() else ""


# --- schema -------------------------------------------------------------------------------


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply migrations that have not run yet, in order, then (re)create views whose SQL changed."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
    )
    con.execute("CREATE TABLE IF NOT EXISTS schema_views (sha256 VARCHAR NOT NULL)")
    done = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for path in sorted((sql_root() / "migrations").glob("[0-9][0-9][0-9][0-9]_*.sql")):
        version = int(path.name[:4])
        if version in done:
            continue
        con.execute("BEGIN")
        con.execute(path.read_text(encoding="utf-8"))
        con.execute("INSERT INTO schema_migrations VALUES (?, ?, now())", [version, path.stem])
        con.execute("COMMIT")
        applied.append(path.stem)
    view_files = sorted((sql_root() / "views").glob("*.sql"))
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in view_files)).hexdigest()
    stored = con.execute("SELECT sha256 FROM schema_views").fetchall()
    if applied or stored != [(digest,)]:
        create_views(con, view_files)
        con.execute("DELETE FROM schema_views")
        con.execute("INSERT INTO schema_views VALUES (?)", [digest])
    return applied


def create_views(con: duckdb.DuckDBPyConnection, view_files: list[Path]) -> None:
    for path in view_files:
        con.execute(path.read_text(encoding="utf-8"))


# The public load and read functions, so callers write `warehouse.load_articles(...)`.
from newsflow.warehouse.loads import (  # noqa: E402
    abandon_stale_runs,
    begin_run,
    existing_article_ids,
    existing_content_hashes,
    finish_run,
    insert_entries,
    insert_fetch_events,
    insert_pages,
    insert_polls,
    link_stored_entries,
    load_articles,
    pending_entries,
    prune_pages,
    read_feed_states,
    record_skipped_run,
    sync_feeds,
    transaction,
    update_extractions,
    update_feed_states,
)
from newsflow.warehouse.reads import (  # noqa: E402
    ArticleToReextract,
    QueryResult,
    articles_to_reextract,
    feed_health,
    read_pages,
    run_read_query,
)
from newsflow.warehouse.story_index import (  # noqa: E402
    apply_story_merges,
    insert_story_index,
    lookup_story_keys,
)

__all__ = [
    "ArticleToReextract",
    "QueryResult",
    "Warehouse",
    "abandon_stale_runs",
    "apply_story_merges",
    "articles_to_reextract",
    "begin_run",
    "create_views",
    "existing_article_ids",
    "existing_content_hashes",
    "feed_health",
    "finish_run",
    "insert_entries",
    "insert_fetch_events",
    "insert_pages",
    "insert_polls",
    "insert_story_index",
    "link_stored_entries",
    "load_articles",
    "lookup_story_keys",
    "migrate",
    "pending_entries",
    "prune_pages",
    "read_feed_states",
    "read_pages",
    "record_skipped_run",
    "run_read_query",
    "sql_root",
    "sync_feeds",
    "transaction",
    "update_extractions",
    "update_feed_states",
]
