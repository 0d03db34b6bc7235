"""The warehouse's schema: where its SQL files live, and migrating a connection to the newest.

Numbered migrations run once each, in order, recorded in `schema_migrations`; views are recreated
when their SQL changes (`schema_views` holds the digest). Split out of `newsflow.warehouse`, which
re-exports these names.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import duckdb

from newsflow.errors import WarehouseError
from newsflow.warehouse import compat
from newsflow.warehouse.rekeys import rekey_former_urls

_PYTHON_STEPS = {108: rekey_former_urls}
"""Migrations whose rewrite SQL cannot spell, run after the file's SQL in its transaction (0108: canonical URLs)."""

_SQL_ROOTS = (Path(__file__).parent / "_sql", Path(__file__).resolve().parents[3] / "warehouse")


def sql_root() -> Path:
    """Where migrations, views and queries live: beside the package in a wheel, else the repo."""
    for root in _SQL_ROOTS:
        if (root / "migrations").is_dir():
            return root
    raise WarehouseError(f"cannot find the warehouse SQL files in {[str(r) for r in _SQL_ROOTS]}")


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply migrations that have not run yet, in order, then (re)create views whose SQL changed.

    Each migration commits on its own; on a new file (none applied yet) all of them and the views
    commit as one transaction, as every commit writes and syncs the log: 0.3 s instead of 1 s.
    A database with tables but no `schema_migrations` is someone else's, and one with a migration this
    version has no file for is a newer newsflow's: both are refused, untouched."""
    compat.refuse_a_foreign_database(con)
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
    )
    con.execute("CREATE TABLE IF NOT EXISTS schema_views (sha256 VARCHAR NOT NULL)")
    migrations = sorted((sql_root() / "migrations").glob("[0-9][0-9][0-9][0-9]_*.sql"))
    compat.refuse_a_newer_schema(con, {int(p.name[:4]) for p in migrations})
    done = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    pending = [p for p in migrations if int(p.name[:4]) not in done]
    with _one_transaction(con, not done):
        for path in pending:
            with _one_transaction(con, bool(done)):
                con.execute(path.read_text(encoding="utf-8"))
                if (step := _PYTHON_STEPS.get(int(path.name[:4]))) is not None:
                    step(con)
                con.execute("INSERT INTO schema_migrations VALUES (?, ?, now())", [int(path.name[:4]), path.stem])
        view_files = sorted((sql_root() / "views").glob("*.sql"))
        digest = views_digest(view_files)
        stored = con.execute("SELECT sha256 FROM schema_views").fetchall()
        if pending or stored != [(digest,)]:
            with _one_transaction(con, bool(done)):
                create_views(con, view_files)
                con.execute("DELETE FROM schema_views")
                con.execute("INSERT INTO schema_views VALUES (?)", [digest])
    return [p.stem for p in pending]


def views_digest(view_files: list[Path]) -> str:
    """What `schema_views` stores: the sha256 of the views' SQL files, concatenated in name order
    (`newsflow.warehouse.viewprint` records it per migration, so no views change ships without one)."""
    return hashlib.sha256(b"".join(p.read_bytes() for p in sorted(view_files))).hexdigest()


def not_applied(con: duckdb.DuckDBPyConnection) -> list[str]:
    """What `migrate` would do to this warehouse, read only: the migrations it has not run yet (their
    names), and `views` when the views' SQL changed since they were made (a newer newsflow, no run yet).
    Nothing for a warehouse a newer newsflow migrated: its views are that one's, and `migrate` refuses it."""
    done = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    migrations = sorted((sql_root() / "migrations").glob("[0-9][0-9][0-9][0-9]_*.sql"))
    if done - {int(p.name[:4]) for p in migrations}:
        return []
    pending = [p.stem for p in migrations if int(p.name[:4]) not in done]
    digest = views_digest(list((sql_root() / "views").glob("*.sql")))
    stored = con.execute("SELECT sha256 FROM schema_views").fetchall()
    return pending + (["views"] if stored != [(digest,)] else [])


@contextmanager
def _one_transaction(con: duckdb.DuckDBPyConnection, wanted: bool) -> Iterator[None]:
    """BEGIN ... COMMIT around the block when `wanted` (else the block runs in the caller's);
    an error rolls back."""
    if not wanted:
        yield
        return
    con.execute("BEGIN")
    try:
        yield
    except BaseException:
        with suppress(duckdb.Error):  # the error that got here says what went wrong
            con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def create_views(con: duckdb.DuckDBPyConnection, view_files: list[Path]) -> None:
    for path in view_files:
        con.execute(path.read_text(encoding="utf-8"))
