"""Articles whose batch another machine never returned (a Dask worker killed, the cluster gone).

Nothing is known of their pages: each gets a `left_by_cluster` fetch event and entry outcome, with no
attempt counted and never parked for it, and stays pending for the next run. Before red team 38b such a
batch cost each article a counted failed attempt (a worker killed three times parked them), or, when it
timed out, left them pending with no row at all. The rows are the batch's load (`pipeline.load_batch`), so a
reader holding the warehouse spools them as it does any batch's (review of red team 38b: they were dropped).

A page that kills the worker running it would be lost with its batch run after run. An article lost once is
sent alone after that (`isolating_lost`), so its batch's other pages are stored, one such at a time on the cluster
(`DaskStages.turn`: a worker holds more tasks than threads, and a page sent alone beside a poison one died with it),
and a batch of one lost to a
killed worker (the scheduler's `KilledWorker`) is that page's doing: a counted `killed_worker` attempt, parked
after `execution.max_article_attempts` (red team 39). A batch that raised (a bug escaped for it) is recorded
`failed` the same way, through the spool (red team 39: it was written apart from it, and dropped beside a reader).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from newsflow.models import FetchKind, FetchResult, Outcome, PendingArticle
from newsflow.pipeline import LoadSettings, RunCounts, batched, load_batch
from newsflow.spool import commit_or_spool
from newsflow.warehouse import Warehouse

KILLED_WORKER = ("the Dask worker running this page alone was killed ({why}): counted as an attempt, parked after "
                 "execution.max_article_attempts such losses")
MAX_ALONE = 32  # articles sent alone in one run: a batch is a Prefect and a Dask task, ~0.1 s of overhead each
LEFT_BY_CLUSTER = ("the Dask cluster never returned this article's batch ({why}): left for the next run, "
                   "no attempt counted")


def isolating_lost(pending: Sequence[PendingArticle], size: int) -> list[Sequence[PendingArticle]]:
    """Batches of `size`, each article whose last attempt was lost with its batch in a batch of its own, up to
    `MAX_ALONE` a run: a whole cluster lost leaves hundreds, and a batch is a task (the rest go in batches of
    `size`, uncounted if lost again, and their turn to go alone comes as those before them are done)."""
    lost = [p for p in pending if p.lost_with_batch][:MAX_ALONE]
    alone = {id(p) for p in lost}
    return [*([p] for p in lost), *batched([p for p in pending if id(p) not in alone], size)]


def sent_alone(batch: Sequence[PendingArticle]) -> bool:
    """Whether `batch` is an article lost with its batch before, sent alone (`isolating_lost`)."""
    return len(batch) == 1 and batch[0].lost_with_batch


def left_results(batch: Sequence[PendingArticle], why: str, outcome: Outcome = Outcome.LEFT_BY_CLUSTER,
                 explained: str = LEFT_BY_CLUSTER) -> list[FetchResult]:
    """What the run knows of each article of a batch that did not come back: no request it can vouch for, and why."""
    now, error = datetime.now(UTC), explained.format(why=why)
    return [FetchResult(url=p.url, final_url=p.url, kind=FetchKind.ARTICLE, outcome=outcome, at=now,
                        error=error) for p in batch]


def record_left_by_cluster(
    store: Warehouse, run_id: str, batch: Sequence[PendingArticle], why: str, settings: LoadSettings,
    killed_alone: bool = False,
) -> RunCounts:
    """One uncounted `left_by_cluster` attempt and fetch event per article of `batch` (or, `killed_alone`, a counted
    `killed_worker` one), in one transaction, or spooled while a reader holds the warehouse. The caller holds the
    run's write lock."""
    if killed_alone:
        results = left_results(batch, why, Outcome.KILLED_WORKER, KILLED_WORKER)
        spooled = RunCounts(articles_failed=len(batch))
    else:
        results, spooled = left_results(batch, why), RunCounts(articles_deferred=len(batch))
    return commit_or_spool(store, run_id, load_batch, run_id, list(batch), results, [None] * len(batch), settings,
                           if_spooled=spooled)


def record_failed_batch_rows(
    store: Warehouse, run_id: str, batch: Sequence[PendingArticle], error: str, settings: LoadSettings
) -> RunCounts:
    """A counted `failed` attempt and fetch event per article of a batch a bug escaped for, or spooled beside a
    reader. The caller holds the run's write lock."""
    now = datetime.now(UTC)
    results = [FetchResult(url=p.url, final_url=p.url, kind=FetchKind.ARTICLE, outcome=Outcome.FAILED, at=now,
                           error=error) for p in batch]
    return commit_or_spool(store, run_id, load_batch, run_id, list(batch), results, [None] * len(batch), settings,
                           if_spooled=RunCounts(articles_failed=len(batch)))
