"""The article half of a run: its batches in flight, each loaded one writer at a time (newsflow.runner).

A batch that raises costs its articles one failed attempt each, with the error, and the other
batches go on; a warehouse error, or the run's cancellation, stops them all. A batch that met the machine's
limit (out of memory, open files, processes) is such a batch too, its line said once as a warning: it cannot
tell a page that needs more memory than the machine gives from the machine's own shortage, and ending the run
there ended every later run at the same batch (review of Local 32, F1); counted, the page is parked after
`execution.max_article_attempts`, and the other feeds' articles go on being stored. No batch starts once
the run's budget has run out: its articles stay pending.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from newsflow import machinelimits, readersafe
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


class _Write:
    """One write of the run in its thread: what it counted once it ended (committed, spooled or raised)."""

    def __init__(self) -> None:
        self.ended = threading.Event()
        self.counts = RunCounts()


class WritesInThreads:
    """The run's batch writes, each in a worker thread, and the ones whose batch was stopped while they ran.

    A stop (SIGTERM, Ctrl-C, a cancelled flow run) cancels the batch that awaits its load, not the load: its
    thread goes on and commits the batch whole (hunt 48: 6 of 6). Its counts never reached the run's tally,
    so the `cancelled` row said 0 articles stored while the batch's articles carried the run's id. A write
    whose batch was stopped is kept here, and `add_committed_after_stop` waits for each and adds what they
    counted: the run's row is written after their commits, and counts them (runs53)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stopped: list[_Write] = []

    async def run(self, write: Callable[[], RunCounts]) -> RunCounts:
        """`write()` in a worker thread; if the batch is stopped meanwhile, its counts are kept for the run's row."""
        done = _Write()

        def counted() -> RunCounts:
            try:
                done.counts = write()
                return done.counts
            finally:
                done.ended.set()

        context = contextvars.copy_context()  # as asyncio.to_thread: the run's context (Prefect's) in the thread
        # Shielded: a stop cancels the await, never the thread's future, so the write always runs and always ends.
        writing = asyncio.get_running_loop().run_in_executor(None, context.run, counted)
        # A write whose batch was stopped may still fail (the disk full): its error is the run's to say, in one line,
        # not asyncio's "Future exception was never retrieved" with a traceback when the future is collected.
        writing.add_done_callback(_retrieved)
        try:
            return await asyncio.shield(writing)
        except BaseException:
            with self._lock:
                self._stopped.append(done)  # a write that raised itself counted nothing: it adds nothing
            raise

    def keep_for_the_row(self, counts: RunCounts) -> None:
        """What writes that ended before a stop counted, when the stage that awaited them is stopped before it
        returns them: the poll stage's polls committed before a stop (hunt 50)."""
        done = _Write()
        done.counts = counts
        done.ended.set()
        with self._lock:
            self._stopped.append(done)

    def add_committed_after_stop(self, counts: RunCounts) -> None:
        """Add to `counts` what each write whose batch was stopped counted, once it has ended (a load takes seconds
        at most; a wait cut short by a second stop keeps what the writes that had ended counted)."""
        with self._lock:
            stopped, self._stopped = self._stopped, []
        for write in stopped:
            write.ended.wait()
            counts.add(write.counts)


def _retrieved(future: asyncio.Future[RunCounts]) -> None:
    if not future.cancelled():
        future.exception()


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
        batch, results, extractions = unreachable_left_pending(batch, results, extractions, ctx.network_down_told)
        ctx.network_down_told = ctx.network_down_told or len(batch) < reached

    def load() -> RunCounts:
        with ctx.write_lock:  # reader hook: the load, or its inputs spooled while a reader holds the warehouse
            return commit_or_spool(ctx.store, ctx.run_id, load_batch, ctx.run_id, batch, results, extractions,
                                   ctx.load_settings, if_spooled=readersafe.batch_counted(results, extractions))

    counts = await ctx.writes.run(load) if batch else RunCounts()
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


def _say_failed_batch(size: int, exc: BaseException, limits_said: set[str]) -> None:
    """A bug's traceback; the machine's limit as its one line, once a run (its articles are counted all the same)."""
    line = machinelimits.said_of(exc)
    if line is None:
        log.exception("a batch of %d articles failed; each is recorded failed", size)
    elif (limit := line.split(" (", 1)[0]) not in limits_said:  # its figures (files open now) vary
        limits_said.add(limit)
        log.warning("a batch of %d articles failed, each recorded failed: %s", size, line)


async def process_batches(
    ctx: RunContext, pending: Sequence[PendingArticle], stages: Stages, counts: RunCounts, errors: list[str]
) -> None:
    """Several batches in flight, so fetching overlaps extraction; loads take turns on ctx.write_lock.

    No batch starts once the budget has run out: its articles stay pending. A batch that raises
    costs its articles one failed attempt each, with the error; the others go on.
    """
    in_flight = asyncio.Semaphore(stages.batches_in_flight)
    done = 0
    limits_said: set[str] = set()  # each machine-limit line once a run, not once a batch

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
                _say_failed_batch(len(batch), exc, limits_said)
                errors.append(f"batch: {describe_error(exc)}")
                counts.add(await ctx.writes.run(functools.partial(record_failed_batch, ctx, batch, exc)))
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
