"""Invariants checked after every world run, written as SQL against the warehouse.

Each check returns `Violation`s (empty when it holds). Checks on columns that issue 11's fixes
add (a parked state, an outage record) look the column up first and adapt: today's schema has
no `parked` column, so an entry that gave up (final outcome, or attempts used up) counts as
"parked" when its `last_outcome` gives the reason. See tests/world/README.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsflow.warehouse import Warehouse

# The outcomes after which today's code stops fetching an entry (warehouse/README.md, `entries`).
FINAL_OUTCOMES = ("blocked", "invalid_url", "robots_disallowed", "not_html", "too_large", "extract_empty",
                  "extract_timeout")
MAX_ATTEMPTS = 3
NETWORK_OUTCOMES = ("dns_error", "connect_error", "timeout")
ONE_FAILURE_LONGEST_WAIT = 3600  # seconds: one network failure must not silence a feed for longer
EXAMPLES = 3  # offending rows quoted in a violation
# States that stay until something changes them: reported once, at the run that caused them.
STANDING = frozenset({"one_failure_is_not_a_day", "parked_with_reason", "no_duplicate_entries",
                      "no_duplicate_articles", "no_dangling_article_ids", "warehouse_opens"})


@dataclass(frozen=True)
class Violation:
    run: int
    invariant: str
    detail: str

    def __str__(self) -> str:
        return f"run {self.run}: {self.invariant}: {self.detail}"


def query(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with Warehouse(path).reading() as con:
        return con.execute(sql).fetchall()


def columns(path: Path, table: str) -> set[str]:
    return {str(row[0]) for row in query(path, f"SELECT column_name FROM information_schema.columns "
                                               f"WHERE table_name = '{table}'")}


def _examples(rows: Iterable[object]) -> str:
    listed = list(rows)
    return f"{len(listed)}, e.g. {listed[:EXAMPLES]}"


def no_duplicates(path: Path, run: int) -> list[Violation]:
    """An item is one entry (per feed, GUID and link); a URL is one article."""
    found = []
    entries = query(path, "SELECT feed_id, guid, url, count(*) FROM entries GROUP BY ALL HAVING count(*) > 1")
    if entries:
        found.append(Violation(run, "no_duplicate_entries", _examples(entries)))
    articles = query(path, "SELECT canonical_url, count(*) FROM articles GROUP BY 1 HAVING count(*) > 1 "
                           "UNION ALL SELECT article_id, count(*) FROM articles GROUP BY 1 HAVING count(*) > 1")
    if articles:
        found.append(Violation(run, "no_duplicate_articles", _examples(articles)))
    dangling = query(path, "SELECT feed_id, url, article_id FROM entries WHERE article_id IS NOT NULL "
                           "AND article_id NOT IN (SELECT article_id FROM articles)")
    if dangling:
        found.append(Violation(run, "no_dangling_article_ids", _examples(dangling)))
    return found


def stored_items(path: Path) -> set[tuple[str, str]]:
    """(feed_id, url) of every entry, by its link and by its canonical link."""
    rows = query(path, "SELECT feed_id, url, canonical_url FROM entries")
    return {(str(feed), str(url)) for feed, url, _ in rows} | {(str(feed), str(c)) for feed, _, c in rows if c}


def nothing_lost(path: Path, run: int, required: set[tuple[str, str]]) -> list[Violation]:
    """Every item the world delivered whole to a run that was not killed is an entry."""
    missing = sorted(required - stored_items(path))
    return [Violation(run, "nothing_lost", _examples(missing))] if missing else []


def entry_states(path: Path, run: int) -> tuple[dict[str, int], list[Violation]]:
    """Each entry is stored, pending, or parked with a reason; counts of each, and violations."""
    entry_columns = columns(path, "entries")
    park = next((c for c in sorted(entry_columns) if "park" in c and not c.endswith("reason")), None)
    reason = next((c for c in sorted(entry_columns) if "park" in c and c.endswith("reason")), None)
    parked_sql = f"{park} IS NOT NULL AND {park} IS DISTINCT FROM false" if park else "false"
    reason_sql = f"coalesce({reason}, last_outcome)" if reason else "last_outcome"
    final = ", ".join(f"'{o}'" for o in FINAL_OUTCOMES)
    rows = query(path, f"""
        SELECT CASE WHEN article_id IS NOT NULL THEN 'stored'
                    WHEN {parked_sql} THEN 'parked'
                    WHEN last_outcome IN ({final}) OR fetch_attempts >= {MAX_ATTEMPTS} THEN 'gave_up'
                    ELSE 'pending' END AS state,
               {reason_sql} AS reason, feed_id, url
        FROM entries""")
    counts: dict[str, int] = {}
    unexplained = []
    for state, why, feed, url in rows:
        counts[str(state)] = counts.get(str(state), 0) + 1
        if state in ("parked", "gave_up") and not why:
            unexplained.append((feed, url))
    found = [Violation(run, "parked_with_reason", _examples(unexplained))] if unexplained else []
    return counts, found


def feed_failures(path: Path) -> dict[str, int]:
    return {str(feed): int(failures) for feed, failures in query(
        path, "SELECT feed_id, consecutive_failures FROM feeds")}


def outage_penalises_no_feed(path: Path, run: int, before: dict[str, int]) -> list[Violation]:
    """In a run where no name resolved (the machine was offline), no feed's failure count grows."""
    after = feed_failures(path)
    grown = sorted((feed, before.get(feed, 0), count) for feed, count in after.items() if count > before.get(feed, 0))
    return [Violation(run, "outage_penalises_no_feed", _examples(grown))] if grown else []


def one_failure_is_not_a_day(path: Path, run: int) -> list[Violation]:
    """A feed that failed once on the network (DNS, connect, timeout) is due again within the hour."""
    outcomes = ", ".join(f"'{o}'" for o in NETWORK_OUTCOMES)
    rows = query(path, f"""
        SELECT feed_id, last_outcome, epoch(next_poll_at - last_polled_at) FROM feeds
        WHERE consecutive_failures = 1 AND last_outcome IN ({outcomes})
          AND epoch(next_poll_at - last_polled_at) > {ONE_FAILURE_LONGEST_WAIT}""")
    return [Violation(run, "one_failure_is_not_a_day", _examples(rows))] if rows else []


def warehouse_opens(path: Path, run: int) -> list[Violation]:
    try:
        query(path, "SELECT count(*) FROM runs")
    except Exception as exc:  # any failure to open is the finding
        return [Violation(run, "warehouse_opens", f"{type(exc).__name__}: {exc}")]
    return []


NOT_FINISHED = ("running", "failed", "abandoned", "cancelled")


def last_run_recorded(path: Path, run: int) -> list[Violation]:
    """A run that exited 0 left itself recorded as finished (the newest row of `runs`): `completed`
    today; any status a fix adds for a run cut short by its budget counts, unless it is one of
    NOT_FINISHED."""
    rows = query(path, "SELECT run_id, status, error FROM runs ORDER BY started_at DESC LIMIT 1")
    if not rows or rows[0][1] in NOT_FINISHED:
        return [Violation(run, "run_recorded_completed", f"newest runs row: {rows[:1]}")]
    return []
