"""What to tell the user when DuckDB cannot open or write the warehouse file: damaged, full, read-only.

Split from `newsflow.warehouse` (which connects and locks) so the hints read in one place; the package
re-exports `is_damaged_file_error`.
"""

from __future__ import annotations

import duckdb

from newsflow.runlock import full_hint


def open_hint(duckdb_message: str, read_only: bool) -> str:
    """What to do when the file cannot be opened: it is damaged, or read-only to this user."""
    if "while replaying WAL" in duckdb_message:  # the file is whole: its log of the last writes is not
        return ("; the warehouse file is whole but its write-ahead log (the same name + .wal) is damaged: move "
                "the .wal aside, and the warehouse opens as of its last checkpoint (what the later writes stored, "
                "the next run fetches again while its feeds still list it)")
    if damaged_file_message(duckdb_message):
        return ("; the file is damaged or not a DuckDB database: restore it from a backup, or move it aside "
                "and the next run starts a new warehouse")
    if any(sign in duckdb_message for sign in _FULL):  # a first run on a full disk: said, but not what to do
        return f"; {full_hint(duckdb_message)}"
    if read_only or not any(sign in duckdb_message for sign in _NOT_WRITABLE):
        return ""
    return ("; newsflow must write the warehouse here: make the file writable by this user (its mode, its owner, "
            "`chattr -i`, a read-only mount), or point warehouse.path at a copy")


_FULL = ("No space left", "File too large", "Disk quota exceeded")
_NOT_WRITABLE = ("Permission denied", "Operation not permitted", "Read-only file system")
_DAMAGED = ("not a valid DuckDB database", "Could not read enough bytes", "orrupt", "checksum")


def damaged_file_message(duckdb_message: str) -> bool:
    """DuckDB's message says the database file itself is damaged (cut short, overwritten)."""
    return any(sign in duckdb_message for sign in _DAMAGED)


def is_damaged_file_error(exc: duckdb.Error) -> bool:
    """DuckDB's error says the database file itself is damaged."""
    return isinstance(exc, duckdb.IOException) and damaged_file_message(str(exc))
