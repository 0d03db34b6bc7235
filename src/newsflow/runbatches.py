"""The article half of a run: its batches in flight, each loaded one writer at a time (newsflow.runner).

A batch that raises costs its articles one failed attempt each, with the error, and the other
batches go on; a warehouse error, or the run's cancellation, stops them all. No batch starts once
the run's budget has run out: its articles stay pending.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from newsflow import readersafe
from newsflow.errors import WarehouseError, WarehouseLockedError
from newsflow.extractpool import ExtractionResult
from newsflow.intercepts import answered_any, network_dropped, unreachable_left_pending
from newsflow.leftbatches import record_failed_batch_rows
from newsflow.models import FetchResult, PendingArticle
from newsflow.pipeline import RunCounts, describe_error, load_batch
from newsflow.spool import commit_or_spool

if TYPE_CHECKING:  # the runner imports this module: its types only, at type-checking time
    from newsflow.runner import RunContext, Stages

# The logger these steps have always logged under (they were part of newsflow.runner).
log = logging.getLogger("newsflow.runner")


async def load_fetched(
    ctx: RunContext, batch: Sequence[PendingArticle], results: Sequence[FetchResult],
    extractions: Sequence[ExtractionResult | None],
) -> RunCounts:
    """Load a fetched and extracted batch, one writer at a time (for stages that fetch elsewhere). Until some
    host has answered in this run, and in a batch in which none answered, what could not be reached waits
    uncounted (`intercepts.unreachable_left_pending`, `intercepts.network_dropped`)."""
    ctx.network_answered = ctx.network_answered or bool(ctx.answered_sites) or answered_any(results)
    reached = len(batch)
    if not ctx.network_answered or network_dropped(results, ctx.answered_sites):
        batch, results, extractions = unreachable_left_pending(batch, results, extractions)

    def load() -> RunCounts:
        with ctx.write_lock:  # reader hook: the load, or its inputs spooled while a reader holds the warehouse
            return commit_or_spool(ctx.store, ctx.run_id, load_batch, ctx.run_id, batch, results, extractions,
                                   ctx.load_settings, if_spooled=readersafe.batch_counted(results, extractions))

    counts = await asyncio.to_thread(load) if batch else RunCounts()
    counts.articles_deferred += reached - len(batch)
    return counts


def record_failed_batch(ctx: RunContext, batch: Sequence[PendingArticle], exc: BaseException) -> RunCounts:
    """Each article a counted `failed` attempt, or spooled while a reader holds the warehouse (red team 39)."""
    try:
        with ctx.write_lock:
            return record_failed_batch_rows(ctx.store, ctx.run_id, batch, describe_error(exc), ctx.load_settings)
    except WarehouseLockedError:  # a bug and a reader at once: the attempt goes uncounted, the entries stay pending
        log.warning("could not record %d failed articles: the warehouse is held", len(batch))
        return RunCounts(articles_failed=len(batch))


async def process_batches(
    ctx: RunContext, pending: Sequence[PendingArticle], stages: Stages, counts: RunCounts, errors: list[str]
) -> None:
    """Several batches in flight, so fetching overlaps extraction; loads take turns on ctx.write_lock.

    No batch starts once the budget has run out: its articles stay pending. A batch that raises
    costs its articles one failed attempt each, with the error; the others go on.
    """
    in_flight = asyncio.Semaphore(stages.batches_in_flight)
    done = 0

    async def one_batch(batch: Sequence[PendingArticle]) -> None:
        nonlocal done
        async with stages.turn(batch), in_flight:
            if ctx.out_of_time():
                counts.articles_deferred += len(batch)
                return
            try:
                counts.add(await stages.batch(ctx, batch))
            except WarehouseError:
                raise
            except Exception as exc:
                log.exception("a batch of %d articles failed; each is recorded failed", len(batch))
                errors.append(f"batch: {describe_error(exc)}")
                counts.add(await asyncio.to_thread(record_failed_batch, ctx, batch, exc))
            done += len(batch)
            log.info("articles: %d of %d done, %d stored, %d failed", done, len(pending), counts.articles_stored,
                     counts.articles_failed, extra={"progress": ("articles", done, len(pending))})

    tasks = [asyncio.ensure_future(one_batch(b)) for b in stages.batches_for(pending, ctx.config.extract.batch_size)]
    try:
        await asyncio.gather(*tasks)
    except BaseException:  # the warehouse failed (or the run was cancelled): stop the other batches first
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
