"""Which warehouse a file is (migration 0109), so that a spooled load is loaded only by its own (Local 30).

A warehouse moved aside without its spool folder (`news.duckdb` renamed `news.old.duckdb`, a new `news.duckdb`
made in its place) left its loads in `news.duckdb-spool/`, and the new file, which has the folder's name,
loaded them. Each load now carries the id of the warehouse it was spooled for (`newsflow.spool`), and a replay
compares it with its own in the load's transaction. `path` is where a run last started: a warehouse moved to
another folder without its spool folder can say where its loads were left.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

_TABLE = "warehouse_identity"


def warehouse_id(con: duckdb.DuckDBPyConnection) -> str | None:
    """This warehouse's id; None before migration 0109 (a reader of an older file)."""
    try:
        rows = con.execute(f"SELECT warehouse_id FROM {_TABLE} LIMIT 1").fetchall()
    except duckdb.CatalogException:
        return None
    return str(rows[0][0]) if rows else None


def last_path(con: duckdb.DuckDBPyConnection) -> Path | None:
    """Where a run last started (or, while loads of its id wait there, the folder it was moved from)."""
    rows = con.execute(f"SELECT path FROM {_TABLE} LIMIT 1").fetchall()
    return Path(rows[0][0]) if rows and rows[0][0] else None


def note_path(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Record where the warehouse is now (a writer's transaction)."""
    con.execute(f"UPDATE {_TABLE} SET path = ? WHERE path IS DISTINCT FROM ?", [os.path.realpath(path)] * 2)
