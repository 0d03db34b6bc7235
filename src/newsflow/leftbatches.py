"""Articles whose batch another machine never returned (a Dask worker killed, the cluster gone).

Nothing is known of their pages: each gets a `left_by_cluster` fetch event and entry outcome, with no
attempt counted and never parked for it, and stays pending for the next run. Before red team 38b such a
batch cost each article a counted failed attempt (a worker killed three times parked them), or, when it
timed out, left them pending with no row at all. The rows are the batch's load (`pipeline.load_batch`), so a
reader holding the warehouse spools them as it does any batch's (review of red team 38b: they were dropped).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from newsflow.models import FetchKind, FetchResult, Outcome, PendingArticle
from newsflow.pipeline import LoadSettings, RunCounts, load_batch
from newsflow.spool import commit_or_spool
from newsflow.warehouse import Warehouse

LEFT_BY_CLUSTER = ("the Dask cluster never returned this article's batch ({why}): left for the next run, "
                   "no attempt counted")


def left_results(batch: Sequence[PendingArticle], why: str) -> list[FetchResult]:
    """What the run knows of each article of a lost batch: no request it can vouch for, and why."""
    now, error = datetime.now(UTC), LEFT_BY_CLUSTER.format(why=why)
    return [FetchResult(url=p.url, final_url=p.url, kind=FetchKind.ARTICLE, outcome=Outcome.LEFT_BY_CLUSTER, at=now,
                        error=error) for p in batch]


def record_left_by_cluster(
    store: Warehouse, run_id: str, batch: Sequence[PendingArticle], why: str, settings: LoadSettings
) -> RunCounts:
    """One uncounted `left_by_cluster` attempt and fetch event per article of `batch`, in one transaction, or
    spooled while a reader holds the warehouse. The caller holds the run's write lock."""
    return commit_or_spool(store, run_id, load_batch, run_id, list(batch), left_results(batch, why),
                           [None] * len(batch), settings, if_spooled=RunCounts(articles_deferred=len(batch)))
