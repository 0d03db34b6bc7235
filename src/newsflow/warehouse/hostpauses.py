"""A host's Retry-After pause kept across runs (migration 0100, `host_pauses`).

One row per host. A write keeps, per host, the pause that ends last among the stored and the new ones, and
drops those that have passed: all in one transaction, so a kill leaves the old rows or the new ones, and
writing the same pauses again (a spooled write replayed) changes nothing. A host is read in its one spelling
(`urls.host_key`, the host gate's key): a row the code before "Analyst 54" wrote under another spelling of an IPv6
address (`0:0:0:0:0:ffff:7f00:0001`) is one host with today's (`::ffff:7f00:1`), and the next write keeps it
under that (docs/search.md, "Analyst 56")."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import duckdb

from newsflow.credentials import optional_without_credentials
from newsflow.errors import WarehouseError
from newsflow.models import HostPause, latest_pauses
from newsflow.urls import host_key
from newsflow.warehouse.loads import insert_columns, transaction


def read_host_pauses(con: duckdb.DuckDBPyConnection, now: datetime) -> list[HostPause]:
    """The pauses still in force at `now`, each host in its one spelling."""
    rows = con.execute("SELECT host, until_at, asked_at, status, url FROM host_pauses WHERE until_at > $now "
                       "ORDER BY until_at DESC, host", {"now": now}).fetchall()
    return [HostPause(host_key(host), *rest) for host, *rest in rows]


def write_host_pauses(con: duckdb.DuckDBPyConnection, pauses: Sequence[HostPause], now: datetime) -> None:
    """Keep the later end per host among the stored pauses and `pauses`; drop the ones passed at `now`."""
    try:
        _write(con, pauses, now)
    except duckdb.Error as exc:
        raise WarehouseError(f"cannot write host_pauses: {exc}") from exc


def _write(con: duckdb.DuckDBPyConnection, pauses: Sequence[HostPause], now: datetime) -> None:
    with transaction(con):
        latest = latest_pauses([*read_host_pauses(con, now), *pauses], now)  # the stored one on a tie
        con.execute("DELETE FROM host_pauses")
        kept = sorted(latest.values(), key=lambda p: p.host)
        if kept:
            insert_columns(con, "host_pauses", {
                "host": [p.host for p in kept],
                "until_at": [p.until_at for p in kept],
                "asked_at": [p.asked_at for p in kept],
                "status": [p.status for p in kept],
                "url": [optional_without_credentials(p.url) for p in kept],
            })
