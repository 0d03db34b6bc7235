"""How a search statement is run (split from search_index, review of "Analyst 49"): in the time zone its days are
read in, ranking with the cheaper words macro when the query has no phrase (migration 0103) and the warehouse has
it, and a failure as one clear error (a warehouse without the index says so)."""

from __future__ import annotations

import re
from typing import Any

import duckdb

from newsflow.errors import InputError, WarehouseError
from newsflow.warehouse.reads import QueryResult

UTC = "UTC"
_ZONE_NAME = re.compile(r"[A-Za-z0-9_+\-]+(?:/[A-Za-z0-9_+\-]+)*")


def run_in_zone(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> QueryResult:
    """Run a statement in the time zone `params["tz"]` (UTC when absent): DuckDB then reads its dates (`$since`,
    `$until`, `current_date`) as local days and makes instants local days (`::DATE`, `date_trunc`) through ICU."""
    tz = params.get("tz", UTC)
    if not _ZONE_NAME.fullmatch(tz):  # names time_zone_named returned only: it is spliced into SET
        raise InputError(f"{tz!r} is not a time zone name")
    con.execute(f"SET TimeZone = '{tz}'")
    cursor = _ranked_cursor(con, sql, params, {k: v for k, v in params.items() if k != "tz"})
    return QueryResult([d[0] for d in cursor.description or []], cursor.fetchall())


def ranked_by_words(sql: str, params: dict[str, Any]) -> str:
    """`sql` ranking with search_ranked_words(_in) for a query with no phrase (no alternative has a pattern): the same
    rows as search_ranked(_in), planned without the phrase check (its CTEs are bound and optimised whether a phrase
    is asked or not: ~40% of a search statement's CPU on a small warehouse, docs/search.md "Analyst 49")."""
    alts = params.get("alts")
    if alts is None or any(alt["pattern"] is not None for alt in alts):
        return sql
    return sql.replace("search_ranked_in(", "search_ranked_words_in(").replace("search_ranked(", "search_ranked_words(")


def _ranked_cursor(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any], args: dict[str, Any]
                   ) -> duckdb.DuckDBPyConnection:
    """`sql` run with the words macro where it may be, else as written: a warehouse a newsflow upgrade has not
    migrated yet (no run or `--reindex` since; searching only reads it) lacks search_ranked_words (migration 0103),
    and its words searches failed, saying the warehouse had no index (review of "Analyst 49")."""
    cheaper = ranked_by_words(sql, params)
    if cheaper != sql:
        try:
            return con.execute(cheaper, args)
        except duckdb.CatalogException:
            pass  # the statement as written says what is missing, if anything else is
        except duckdb.Error as exc:
            raise WarehouseError(f"search failed: {exc}") from exc
    return execute(con, sql, args)


NO_INDEX = ("this warehouse has no search index yet (it predates migration 0010); "
            "run `newsflow search --reindex` or `newsflow run` to create it")


def execute(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None
             ) -> duckdb.DuckDBPyConnection:
    """Run a search statement; a warehouse without the index, or a failing query, is one clear error."""
    try:
        return con.execute(sql, params) if params is not None else con.execute(sql)
    except duckdb.CatalogException as exc:
        if "search_" in str(exc):
            raise WarehouseError(NO_INDEX) from exc
        raise WarehouseError(f"search failed: {exc}") from exc
    except duckdb.Error as exc:
        raise WarehouseError(f"search failed: {exc}") from exc
