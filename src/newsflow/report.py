"""The per-run report: a markdown table of what one run did per feed, read back from the warehouse.

The flow publishes it as a Prefect artifact; the rows come from the named query `run_feeds`,
so `newsflow query run_feeds --param run_id=...` shows the same table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from newsflow import queries
from newsflow.runner import RunSummary
from newsflow.warehouse import Warehouse, run_read_query, sql_root

REPORT_COLUMNS = ["feed", "poll", "new entries", "articles tried", "stored", "failed", "poll ms", "fetch ms"]


def feed_report_rows(store: Warehouse, run_id: str) -> list[tuple[Any, ...]]:
    named = queries.load_query(sql_root() / "queries", "run_feeds")
    return run_read_query(store, named.sql, queries.bind_params(named, [f"run_id={run_id}"])).rows


def report_markdown(summary: RunSummary, feed_rows: Sequence[tuple[Any, ...]] | None) -> str:
    counts = summary.counts
    lines = [f"## newsflow run `{summary.run_id}`: {summary.status} in {summary.elapsed_s:.1f} s", ""]
    lines += ["| " + " | ".join(REPORT_COLUMNS) + " |", "|" + "---|" * len(REPORT_COLUMNS)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in feed_rows or []]
    polls = f"{counts.feeds_polled} polled, {counts.feeds_not_modified} not modified, {counts.feeds_failed} failed"
    tried = sum(int(row[3]) for row in feed_rows) if feed_rows is not None else ""
    lines.append(f"| **total** | {polls} | {counts.entries_new} | {tried} | {counts.articles_stored} | "
                 f"{counts.articles_failed} | | |")
    lines += ["", f"{summary.feeds_due} feeds were due; {counts.articles_fetched} articles fetched, "
              f"{counts.duplicates} duplicates. The same totals are in the `runs` row `{summary.run_id}`."]
    if feed_rows is None:
        lines.append("The per-feed rows could not be read back from the warehouse (see the run's logs).")
    return "\n".join(lines)
