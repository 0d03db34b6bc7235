"""One ingest run: the stages in order, under the run lock, within the run's budget.

`run_ingest` takes a `Stages` object with two coarse stages, `poll` (every due feed) and
`batch` (one batch of articles), so that the Prefect flow can run each as a task
(flows/ingest.py) while tests and benchmarks call the very same code directly. Each stage
commits as it goes and returns counts only: a killed run keeps everything it finished.

The run has a wall-clock budget (`Config.run_budget`); polls may use half of it. Past that, no
poll starts and polls in flight are dropped; past the whole budget, no batch starts,
fetches in flight are dropped, and the work left stays pending for the next run; the run ends
`completed` and records what it deferred (`runs.feeds_deferred`, `runs.articles_deferred`).
A bug escaping from a stage costs the feeds or articles it held, recorded with the error,
never the run.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsflow import cli_signals, hostholds, machinelimits, readersafe, refetch, robotholds
from newsflow.batchfetch import extract_batch, extracted_in_time, fetch_within, without_html
from newsflow.catchall import judged_within
from newsflow.config import Config
from newsflow.errors import WarehouseError
from newsflow.extractpool import ExtractorPool
from newsflow.feedpool import FeedParserPool
from newsflow.fetch import Fetcher
from newsflow.intercepts import without_intercepted
from newsflow.leftpages import keep_left, left_dir
from newsflow.models import FeedConfig, FeedState, HostPause, PendingArticle
from newsflow.pages import pages_dir_for, remove_pages
from newsflow.pipeline import LoadSettings, RunCounts, batched, describe_error
from newsflow.polling import due_feeds, next_due
from newsflow.polls import PollJob, poll_feeds
from newsflow.runbatches import WritesInThreads, load_fetched, process_batches
from newsflow.runstops import interrupts_held, is_cancellation
from newsflow.urls import feed_key
from newsflow.warehouse import Warehouse
from newsflow.warehouse.refetches import RefetchTarget

log = logging.getLogger(__name__)

# Polls may take this share of the run's budget, so a host that holds its feeds back never leaves
# the articles of the feeds that answered without time.
POLL_SHARE_OF_BUDGET = 0.5
# Feeds parsed at once, each in its own worker process (newsflow.feedpool).
PARSE_WORKERS = 2


@dataclass
class RunContext:
    """What every stage of one run shares."""

    config: Config
    store: Warehouse
    run_id: str
    fetcher: Fetcher
    states: dict[str, FeedState]
    deadline: float = float("inf")  # time.monotonic() past which no work starts
    poll_deadline: float = float("inf")  # past which no poll starts: articles get the rest of the budget
    pool: ExtractorPool | None = None
    # One writer at a time: poll commits and batch loads run in threads, and take turns here.
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    # Sites whose feed came through in this run: the network is not intercepting their requests.
    answered_sites: set[str] = field(default_factory=set)
    # Pages feeds of 3 sites or more were sent to or served in this run: a portal's, evidently.
    portal_pages: set[str] = field(default_factory=set)
    catch_all_verdicts: dict[str, bool] = field(default_factory=dict)  # pages probed this run (catchall)
    articles_held: set[str] = field(default_factory=set)  # run_id once its polls' outage holds articles back
    network_answered: bool = False  # some host answered a fetch of this run: the machine is online (load_fetched)
    network_down_told: bool = False  # the run said its "the network is down" warning (once a run, hunt 56)
    writes: WritesInThreads = field(default_factory=WritesInThreads)  # batch loads, counted when stopped (runs53)

    @property
    def kept_pages_dir(self) -> Path | None:
        """Where the workers keep each page's HTML, or None when `extract.keep_html` is off."""
        return pages_dir_for(self.config.warehouse_path) if self.config.extract.keep_html else None

    @property
    def left_pages_dir(self) -> Path:
        """Where pages fetched whole but left by the budget wait for the next run (`leftpages`)."""
        return left_dir(pages_dir_for(self.config.warehouse_path))

    @property
    def load_settings(self) -> LoadSettings:
        return LoadSettings(self.config.stories.window_days, self.kept_pages_dir,
                            self.config.execution.max_article_attempts)

    def out_of_time(self) -> bool:
        return time.monotonic() >= self.deadline


@dataclass
class RunSummary:
    run_id: str
    counts: RunCounts = field(default_factory=RunCounts)
    feeds_due: int = 0
    pages_dropped: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0
    status: str = "completed"
    articles_held: bool = False  # an outage held every article back (polling.outage_holds_articles): the report
    host_pauses: list[HostPause] = field(default_factory=list)  # in force at the run's end (`hostholds`)

    def as_result(self) -> dict[str, Any]:
        """What `newsflow run --json` prints and the `ingest` flow returns."""
        return {"run_id": self.run_id, "status": self.status, "elapsed_s": self.elapsed_s,
                "feeds_due": self.feeds_due, **self.counts.as_dict()}


class Stages:
    """Runs each stage directly. flows/ingest.py subclasses it to run each stage as a Prefect task."""

    # Batches fetched and extracted at once: two keep one fetching while the other extracts.
    batches_in_flight = 2

    async def poll(self, ctx: RunContext, feeds: Sequence[FeedConfig]) -> RunCounts:
        """Poll, parse and commit each feed as soon as it is parsed; return counts only."""
        with FeedParserPool(min(PARSE_WORKERS, ctx.config.extract.worker_count), ctx.config.extract.timeout,
                            ctx.config.polling.max_entries_per_feed) as parser:
            await parser.start()
            job = PollJob(ctx.store, ctx.run_id, ctx.fetcher, ctx.states, ctx.config.polling, parser,
                          min(ctx.deadline, ctx.poll_deadline), ctx.write_lock,
                          {feed_key(feed.url): feed.name for feed in ctx.config.feeds if feed.enabled},
                          ctx.answered_sites, ctx.portal_pages, ctx.articles_held, ctx.writes)
            return await poll_feeds(job, feeds)

    def batches_for(self, pending: Sequence[PendingArticle], size: int) -> list[Sequence[PendingArticle]]:
        return batched(pending, size)

    def turn(self, batch: Sequence[PendingArticle]) -> AbstractAsyncContextManager[object]:
        """What `batch` waits for before it takes a slot among the batches in flight: nothing here."""
        return contextlib.nullcontext()

    async def batch(self, ctx: RunContext, batch: Sequence[PendingArticle]) -> RunCounts:
        """Fetch, extract and load one batch (loads serialised by a lock held in ctx); return counts only."""
        assert ctx.pool is not None, "batch runs inside the extraction pool"
        fetched, results = await fetch_within(batch, ctx.fetcher, ctx.deadline, ctx.left_pages_dir)
        # probes are held to the deadline too: a page still being probed then waits for the next run
        fetched, results, shared = await judged_within(fetched, results, ctx.fetcher.fetch_article,
                                                       ctx.catch_all_verdicts, ctx.deadline)
        fetched, results = without_intercepted(fetched, results, ctx.answered_sites, ctx.portal_pages, shared)
        # The pages fetched by the deadline get `extract.timeout` past it, so a run always makes progress.
        extract_until = ctx.deadline + ctx.config.extract.timeout
        extractions = await asyncio.to_thread(extract_batch, results, ctx.pool, ctx.kept_pages_dir, extract_until)
        fetched, results, extractions = extracted_in_time(fetched, results, extractions)
        await asyncio.to_thread(keep_left, ctx.left_pages_dir, results, extractions)  # the next run's, unfetched
        counts = await load_fetched(ctx, fetched, without_html(results), extractions)
        counts.articles_deferred += len(batch) - len(fetched)
        return counts



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
    The run's budget counts from here, the wait for the run lock included.
    """
    started = time.monotonic()
    cli_signals.forget_the_run_recorded()  # a stop is this run's to obey until its own end is recorded
    stops_before = cli_signals.stops_noted()
    candidates = config.select_feeds(list(feed_names or []))
    store = Warehouse(config.warehouse_path, config.lock_timeout, config.write_patience)
    summary = RunSummary(run_id)
    errors: list[str] = []
    writes = WritesInThreads()
    with store.run_lock():
        states = open_run(store, summary, config.feeds, candidates)
        held = summary.host_pauses = hostholds.read_at_start(store, config.polling.max_interval)
        forced = bool(feed_names) or all_feeds
        feeds = hostholds.not_held(list(candidates) if forced else due_feeds(
            candidates, states, datetime.now(UTC), config.polling.max_interval), states, held)
        summary.feeds_due = len(feeds)
        try:
            async with Fetcher(config.fetch) as fetcher:
                journal = hostholds.hold_and_keep(store, run_id, config.polling.max_interval, held, fetcher.gate)
                budget = config.run_budget
                ctx = RunContext(config, store, run_id, fetcher, states, deadline=started + budget,
                                 poll_deadline=started + POLL_SHARE_OF_BUDGET * budget, writes=writes)
                try:
                    await ingest(ctx, feeds, candidates, stages or Stages(), summary.counts, errors)
                finally:
                    summary.host_pauses = hostholds.kept_at_end(journal, held, fetcher.gate)
                summary.articles_held = run_id in ctx.articles_held
        except BaseException as exc:
            summary.status = "cancelled" if is_cancellation(exc) else "failed"
            end_stopped_run(store, summary, writes, exc)
            raise
        summary.elapsed_s = round(time.monotonic() - started, 3)
        # A Ctrl-C or SIGTERM from here on would cancel a run recorded `completed`: asyncio cancels the
        # task as it returns, and the CLI said "recorded cancelled", exit 130 (red team 17). The run is
        # ending anyway; the signal is dropped and it ends completed, exit 0. One obeyed since the run's
        # last await has only asked for a cancel that is yet to land: the run is recorded cancelled, as the
        # CLI will say (red team 29: a SIGHUP there said "interrupted" of a run recorded completed).
        with interrupts_held():
            if cli_signals.stops_noted() > stops_before:  # obeyed after the last await: its cancel lands after
                summary.status = "cancelled"
                end_run(store, summary, describe_error(asyncio.CancelledError()))
                raise asyncio.CancelledError
            end_run(store, summary, "; ".join(errors)[:2000] or None, config.extract.html_budget_mb)
            cli_signals.note_the_run_recorded()  # the command's end drops a stop too (flows._interrupt)
            remove_pages(pages_dir_for(config.warehouse_path), summary.pages_dropped)
    return summary


def end_stopped_run(store: Warehouse, summary: RunSummary, writes: WritesInThreads, exc: BaseException) -> None:
    """The row of a run stopped or failed, after the commits of the loads the stop cut short, counting them
    (runs53). A second stop cuts the wait short, not the row."""
    try:
        with interrupts_held():  # a second Ctrl-C must not cut the row's one statement short
            try:
                writes.add_committed_after_stop(summary.counts)
            finally:
                end_run(store, summary, describe_error(exc))
    except Exception as failed:  # the warehouse that failed the run fails its row too
        warn_of_the_end(failed)


def warn_of_the_end(failed: Exception) -> None:
    """What a stopped run's end met, said once above the command's line (its "(said above)")."""
    if cli_signals.the_row_is_unwritten():
        log.warning("the run's row could not be written either; the next run marks it abandoned (%s)", failed)
    else:  # after the row's commit: the merge of the search index, the feed states' copy (hunt 49)
        log.warning("the run's row is written, but what follows it failed (%s)", failed)


def open_run(
    store: Warehouse, summary: RunSummary, configured: Sequence[FeedConfig], selected: Sequence[FeedConfig]
) -> dict[str, FeedState]:
    """Replay the spool, record the run's start, read the feed states (reader hook).

    Stopped here, most likely while it waits `write_patience` for a reader, the run's start and end
    are recorded, or spooled at once, as `cancelled`: its row was nowhere, neither in the warehouse
    nor in the spool, and a served run said `Finished in state Running()` (red team 17)."""
    cli_signals.note_the_run_opened()  # a stop from here on is recorded, started and ended (below)
    try:
        return readersafe.open_run(store, summary.run_id, configured, selected)
    except BaseException as exc:
        if not is_cancellation(exc):
            raise
        summary.status = "cancelled"
        store.write_patience = 0.0  # stopping: spool now rather than wait for the reader again
        # Unwritten until `end_run` says otherwise: a `record_start` that raises (a second writer's open refused)
        # leaves no row, or a `running` one, and the lines must not say "written" (readthrough 45, finding 1)
        cli_signals.note_the_row_unwritten(True)
        try:
            with interrupts_held():
                readersafe.record_start(store, summary.run_id, configured)  # idempotent: it may be recorded
                end_run(store, summary, describe_error(exc))
        except Exception as failed:
            warn_of_the_end(failed)
        raise


async def ingest(
    ctx: RunContext, feeds: Sequence[FeedConfig], candidates: Sequence[FeedConfig], stages: Stages,
    counts: RunCounts, errors: list[str],
) -> None:
    log_due_feeds(feeds, candidates, ctx.states)
    probes = await robotholds.probe_remembered(ctx.store, [f.name for f in candidates], ctx.fetcher,
                                               ctx.config.fetch.respect_robots)  # asked while the feeds are polled
    if feeds:
        counts.add(await poll_safely(ctx, feeds, stages, errors))
    log.info("polled %d feeds: %d not modified, %d failed, %d new entries", len(feeds), counts.feeds_not_modified,
             counts.feeds_failed, counts.entries_new, extra={"progress": ("poll", len(feeds), len(feeds))})
    if counts.feeds_deferred:
        log.warning("the run's budget ran out: %d due feeds left for the next run", counts.feeds_deferred)
    # reader hook: read-only (or nothing) while a reader holds the warehouse
    pending, total, linked = await asyncio.to_thread(
        readersafe.pending_beside_readers, ctx.store, [f.name for f in candidates],
        ctx.config.execution.max_articles_per_run, await robotholds.last_hosts(ctx.fetcher.gate, probes))
    counts.duplicates += linked
    # An outage told from one or two polls judged (`polling.outage_holds_articles`) spares the feeds' back-off
    # only: what waits is tried, and what cannot be reached waits uncounted (no host answered: `load_fetched`).
    if counts.network_outage and ctx.run_id in ctx.articles_held:
        log.warning("network outage: no article is fetched this run; %d wait for the next", total)
        counts.articles_deferred += total
        return
    counts.articles_deferred += total - len(pending)
    log.info("%d articles to fetch%s", len(pending), f" ({total - len(pending)} left for later runs)"
             if total > len(pending) else "", extra={"progress": ("articles", 0, len(pending))})
    targets = await asyncio.to_thread(refetch.read_targets, ctx, refetch.feeds_through(ctx, candidates, counts))
    if pending or targets:
        with ExtractorPool(ctx.config.extract.worker_count, ctx.config.extract.timeout) as pool:
            ctx.pool = pool
            if pending:
                await process_batches(ctx, pending, stages, counts, errors)
            await refetch_safely(ctx, targets, errors)  # after every pending page: new text first
    record_robots_fetches(ctx)
    if ctx.out_of_time():
        log.warning("the run's budget of %.0f s ran out: %d articles left for the next run",
                    ctx.config.run_budget, counts.articles_deferred)


async def refetch_safely(ctx: RunContext, targets: Sequence[RefetchTarget], errors: list[str]) -> None:
    """The refetches of stored articles whose entry changed; a bug escaping them is logged and recorded, and costs
    them only (their entries stay changed)."""
    if not targets or ctx.out_of_time():
        return
    try:
        await refetch.refetch(ctx, targets)
    except WarehouseError:
        raise
    except Exception as exc:
        log.exception("refetching %d stored articles failed; their entries stay changed", len(targets))
        errors.append(f"refetch: {describe_error(exc)}")


def record_robots_fetches(ctx: RunContext) -> None:
    """robots.txt fetches go to the fetch log too, as kind 'robots': what the next run remembers (`robotholds`)."""
    with ctx.write_lock:  # reader hook
        robotholds.record_robots_fetches(ctx.store, ctx.run_id, ctx.fetcher.robots_results)


def log_due_feeds(feeds: Sequence[FeedConfig], candidates: Sequence[FeedConfig], states: dict[str, FeedState]) -> None:
    """`polling N due feeds`, and when feeds were skipped, which one is due next and when."""
    polled = {feed.name for feed in feeds}
    upcoming = next_due([f for f in candidates if f.name not in polled], states)
    progress = {"progress": ("poll", 0, len(feeds))}
    if upcoming is None:
        log.info("polling %d due feeds", len(feeds), extra=progress)
        return
    name, when = upcoming
    log.info("polling %d due feeds; next due: %s at %s", len(feeds), name,
             when.astimezone(UTC).isoformat(timespec="seconds"), extra=progress)


async def poll_safely(ctx: RunContext, feeds: Sequence[FeedConfig], stages: Stages, errors: list[str]) -> RunCounts:
    """The poll stage; a bug escaping it is logged and recorded, and the run goes on to the articles."""
    try:
        return await stages.poll(ctx, feeds)
    except WarehouseError:
        raise
    except Exception as exc:
        machinelimits.reraised(exc)  # out of open files or memory: the run ends with its line (Local 32)
        log.exception("the poll stage failed; feeds it had not committed stay due")
        errors.append(f"poll stage: {describe_error(exc)}")
        # What its polls committed before the bug, kept for the row (`keep_for_the_row`): counted in a run that
        # completes as in one stopped or failed later (review of hunt 50, F6), and once (taken from `writes`).
        # Not awaited: a stop landing in the wait for a commit still running would drop what was taken.
        committed = RunCounts()
        ctx.writes.add_committed_after_stop(committed)
        return committed


def end_run(store: Warehouse, summary: RunSummary, error: str | None, html_budget_mb: int | None = None) -> None:
    """The run's row; while a reader holds the warehouse it is spooled with the run's loads (reader hook).

    A row left unwritten (a full disk; a stop asked again `HOLD_AT_MOST_S` after a held one, obeyed inside its
    statement) is noted, so that the command does not say the run is recorded; a failure after the row's commit
    (the search index's merge, the feed states' copy) does not make it unwritten (hunt 49)."""
    with readersafe.noting_rows_recorded() as recorded:
        try:
            hostholds.store_at_end(store, summary.run_id, summary.host_pauses)  # before the run's row: kept if it is
            readersafe.report_spooled(store, summary.run_id)
            summary.pages_dropped = readersafe.close_run(
                store, summary.run_id, summary.counts.as_dict(), summary.status, error, html_budget_mb)
        except WarehouseError as failed:
            row_not_ended(summary, failed, summary.run_id in recorded)
            raise readersafe.said_of_the_row(failed, summary.status, summary.run_id in recorded) from failed
        except BaseException as failed:
            row_not_ended(summary, failed, summary.run_id in recorded)
            raise
    cli_signals.note_the_row_unwritten(False)  # written at a second try (a failed run's row after its load's)


def row_not_ended(summary: RunSummary, failed: BaseException, recorded: bool) -> None:
    """What the command is to say of a row whose end raised: unwritten (the next run marks it abandoned) or, the
    failure coming after its commit, recorded as it was. A stop obeyed inside its statement is said here: no caller
    logs a stop, and the command's line says "(said above)" (hunt 49)."""
    cli_signals.note_the_row_unwritten(not recorded)
    if recorded and summary.status == "completed":
        cli_signals.note_the_run_recorded()  # the line is then "interrupted as the run ended; … recorded completed"
    if not recorded and not isinstance(failed, Exception):
        log.warning("the run's row could not be written: a stop asked again was obeyed as it was written; the next "
                    "run marks the run abandoned")
