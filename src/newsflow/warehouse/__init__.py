"""The DuckDB warehouse: the only module that imports duckdb.

DuckDB lets one process open a file read-write, and while it does every other open fails,
read-only ones included; a process holding it read-only blocks every writer too. So writers hold
a connection only while they write (`Warehouse.writing()`), a whole run holds a lock file so two
runs never interleave (`Warehouse.run_lock()`), and readers retry briefly and then explain. When
the file is held by a process that is not a newsflow run (DBeaver, a notebook, `duckdb
-readonly`), the error is `WarehouseHeldError` and says so; a run then spools its loads
(newsflow.spool, docs/concurrency.md).

Loads live in `warehouse.loads` and reads in `warehouse.reads`; this module connects and locks,
and migrates through `warehouse.schema`.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from newsflow.heldsignals import signals_held

# The package's first import of duckdb, before its submodules': a Ctrl-C or SIGTERM handled inside duckdb's
# initialisation aborts the process (nanobind), so they are handled after it (newsflow.heldsignals).
with signals_held():
    import duckdb

from newsflow.errors import (
    NoWarehouseYet,
    WarehouseError,
    WarehouseHeldError,
    WarehouseLockedError,
)
from newsflow.runlock import (
    DISK_FULL,
    full_hint,
    holder_command,
    read_holder,
    run_lock_is_held,
    write_holder,
)
from newsflow.warehouse import access, compat, freelist, heldfiles, logends, pathkinds, writefailures
from newsflow.warehouse.openhints import is_damaged_file_error, open_hint
from newsflow.warehouse.schema import create_views, migrate, sql_root

log = logging.getLogger(__name__)
T = TypeVar("T")

_MIGRATED: set[tuple[Path, int]] = set()
_LOCK_RETRY_SECONDS = 0.1
_READ_RETRY_SECONDS = 3.0
# A writer outwaits readers: a `newsflow query` holds the file for as long as its query runs.
_WRITE_RETRY_SECONDS = 60.0
WRITER_MEMORY_LIMIT = "256MB"
# Run lock files this process holds: while it does, no other newsflow run can hold the warehouse.
_RUN_LOCKS_HELD: set[Path] = set()
_HOLDER_PID = re.compile(r"Conflicting lock is held in (.*?) \(PID (\d+)\)")

class Warehouse:
    def __init__(self, path: Path, lock_timeout: float = 0.0, write_patience: float | None = None) -> None:
        self.path = path
        self.lock_timeout = lock_timeout
        # How long `writing()` waits for the file; a run lowers it (newsflow.spool) and spools instead.
        self.write_patience = max(lock_timeout, _WRITE_RETRY_SECONDS) if write_patience is None else write_patience

    @property
    def run_lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".run.lock")

    @contextmanager
    def run_lock(self, command: str = "run") -> Iterator[None]:
        """Hold an exclusive lock file for a whole run, waiting up to `lock_timeout` seconds. A writing command
        that holds it too (`reextract`, `search --reindex`) says so in `command`: whoever waits is told which
        newsflow command holds the warehouse, not "another newsflow run" when a reextract does."""
        pathkinds.refuse_what_is_no_file(self.path)  # before its lock is made beside it (Local 31)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(self.run_lock_path, "a+")  # noqa: SIM115 - closed by the `with` below
        except OSError as exc:
            access.refuse_where_it_cannot_search(self.run_lock_path, exc)  # else a bare Permission denied, exit 1
            pathkinds.refuse_a_dangling_link(self.path)  # its folder is a link to nothing: say so, not "File exists"
            if self.run_lock_path.exists() and not self.run_lock_path.is_file():
                raise WarehouseError(f"the run lock {self.run_lock_path} is not a regular file (a FIFO, a folder or "
                                     "a device): move it aside, and the next run makes a new one") from exc
            hint = full_hint(exc.strerror or "", self.path) if exc.errno in DISK_FULL else "check warehouse.path"
            raise WarehouseError(pathkinds.why_its_folder_cannot_be_written(self.path, exc) or  # Local 31
                                 f"cannot write to the warehouse folder {self.path.parent}: {exc.strerror or exc}; "
                                 f"{hint}") from exc
        with handle:
            access.refuse_a_folder_it_cannot_write(self.path)  # Local 30: the lock opened, the log could not be made
            deadline = time.monotonic() + self.lock_timeout
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise WarehouseLockedError(
                            f"another newsflow {read_holder(handle)} is writing to {self.path}; wait for it to "
                            "finish, or set warehouse.lock_timeout to wait"
                        ) from None
                    time.sleep(_LOCK_RETRY_SECONDS)
            write_holder(handle, f"{os.getpid()} {command}", self.run_lock_path)
            _RUN_LOCKS_HELD.add(self.run_lock_path)
            try:
                yield
            finally:
                _RUN_LOCKS_HELD.discard(self.run_lock_path)
                fcntl.flock(handle, fcntl.LOCK_UN)

    @contextmanager
    def writing(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection, migrated, closed on exit so readers can get in between writes."""
        self._refuse_what_is_not_a_warehouse()
        compat.start_over_an_empty_file(self.path)
        # new files in the v1.4.0 format (created by this open), old ones converted (compat.py)
        compat.ensure_compatible_storage(self.path, create=False)
        screen = freelist.read_free_list(self.path)  # before this open; heldfiles keeps an open one's lock
        with heldfiles.holding(self.path):  # before the connect: see heldfiles
            con = self._connect(read_only=False, patience=self.write_patience, config=compat.connect_config())
            migrating = False
            try:
                compat.refuse_a_file_cut_short(con, self.path, screen)  # before a write past the cut leaves a hole
                logends.say_if_cut_short(self.path)  # before this writer's checkpoint removes the log (Local 27)
                identity = (self.path, self.path.stat().st_ino)
                if identity not in _MIGRATED:  # once per process and file: a run opens the file once per batch
                    migrating = True
                    migrate(con)
                    _MIGRATED.add(identity)
                    migrating = False
                # Scans of the growing tables go through the buffer pool; capped, a batch's memory
                # stays the same whatever the warehouse holds (migration 0007).
                con.execute(f"SET memory_limit = '{WRITER_MEMORY_LIMIT}'")
                yield con
            except duckdb.Error as exc:
                failure = self._write_failure(exc, migrating)
                if failure is None:
                    raise
                raise failure from exc
            finally:
                self._close(con, migrating)

    def _close(self, con: duckdb.DuckDBPyConnection, migrating: bool = False) -> None:
        """Close a writer; closing checkpoints, so it writes too, and can find the disk full."""
        try:
            con.close()
        except duckdb.Error as exc:
            failure = self._write_failure(exc, migrating)
            if failure is None:
                raise
            raise failure from exc

    def _write_failure(self, exc: duckdb.Error, migrating: bool = False) -> WarehouseError | None:
        return writefailures.write_failure(self.path, exc, migrating)

    def exists(self) -> bool:
        """Whether the warehouse file is there, for a caller that skips or words its "no warehouse yet" itself; a
        `.wal` left without it raises (`compat.refuse_a_log_without_its_warehouse`), as `reading()` does."""
        if access.exists(self.path):  # a folder on its way this user may not enter is said (Local 30)
            return True
        pathkinds.refuse_a_dangling_link(self.path)
        compat.refuse_a_log_without_its_warehouse(self.path)
        return False

    @contextmanager
    def reading(self, patience: float = _READ_RETRY_SECONDS) -> Iterator[duckdb.DuckDBPyConnection]:
        if not self.exists():
            raise NoWarehouseYet(f"no warehouse at {self.path} yet; run `newsflow run` first")
        if compat.is_empty_file(self.path):
            raise NoWarehouseYet(f"no warehouse at {self.path} yet: the file is empty ({compat.EMPTY_FILE_CAUSES}); if "
                                 "your warehouse is elsewhere, point warehouse.path at it, or copy it here again; "
                                 "else run `newsflow run` first, which makes one in this file")
        self._refuse_what_is_not_a_warehouse()
        screen = freelist.read_free_list(self.path)  # before this open; heldfiles keeps an open one's lock
        with heldfiles.holding(self.path):  # before the connect: see heldfiles
            con = self._connect(read_only=True, patience=patience)
            try:
                compat.refuse_a_file_cut_short(con, self.path, screen)  # what survives the cut read as if whole
                tables = compat.table_names(con)
                compat.refuse_a_foreign_database(con, tables)  # a reader's SQL met a missing table (Local 25)
                if compat.is_unmade_warehouse(con, tables):  # a first run killed before its migrations committed
                    raise NoWarehouseYet(f"no warehouse at {self.path} yet (the file holds no tables: the first run "
                                         "was stopped before it made them); run `newsflow run` first")
                yield con
            except duckdb.IOException as exc:  # a file cut short opens, then a read past its end fails
                if not is_damaged_file_error(exc):
                    raise
                raise WarehouseError(f"cannot read {self.path}: {' '.join(str(exc).split())}"
                                     f"{open_hint(str(exc), read_only=True)}") from exc
            finally:
                con.close()

    def _refuse_what_is_not_a_warehouse(self) -> None:
        pathkinds.refuse_what_is_no_file(self.path)  # first: `/` has no name for its `.wal` (review of Local 31)
        logends.refuse_a_log_that_is_no_file(self.path)  # DuckDB's open of a FIFO there waits for ever
        compat.refuse_what_is_not_a_duckdb_file(self.path)

    def _connect(self, *, read_only: bool, patience: float,
                 config: dict[str, str | bool | int | float | list[str]] | None = None) -> duckdb.DuckDBPyConnection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + patience
        waiting = False
        while True:
            try:
                return duckdb.connect(str(self.path), read_only=read_only, config=config or {})
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower():
                    raise compat.other_format_error(self.path, str(exc)) or WarehouseError(
                        f"cannot open {self.path}: {exc}{open_hint(str(exc), read_only)}") from exc
                error = self.lock_error(str(exc))
                if time.monotonic() >= deadline:
                    raise error from exc
                if not waiting and not read_only and patience > 0:  # a writer says what it waits on
                    log.warning("waiting up to %.1f s: %s", patience, error)
                    waiting = True
                time.sleep(_LOCK_RETRY_SECONDS)
            except duckdb.Error as exc:
                raise WarehouseError(f"cannot open {self.path}: {exc}{open_hint(str(exc), read_only)}") from exc

    def lock_error(self, duckdb_message: str) -> WarehouseLockedError:
        """Who holds the file: a newsflow run (its run lock is held), or another process, a reader."""
        found = _HOLDER_PID.search(duckdb_message)
        pid = f"pid {found.group(2)}" if found else "pid unknown"
        if self.run_lock_path not in _RUN_LOCKS_HELD and run_lock_is_held(self.run_lock_path):
            return WarehouseLockedError(
                f"{self.path} is locked by another newsflow {holder_command(self.run_lock_path)} ({pid}), which is "
                "writing; "
                "try again in a few seconds")
        program = f", {Path(found.group(1)).name}" if found else ""
        return WarehouseHeldError(
            f"{self.path} is locked by another process ({pid}{program}) that holds it open and is not a newsflow "
            "run: a reader such as DBeaver, a notebook or `duckdb -readonly`; close it, or try again in a few seconds")


class BorrowedWarehouse(Warehouse):
    """A warehouse whose `writing()` hands out one connection that is already open, in a transaction.

    Replaying a spooled load (newsflow.spool) runs the load's own code on it, so the load and the
    record that it was replayed commit together; `transaction()` joins the open one.
    """

    def __init__(self, store: Warehouse, con: duckdb.DuckDBPyConnection) -> None:
        super().__init__(store.path, store.lock_timeout, store.write_patience)
        self.con = con

    @contextmanager
    def writing(self) -> Iterator[duckdb.DuckDBPyConnection]:
        yield self.con


def read_with(store: Warehouse, read_fn: Callable[[duckdb.DuckDBPyConnection], T], patience: float) -> T:
    """`read_fn` on a read-only connection; any DuckDB error (a schema not migrated yet) is a WarehouseError."""
    with store.reading(patience) as con:
        try:
            return read_fn(con)
        except duckdb.Error as exc:
            raise WarehouseError(f"cannot read {store.path}: {exc}") from exc


# The public load and read functions, so callers write `warehouse.load_articles(...)`.
from newsflow.warehouse.hostpauses import read_host_pauses, write_host_pauses  # noqa: E402
from newsflow.warehouse.loads import (  # noqa: E402
    abandon_stale_runs,
    begin_run,
    bound_load_memory,
    existing_article_ids,
    existing_content_hashes,
    finish_run,
    insert_entries,
    insert_fetch_events,
    insert_pages,
    insert_polls,
    link_stored_entries,
    load_articles,
    load_memory_limit_mb,
    mark_unreachable,
    pending_entries,
    prune_pages,
    read_feed_states,
    record_skipped_run,
    sync_feeds,
    transaction,
    update_extractions,
    update_feed_states,
    waiting_netlocs,
)
from newsflow.warehouse.reads import (  # noqa: E402
    ArticleToReextract,
    QueryResult,
    articles_to_reextract,
    feed_health,
    read_pages,
    removed_feeds,
    run_read_query,
)
from newsflow.warehouse.reextracts import end_pass, mark_reextracted, start_or_resume_pass  # noqa: E402
from newsflow.warehouse.refetches import record_refetches, refetch_targets  # noqa: E402
from newsflow.warehouse.replays import (  # noqa: E402
    read_all_feed_states,
    record_spool_replay,
    replayed_counts,
    spool_replayed,
)
from newsflow.warehouse.robotreads import latest_robots_reads  # noqa: E402
from newsflow.warehouse.story_index import (  # noqa: E402
    apply_story_merges,
    insert_story_index,
    insert_story_lines,
    lookup_story_keys,
    lookup_story_lines,
)

__all__ = [
    "ArticleToReextract",
    "BorrowedWarehouse",
    "QueryResult",
    "Warehouse",
    "abandon_stale_runs",
    "apply_story_merges",
    "articles_to_reextract",
    "begin_run",
    "bound_load_memory",
    "create_views",
    "end_pass",
    "existing_article_ids",
    "existing_content_hashes",
    "feed_health",
    "finish_run",
    "insert_entries",
    "insert_fetch_events",
    "insert_pages",
    "insert_polls",
    "insert_story_index",
    "insert_story_lines",
    "is_damaged_file_error",
    "latest_robots_reads",
    "link_stored_entries",
    "load_articles",
    "load_memory_limit_mb",
    "lookup_story_keys",
    "lookup_story_lines",
    "mark_reextracted",
    "mark_unreachable",
    "migrate",
    "pending_entries",
    "prune_pages",
    "read_all_feed_states",
    "read_feed_states",
    "read_host_pauses",
    "read_pages",
    "read_with",
    "record_refetches",
    "record_skipped_run",
    "record_spool_replay",
    "refetch_targets",
    "removed_feeds",
    "replayed_counts",
    "run_read_query",
    "spool_replayed",
    "sql_root",
    "start_or_resume_pass",
    "sync_feeds",
    "transaction",
    "update_extractions",
    "update_feed_states",
    "waiting_netlocs",
    "write_host_pauses",
]
