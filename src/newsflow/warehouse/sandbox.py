"""`newsflow query`'s sandbox: user SQL runs on a connection DuckDB itself keeps from writing.

No filter on keywords decides what may run; DuckDB does, in two layers:

1. The statement: DuckDB's own parser splits the text (`extract_statements`). Exactly one
   statement is run, and only a SELECT (which covers WITH, FROM-first, VALUES, SHOW, DESCRIBE
   and SUMMARIZE). COPY, ATTACH, INSTALL, LOAD, PREPARE, EXECUTE, SET, PRAGMA, CALL and the
   rest are refused before anything runs; the statement DuckDB parsed is the one executed.
2. The connection: the warehouse is opened read-only, then `enable_external_access = false`
   (no file, no network, no extension beyond the built-in ones), extension auto-install and
   auto-load off, and `lock_configuration = true`, so no statement can turn any of it back.

Local files: none by default. `allow_read` names folders whose files a query may read
(`read_csv`, `read_parquet`, globs); they become DuckDB's `allowed_directories`. DuckDB would
also let COPY write there, which is why layer 1 admits SELECT only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from newsflow.errors import QueryError, ReadOnlyQueryError
from newsflow.warehouse import is_damaged_file_error

if TYPE_CHECKING:
    from newsflow.warehouse import Warehouse

READ_ONLY_MESSAGE = (
    "`newsflow query` is read-only: it runs one SELECT (or WITH, SHOW, DESCRIBE, SUMMARIZE); "
    "this {kind} statement was refused"
)
# Rows `newsflow query` collects before printing: `SELECT * FROM range(1e11)` pasted from elsewhere
# filled memory until the machine ran out; DuckDB streams, so stopping here costs nothing more.
MAX_QUERY_ROWS = 1_000_000
_LOCKDOWN = (
    "SET enable_external_access = false",
    "SET autoinstall_known_extensions = false",
    "SET autoload_known_extensions = false",
    "SET allow_community_extensions = false",
    "SET lock_configuration = true",
)


@contextmanager
def querying(warehouse: Warehouse, allow_read: Sequence[Path] = ()) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection with external access off and the configuration locked."""
    with warehouse.reading() as con:
        folders = [str(Path(folder).resolve()) + "/" for folder in allow_read]
        if folders:
            con.execute("SET allowed_directories = $folders", {"folders": folders})
        for setting in _LOCKDOWN:
            con.execute(setting)
        yield con


def one_select(con: duckdb.DuckDBPyConnection, sql: str) -> duckdb.Statement:
    """The one SELECT statement in `sql`, as DuckDB parsed it; QueryError for anything else."""
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryError(f"query refused by DuckDB: {one_line(exc)}") from exc
    if not statements:
        raise QueryError("no SQL statement given (the text is empty or only comments)")
    if len(statements) > 1:
        raise ReadOnlyQueryError(
            f"`newsflow query` is read-only and runs one statement at a time; got {len(statements)}"
        )
    statement = statements[0]
    if statement.type != duckdb.StatementType.SELECT:
        raise ReadOnlyQueryError(READ_ONLY_MESSAGE.format(kind=statement.type.name))
    return statement


def execute_select(
    con: duckdb.DuckDBPyConnection, statement: duckdb.Statement, params: Mapping[str, object] | None
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The statement's column names and rows; QueryError with DuckDB's reason on one line."""
    try:
        cursor = con.execute(statement, params) if params else con.execute(statement)
        if cursor.description is None:
            return [], []
        rows = cursor.fetchmany(MAX_QUERY_ROWS + 1)  # DuckDB streams: an endless query stops here
    except duckdb.Error as exc:
        if is_damaged_file_error(exc):  # the warehouse's fault, not the query's: Warehouse.reading says so
            raise
        raise QueryError(f"query failed: {one_line(exc)}") from exc
    if len(rows) > MAX_QUERY_ROWS:
        raise QueryError(f"the query returns more than {MAX_QUERY_ROWS:,} rows, more than newsflow prints; add a "
                         "LIMIT or an aggregate, or use `newsflow export` or the duckdb CLI (COPY ... TO) for bulk")
    return [d[0] for d in cursor.description], rows


def one_line(exc: BaseException) -> str:
    """DuckDB's message without its `LINE 1: ... ^^^` pointer lines."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    kept = [line for line in lines if not line.startswith("LINE ") and set(line) != {"^"}]
    return " ".join(kept) or type(exc).__name__
