"""The titles of stored articles by id, for judging canonical URLs that pages claim (`newsflow.canonicals`)."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb


def stored_titles(con: duckdb.DuckDBPyConnection, article_ids: Sequence[str]) -> dict[str, str | None]:
    rows = con.execute(
        "SELECT article_id, title FROM articles WHERE article_id IN (SELECT unnest($ids))", {"ids": list(article_ids)}
    ).fetchall()
    return {str(article_id): title for article_id, title in rows}
