"""Articles whose batch another machine never returned (a Dask worker killed, the cluster gone).

Nothing is known of their pages: each gets a `left_by_cluster` fetch event and entry outcome, with no
attempt counted and never parked for it, and stays pending for the next run. Before red team 38b such a
batch cost each article a counted failed attempt (a worker killed three times parked them), or, when it
timed out, left them pending with no row at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from newsflow import warehouse
from newsflow.models import EntryAttempt, FetchEvent, FetchKind, Outcome, PendingArticle
from newsflow.pipeline import RunCounts
from newsflow.warehouse import Warehouse
from newsflow.warehouse.loads import record_attempts

LEFT_BY_CLUSTER = ("the Dask cluster never returned this article's batch ({why}): left for the next run, "
                   "no attempt counted")


def record_left_by_cluster(store: Warehouse, run_id: str, batch: Sequence[PendingArticle], why: str) -> RunCounts:
    """One uncounted `left_by_cluster` attempt and fetch event per article of `batch`, in one transaction."""
    error = LEFT_BY_CLUSTER.format(why=why)
    now = datetime.now(UTC)
    attempts = [EntryAttempt(p.canonical_url, str(Outcome.LEFT_BY_CLUSTER), None, error=error, counts=False, at=now,
                             terminal=False) for p in batch]
    events = [FetchEvent(run_id, now, FetchKind.ARTICLE, p.feed_id, p.url, None, Outcome.LEFT_BY_CLUSTER, error, 0, 0)
              for p in batch]
    with store.writing() as con, warehouse.transaction(con):
        record_attempts(con, attempts)
        warehouse.insert_fetch_events(con, events)
    return RunCounts(articles_deferred=len(batch))
