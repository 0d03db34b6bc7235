"""Reads of the `runs` table for `newsflow status`: the last runs, the last completed one, how many there are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from newsflow.warehouse.compat import refuse_a_foreign_database


@dataclass(frozen=True)
class RecordedRun:
    """One `runs` row, as much of it as a line of `newsflow status` says."""

    started_at: datetime
    finished_at: datetime | None
    status: str
    error: str | None
    feeds_polled: int
    feeds_failed: int
    articles_stored: int
    articles_failed: int
    network_outage: bool


@dataclass(frozen=True)
class RunHistory:
    recorded: int  # every row of `runs`
    last_completed: RecordedRun | None
    latest: list[RecordedRun]  # newest first


_COLUMNS = ("started_at, finished_at, status, error, coalesce(feeds_polled, 0), coalesce(feeds_failed, 0), "
            "coalesce(articles_stored, 0), coalesce(articles_failed, 0), coalesce(network_outage, false)")
# run_seq, not started_at: a clock set back cannot reorder it (migration 0040)
_NEWEST_FIRST = "ORDER BY run_seq DESC NULLS LAST, started_at DESC"


_NEEDED = {"run_seq", "network_outage", "articles_stored"}  # the newest of them from migration 0040


def read_run_history(con: duckdb.DuckDBPyConnection, limit: int) -> RunHistory | None:
    """None where the `runs` table is older than these columns: a warehouse the next run migrates. Another
    program's DuckDB file is refused as the run refuses it (no run would migrate it: session 40's review)."""
    refuse_a_foreign_database(con)
    found = con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'runs' "
                        "AND table_schema = current_schema()").fetchall()
    if not {name for (name,) in found} >= _NEEDED:
        return None
    [(recorded,)] = con.execute("SELECT count(*) FROM runs").fetchall()
    latest = con.execute(f"SELECT {_COLUMNS} FROM runs {_NEWEST_FIRST} LIMIT ?", [limit]).fetchall()
    completed = con.execute(
        f"SELECT {_COLUMNS} FROM runs WHERE status = 'completed' {_NEWEST_FIRST} LIMIT 1").fetchall()
    last_completed = RecordedRun(*completed[0]) if completed else None
    return RunHistory(recorded, last_completed, [RecordedRun(*row) for row in latest])


def other_runs(con: duckdb.DuckDBPyConnection, run_id: str) -> int:
    """How many runs the warehouse recorded besides `run_id`: none in a warehouse this run is the first of."""
    [(found,)] = con.execute("SELECT count(*) FROM runs WHERE run_id <> ?", [run_id]).fetchall()
    return int(found)


def made_at(con: duckdb.DuckDBPyConnection) -> str:
    """When this warehouse was made (its first migration's time, ISO): a copy of the file keeps it, a new file
    made at the same path does not. "" when not recorded."""
    rows = con.execute("SELECT applied_at FROM schema_migrations WHERE version = 1").fetchall()
    return rows[0][0].isoformat() if rows and rows[0][0] is not None else ""
