"""One ingest run: the stages of `newsflow.pipeline` in order, under the run lock.

`run_ingest` takes a `Stages` object so that the Prefect flow can run each stage as a task
(flows/ingest.py) while tests and benchmarks call the very same code directly.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsflow import search, warehouse
from newsflow.config import Config
from newsflow.extractpool import ExtractionResult, ExtractorPool
from newsflow.fetch import Fetcher
from newsflow.models import FeedConfig, FeedState, FetchEvent, FetchResult, PendingArticle
from newsflow.pages import pages_dir_for, remove_pages
from newsflow.pipeline import (
    FeedPoll,
    RunCounts,
    batched,
    due_feeds,
    extract_batch,
    fetch_batch,
    list_pending,
    load_batch,
    load_polls,
    poll_feeds,
    without_html,
)
from newsflow.warehouse import Warehouse

log = logging.getLogger(__name__)

Fetched = tuple[list[FetchResult], list[ExtractionResult | None]]
# A run stopped on purpose (Ctrl-C, SIGTERM, a cancelled flow run) is `cancelled`, not `failed`.
CANCELLATIONS = (asyncio.CancelledError, KeyboardInterrupt, SystemExit)


@dataclass
class RunContext:
    """What every stage of one run shares."""

    config: Config
    store: Warehouse
    run_id: str
    fetcher: Fetcher
    states: dict[str, FeedState]
    pool: ExtractorPool | None = None
    # Batches handed from one stage to the next outside the orchestrator, which would otherwise
    # keep a reference to every batch's pages until the run ends (flows/ingest.py).
    handoff: dict[int, Fetched] = field(default_factory=dict)

    @property
    def kept_pages_dir(self) -> Path | None:
        """Where the workers keep each page's HTML, or None when `extract.keep_html` is off."""
        return pages_dir_for(self.config.warehouse_path) if self.config.extract.keep_html else None


@dataclass
class RunSummary:
    run_id: str
    counts: RunCounts = field(default_factory=RunCounts)
    feeds_due: int = 0
    pages_dropped: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0
    status: str = "completed"

    def as_result(self) -> dict[str, Any]:
        """What `newsflow run --json` prints and the `ingest` flow returns."""
        return {"run_id": self.run_id, "status": self.status, "elapsed_s": self.elapsed_s,
                "feeds_due": self.feeds_due, **self.counts.as_dict()}


class Stages:
    """Runs each stage directly. flows/ingest.py subclasses it to run each stage as a Prefect task."""

    # Batches fetched and extracted at once: two keep one fetching while the other extracts.
    batches_in_flight = 2

    async def poll(self, ctx: RunContext, feeds: Sequence[FeedConfig]) -> list[FeedPoll]:
        return await poll_feeds(feeds, ctx.states, ctx.fetcher)

    async def load_polls(self, ctx: RunContext, polls: Sequence[FeedPoll]) -> RunCounts:
        return await asyncio.to_thread(load_polls, ctx.store, ctx.run_id, polls, ctx.states, ctx.config.polling)

    async def fetch_extract(self, ctx: RunContext, batch: Sequence[PendingArticle]) -> Fetched:
        assert ctx.pool is not None, "fetch_extract runs inside the extraction pool"
        results = await fetch_batch(batch, ctx.fetcher)
        extractions = await asyncio.to_thread(extract_batch, results, ctx.pool, ctx.kept_pages_dir)
        return without_html(results), extractions

    async def load(self, ctx: RunContext, batch: Sequence[PendingArticle], fetched: Fetched) -> RunCounts:
        window = ctx.config.stories.window_days
        return await asyncio.to_thread(load_batch, ctx.store, ctx.run_id, batch, *fetched, window, ctx.kept_pages_dir)


async def run_ingest(
    config: Config,
    run_id: str,
    feed_names: Sequence[str] | None = None,
    *,
    all_feeds: bool = False,
    stages: Stages | None = None,
) -> RunSummary:
    """One ingest: hold the run lock, poll the due feeds, then fetch, extract and load what is new.

    `feed_names` polls exactly those feeds, due or not; `all_feeds` polls every enabled feed.
    """
    started = time.monotonic()
    candidates = config.select_feeds(list(feed_names or []))
    store = Warehouse(config.warehouse_path, config.lock_timeout)
    summary = RunSummary(run_id)
    with store.run_lock():
        states = begin_run(store, run_id, config.feeds, candidates)
        forced = bool(feed_names) or all_feeds
        feeds = list(candidates) if forced else due_feeds(candidates, states, datetime.now(UTC))
        summary.feeds_due = len(feeds)
        try:
            async with Fetcher(config.fetch) as fetcher:
                ctx = RunContext(config, store, run_id, fetcher, states)
                await ingest(ctx, feeds, [f.name for f in candidates], stages or Stages(), summary.counts)
        except BaseException as exc:
            summary.status = "cancelled" if isinstance(exc, CANCELLATIONS) else "failed"
            end_run(store, summary, f"{type(exc).__name__}: {exc}")
            raise
        summary.elapsed_s = round(time.monotonic() - started, 3)
        end_run(store, summary, None, config.extract.html_budget_mb)
        remove_pages(pages_dir_for(config.warehouse_path), summary.pages_dropped)
    return summary


async def ingest(
    ctx: RunContext, feeds: Sequence[FeedConfig], feed_ids: Sequence[str], stages: Stages, counts: RunCounts
) -> None:
    log.info("polling %d due feeds", len(feeds), extra={"progress": ("poll", 0, len(feeds))})
    if feeds:
        polls = await stages.poll(ctx, feeds)
        counts.add(await stages.load_polls(ctx, polls))
    log.info("polled %d feeds: %d not modified, %d failed, %d new entries", len(feeds), counts.feeds_not_modified,
             counts.feeds_failed, counts.entries_new, extra={"progress": ("poll", len(feeds), len(feeds))})
    pending, linked = list_pending(ctx.store, feed_ids)
    counts.duplicates += linked
    log.info("%d articles to fetch", len(pending), extra={"progress": ("articles", 0, len(pending))})
    if not pending:
        return
    with ExtractorPool(ctx.config.extract.worker_count, ctx.config.extract.timeout) as pool:
        ctx.pool = pool
        await process_batches(ctx, pending, stages, counts)
    record_robots_fetches(ctx)


def record_robots_fetches(ctx: RunContext) -> None:
    """robots.txt fetches go to the fetch log too, as kind 'robots'."""
    events = [FetchEvent.from_result(r, ctx.run_id, None) for r in ctx.fetcher.robots_results]
    if events:
        with ctx.store.writing() as con:
            warehouse.insert_fetch_events(con, events)


async def process_batches(
    ctx: RunContext, pending: Sequence[PendingArticle], stages: Stages, counts: RunCounts
) -> None:
    """Several batches in flight, so fetching overlaps extraction; loads stay one at a time."""
    in_flight = asyncio.Semaphore(stages.batches_in_flight)
    single_writer = asyncio.Lock()

    done = 0

    async def one_batch(batch: Sequence[PendingArticle]) -> None:
        nonlocal done
        async with in_flight:
            fetched = await stages.fetch_extract(ctx, batch)
            async with single_writer:
                counts.add(await stages.load(ctx, batch, fetched))
                done += len(batch)
                log.info("articles: %d of %d done, %d stored, %d failed", done, len(pending), counts.articles_stored,
                         counts.articles_failed, extra={"progress": ("articles", done, len(pending))})

    await asyncio.gather(*(one_batch(b) for b in batched(pending, ctx.config.extract.batch_size)))


def begin_run(
    store: Warehouse, run_id: str, configured: Sequence[FeedConfig], selected: Sequence[FeedConfig]
) -> dict[str, FeedState]:
    with store.writing() as con:
        warehouse.abandon_stale_runs(con)
        warehouse.sync_feeds(con, configured)
        warehouse.begin_run(con, run_id, datetime.now(UTC))
        return warehouse.read_feed_states(con, [f.name for f in selected])


def end_run(store: Warehouse, summary: RunSummary, error: str | None, html_budget_mb: int | None = None) -> None:
    with store.writing() as con:
        if html_budget_mb is not None:
            summary.pages_dropped = warehouse.prune_pages(con, html_budget_mb * 1024 * 1024)
            if summary.pages_dropped:
                log.info("dropped the kept HTML of the %d oldest pages to stay within extract.html_budget_mb",
                         len(summary.pages_dropped))
        search.update_index(con, limit=search.BACKLOG_PER_RUN, run_id=summary.run_id)  # search branch: index new
        warehouse.finish_run(con, summary.run_id, summary.counts.as_dict(), summary.status, error)
