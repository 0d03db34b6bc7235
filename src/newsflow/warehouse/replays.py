"""The record of spooled loads already loaded (migration 0009), and the run counters they add to.

See newsflow.spool: a replay inserts its row in the load's own transaction, so a load is
applied once whatever happens to the spool file afterwards.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

import duckdb

from newsflow.models import FeedState
from newsflow.warehouse.loads import read_feed_states


def spool_replayed(con: duckdb.DuckDBPyConnection, spool_id: str) -> bool:
    rows = con.execute("SELECT count(*) FROM spool_replays WHERE spool_id = ?", [spool_id]).fetchall()
    return rows != [(0,)]


def run_known(con: duckdb.DuckDBPyConnection, run_id: str) -> bool:
    """Whether a run reached this warehouse: its row, or a load of it replayed (Local 29: an older version's
    shared spool folder's load is this warehouse's only then)."""
    rows = con.execute("SELECT (SELECT count(*) FROM runs WHERE run_id = ?) + "
                       "(SELECT count(*) FROM spool_replays WHERE run_id = ?)", [run_id, run_id]).fetchall()
    return rows != [(0,)]


def record_spool_replay(
    con: duckdb.DuckDBPyConnection, spool_id: str, run_id: str, kind: str, spooled_at: datetime,
    counts: Mapping[str, int],
) -> None:
    """Record the replay and add `counts` to its run's row if that run has ended already."""
    con.execute(
        "INSERT INTO spool_replays (spool_id, run_id, kind, spooled_at, replayed_at, counts) "
        "VALUES (?, ?, ?, ?, now(), ?)",
        [spool_id, run_id, kind, spooled_at, json.dumps(dict(counts), sort_keys=True)],
    )
    if counts:
        assignments = ", ".join(f"{name} = {name} + ?" for name in counts)
        con.execute(f"UPDATE runs SET {assignments} WHERE run_id = ? AND finished_at IS NOT NULL",
                    [*counts.values(), run_id])


def replayed_counts(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, int]:
    """What replays of this run's spooled loads added to its counters, summed."""
    totals: dict[str, int] = {}
    for (text,) in con.execute("SELECT counts FROM spool_replays WHERE run_id = ?", [run_id]).fetchall():
        for name, value in json.loads(text or "{}").items():
            totals[name] = totals.get(name, 0) + int(value)
    return totals


def read_all_feed_states(con: duckdb.DuckDBPyConnection) -> dict[str, FeedState]:
    """Every feed's state: the copy a run saves beside the warehouse for a run that cannot read it."""
    feed_ids = [row[0] for row in con.execute("SELECT feed_id FROM feeds").fetchall()]
    return read_feed_states(con, feed_ids)
