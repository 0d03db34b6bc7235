"""The per-run report: a markdown table of what one run did per feed, read back from the warehouse,
and what it parked or left for later runs.

The flow publishes it as a Prefect artifact. Its tables come from the named queries `run_feeds`,
`run_parked` and `run_deferred`, so `newsflow query run_parked --param run_id=...` shows the same
rows (and every row, where the report shows the first REPORT_ROW_LIMIT).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from newsflow import hostholds, queries
from newsflow.config import Config
from newsflow.pipeline import RunCounts
from newsflow.runner import RunSummary
from newsflow.warehouse import Warehouse, sql_root
from newsflow.warehouse.sandbox import execute_select, one_select, querying

REPORT_COLUMNS = ["feed", "poll", "new entries", "articles tried", "stored", "failed", "poll ms", "fetch ms"]
PARKED_COLUMNS = ["parked in feed", "url", "attempts", "last outcome", "last error"]
DEFERRED_COLUMNS = ["left in feed", "articles", "oldest first seen", "why"]
REPORT_ROW_LIMIT = 50  # rows of each list in the artifact; the named query has them all
Rows = list[tuple[Any, ...]]


@dataclass(frozen=True)
class ReportRows:
    feeds: Rows  # run_feeds
    parked: Rows  # run_parked
    deferred: Rows  # run_deferred


def report_rows(store: Warehouse, run_id: str) -> ReportRows:
    """The three tables of the report, read on one read-only connection."""
    found = []
    with querying(store) as con:
        for name in ("run_feeds", "run_parked", "run_deferred"):
            named = queries.load_query(sql_root() / "queries", name)
            params = queries.bind_params(named, [f"run_id={run_id}"])
            found.append(execute_select(con, one_select(con, named.sql), params)[1])
    return ReportRows(*found)


def report_markdown(summary: RunSummary, found: ReportRows | None, config: Config | None = None) -> str:
    counts = summary.counts
    feed_rows = found.feeds if found else None
    lines = [f"## newsflow run `{summary.run_id}`: {summary.status} in {summary.elapsed_s:.1f} s", ""]
    lines += _table(REPORT_COLUMNS, feed_rows or [])
    polls = f"{counts.feeds_polled} polled, {counts.feeds_not_modified} not modified, {counts.feeds_failed} failed"
    tried = sum(int(row[3]) for row in feed_rows) if feed_rows is not None else ""
    lines.append(f"| **total** | {polls} | {counts.entries_new} | {tried} | {counts.articles_stored} | "
                 f"{counts.articles_failed} | | |")
    lines += ["", f"{summary.feeds_due} feeds were due; {counts.articles_fetched} articles fetched, "
              f"{counts.duplicates} duplicates. The same totals are in the `runs` row `{summary.run_id}`."]
    if found is None:
        lines.append("The per-feed rows could not be read back from the warehouse (see the run's logs).")
        return "\n".join(lines)
    lines += parked_section(summary, found.parked) + deferred_section(summary, found.deferred, config)
    return "\n".join(lines)


def parked_section(summary: RunSummary, rows: Rows) -> list[str]:
    """The entries this run gave up on, with their last error."""
    lines = ["", f"### Parked: {summary.counts.articles_parked} articles", ""]
    if not rows:
        return [*lines, "This run parked nothing."]
    lines.append("Not fetched again: each failed `execution.max_article_attempts` times, or once with an outcome "
                 "another try would not change (set `parked_at` to NULL to try one again).")
    return [*lines, "", *_table(PARKED_COLUMNS, rows), *_more(rows, "run_parked", summary.run_id)]


PAUSES_SHOWN = 20  # paused hosts the report names; a CDN's outage can pause thousands


def deferred_section(summary: RunSummary, rows: Rows, config: Config | None) -> list[str]:
    """What this run left for the next ones, and why it could have."""
    counts = summary.counts
    lines = ["", f"### Left for later runs: {counts.articles_deferred} articles, {counts.feeds_deferred} due feeds", ""]
    if counts.network_outage and summary.articles_held:
        lines.append("A network outage stopped the run before the articles.")
    elif counts.network_outage:  # one or two polls: the outage spared their back-off; the articles were tried
        lines.append("A network outage: no feed polled could be reached, none was penalised.")
    lines += _failures_taken_for(counts)
    if summary.host_pauses:
        lines.append(f"Hosts that asked to be left alone (Retry-After), sent nothing until then: "
                     f"{hostholds.describe(summary.host_pauses, PAUSES_SHOWN)} (all: `newsflow query "
                     "host_pauses`); their due feeds wait unpolled, their articles uncounted.")
    if config is not None:
        lines.append(f"This run's limits: `execution.max_articles_per_run` = {config.execution.max_articles_per_run}, "
                     f"a budget of {config.run_budget:.0f} s (`execution.run_budget_seconds`).")
    if not rows:
        return [*lines, "Every article still to fetch was tried."]
    lines.append("Articles still to fetch that this run did not try, or did not send (an unreadable robots.txt, "
                 "a host asking to wait; no attempt counted); the next run starts with the oldest:")
    return [*lines, "", *_table(DEFERRED_COLUMNS, rows), *_more(rows, "run_deferred", summary.run_id)]


def _failures_taken_for(counts: RunCounts) -> list[str]:
    """What the run took its feeds' failures to reach for, when not the network's (docs/polling.md)."""
    lines = []
    if counts.feeds_outage_overdue:
        lines.append(f"{_feeds(counts.feeds_outage_overdue)} unreachable for more than a day counted failing "
                     "all the same (backing off an hour at most while nothing answers; `newsflow feeds`).")
    if counts.feeds_turned_away:
        lines.append(f"{_feeds(counts.feeds_turned_away)} turned away by the network (a name that does not exist, "
                     "a public address refusing the connection): the sites' failure, counted.")
    return lines


def _feeds(count: int) -> str:
    return f"{count} feed" if count == 1 else f"{count} feeds"


def _table(columns: Sequence[str], rows: Rows) -> list[str]:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    return lines + ["| " + " | ".join(_cell(cell) for cell in row) + " |" for row in rows[:REPORT_ROW_LIMIT]]


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return " ".join(text.split()).replace("|", "\\|")[:300]


def _more(rows: Rows, query: str, run_id: str) -> list[str]:
    if len(rows) <= REPORT_ROW_LIMIT:
        return []
    return ["", f"... and {len(rows) - REPORT_ROW_LIMIT} more: `newsflow query {query} --param run_id={run_id}`."]
