"""The progress of a `newsflow reextract` pass, so an interrupted one resumes (migration 0088).

A pass is its `--since` and its extractor (newsflow's and trafilatura's versions). Each batch records the
articles it did in `reextract_done`, in the transaction that writes their new extraction, so a kill at any
point leaves each article either re-extracted and recorded or neither."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import duckdb

from newsflow.warehouse.loads import transaction


def start_or_resume_pass(con: duckdb.DuckDBPyConnection, since: date | None, extractor: str) -> set[str]:
    """The articles the unfinished pass of this `since` and extractor did already; with no such pass, a new
    one is recorded (any other pass's progress dropped) and the set is empty."""
    same = con.execute("SELECT count(*) FROM reextract_pass WHERE since IS NOT DISTINCT FROM $since "
                       "AND extractor = $extractor", {"since": since, "extractor": extractor}).fetchone()
    if same is not None and same[0] == 1:
        return {row[0] for row in con.execute("SELECT article_id FROM reextract_done").fetchall()}
    with transaction(con):
        end_pass(con)
        con.execute("INSERT INTO reextract_pass VALUES ($since, $extractor, now())",
                    {"since": since, "extractor": extractor})
    return set()


def mark_reextracted(con: duckdb.DuckDBPyConnection, article_ids: Sequence[str]) -> None:
    """Record a batch's articles as done, in the caller's transaction (the one writing their extraction)."""
    if article_ids:
        con.execute("INSERT INTO reextract_done SELECT unnest($ids)", {"ids": list(article_ids)})


def end_pass(con: duckdb.DuckDBPyConnection) -> None:
    """Forget the pass and its progress: it ended, or another starts."""
    with transaction(con):
        con.execute("DELETE FROM reextract_done")
        con.execute("DELETE FROM reextract_pass")
