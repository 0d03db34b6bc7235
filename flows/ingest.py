"""The `ingest` flow: one run polls the due feeds, then fetches, extracts and loads new articles.

Tasks wrap the runner's two stages: one `poll-feeds` task, then one `fetch-extract-load` task
per batch, returning counts only; never one task per article: on this stack a task costs ~7 ms
of client time and ~40 ms of server time.

Every run is a flow run: `newsflow run`, `newsflow serve`, the `prefect.yaml` deployments and
`python flows/ingest.py [CONFIG]` (which goes through `newsflow run`). The flow run id is the
`run_id` of every row the run writes. Each run first marks Crashed the runs a killed process
left Running (flows/zombies.py).

With `[execution] task_runner = "dask"`, fetch-and-extract runs on a Dask cluster through
prefect-dask's `DaskTaskRunner` (`DaskStages`), while polling and every load stay in the flow
process: the warehouse keeps a single writer. The flow picks the runner from the config at
run time, so `newsflow run`, `newsflow serve` and `prefect.yaml` deployments all honour it.

Every run publishes a markdown artifact (`ingest-report`): per-feed counts, failures and
timings, read back from the warehouse rows the run wrote, so it matches `runs` exactly; then the
entries it parked, with their last error, and the articles it left for later runs, per feed
(newsflow/report.py).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from typing import Any

from prefect import flow, get_client, get_run_logger, task
from prefect.artifacts import acreate_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import State
from prefect.context import FlowRunContext, TaskRunContext
from prefect.exceptions import CancelledRun, TerminationSignal
from prefect.logging.handlers import APILogHandler
from prefect.runtime import flow_run
from prefect.states import Cancelled, Failed
from prefect.task_runners import TaskRunner

from flows import runcancel
from flows.apiwatch import keep_lost_connections_on_one_line, watch_stderr_line_ends
from flows.daskrunner import dask_task_runner
from flows.deployments import config_error_of_the_run
from flows.observerpolling import observer_polling_on_one_line
from flows.runcancel import a_cancel_is_under_way, ended_cancelled, raise_a_cancel, stopped_as_a_cancel
from flows.runstop import quiet_engine_stop_lines, say_stops_on_one_line, stopped_line
from flows.zombies import mark_crashed_zombies, record_process, started_here
from newsflow import hostholds, warehouse
from newsflow.config import Config, FetchSettings, load_config
from newsflow.credentials import redact_credentials_in_logs
from newsflow.errors import ConfigError, WarehouseError, WarehouseLockedError
from newsflow.leftbatches import isolating_lost, record_left_by_cluster, sent_alone
from newsflow.models import FeedConfig, PendingArticle
from newsflow.pipeline import RunCounts, describe_error
from newsflow.remote import WorkerFetched, fetch_and_extract_here
from newsflow.report import ReportRows, report_markdown, report_rows
from newsflow.runbatches import load_fetched
from newsflow.runner import RunContext, RunSummary, Stages, run_ingest
from newsflow.runstops import stops_told_by
from newsflow.servicewatch import end_with_the_service
from newsflow.warehouse import Warehouse

# What a caller of the flow sees when the run was skipped because another held the warehouse.
SKIPPED = (CancelledRun,)
REPORT_KEY = "ingest-report"
# Seconds past the run's deadline a Dask batch's results may take to come back (the worker stops at it).
DASK_RESULT_GRACE = 10.0
DAY = 86_400.0  # a run without a budget still gives a batch a finite wait
# A stage as `PrefectStages` hands it to its task: the direct stage, bound to the stages object.
StageCall = Callable[[RunContext, Any], Awaitable[RunCounts]]


def send_newsflow_logs_to_run() -> None:
    """newsflow's own INFO lines go to the run's logs, so the Prefect UI shows them.

    PREFECT_LOGGING_EXTRA_LOGGERS gives the `newsflow` logger Prefect's API handler only when it is
    set before prefect is imported, and never a level, so INFO would stop at the root's WARNING.
    Every `newsflow.*` logger propagates to `newsflow`, so each stage's lines reach the run.
    """
    logger = logging.getLogger("newsflow")
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)
    if not any(isinstance(handler, APILogHandler) for handler in logger.handlers):
        logger.addHandler(RunLogHandler())


class RunLogHandler(APILogHandler):
    """Prefect's API handler for lines logged inside a flow or task run; others are left to the rest.

    The handler stays on the `newsflow` logger once added, and a line logged outside any run (a
    thread without the run's context, a later run in the same process) would otherwise make
    Prefect raise or warn that it has no flow run id.
    """

    def emit(self, record: logging.LogRecord) -> None:
        if FlowRunContext.get() is None and TaskRunContext.get() is None and not getattr(record, "flow_run_id", None):
            return
        super().emit(record)


# One task per stage call, never per article: poll (and commit) the due feeds, then one task per
# batch that fetches, extracts and loads it and returns only counts, so a task result never holds
# pages. (Prefect keeps a task's parameters and result for the whole flow run.)
# A task the run's cancel stops ends Cancelled, not Crashed, and the stop goes on in the flow (flows/runcancel.py).
@task(name="poll-feeds", cache_policy=NO_CACHE)
async def poll_feeds_task(poll: StageCall, ctx: RunContext, feeds: Sequence[FeedConfig]) -> RunCounts | State[Any]:
    return await ended_cancelled(poll(ctx, feeds))


@task(name="fetch-extract-load", cache_policy=NO_CACHE)
async def batch_task(
    run_batch: StageCall, ctx: RunContext, batch: Sequence[PendingArticle]
) -> RunCounts | State[Any]:
    return await ended_cancelled(run_batch(ctx, batch))


class PrefectStages(Stages):
    """Each stage call as a Prefect task, so the UI shows them with their timings and logs."""

    async def poll(self, ctx: RunContext, feeds: Sequence[FeedConfig]) -> RunCounts:
        return raise_a_cancel(await poll_feeds_task(super().poll, ctx, feeds))

    async def batch(self, ctx: RunContext, batch: Sequence[PendingArticle]) -> RunCounts:
        return raise_a_cancel(await batch_task(super().batch, ctx, batch))


# --- Dask: fetch and extract on the cluster, load here ------------------------------------------

@task(name="fetch-extract-dask", cache_policy=NO_CACHE)
async def fetch_extract_remote_task(
    batch: list[PendingArticle], fetch: FetchSettings, extract_timeout: float, pages_dir: str | None,
    until_epoch: float, answered_sites: list[str] | None = None, portal_pages: list[str] | None = None,
) -> WorkerFetched:
    """Runs on a Dask worker: only plain, picklable data comes in and goes out."""
    send_newsflow_logs_to_run()
    return await fetch_and_extract_here(batch, fetch, extract_timeout, pages_dir, until_epoch, answered_sites,
                                        portal_pages)


class DaskStages(PrefectStages):
    """Fetch and extract each batch on the Dask cluster; poll and load stay in the flow process."""

    def __init__(self, runner: TaskRunner[Any], workers: int, alone_for: float) -> None:
        self.runner = runner
        self.alone_for = alone_for  # an article sent alone's turn, at most: what an honest page takes (`turn`)
        self.batches_in_flight = max(2, workers + 1)  # keep every Dask worker busy
        # The first submit starts the cluster; two batches in flight must not start two.
        self._submitting = threading.Lock()
        self._alone = asyncio.Lock()  # one article sent alone on the cluster at a time (`turn`)

    async def batch(self, ctx: RunContext, batch: Sequence[PendingArticle]) -> RunCounts:
        """The worker stops fetching at the run's deadline and extracting `extract.timeout` after it. A batch
        the cluster never returns (its worker killed, the cluster gone, or nothing back by then plus
        `DASK_RESULT_GRACE`: cancelled) is recorded `left_by_cluster`, uncounted, for the next run; a task
        that raised on the worker is a bug escaped for its batch, as on the default runner. An article lost before,
        sent alone and lost again to a killed worker (`KilledWorker`), is that page's doing: a counted
        `killed_worker` attempt (red team 39)."""
        held, batch = len(batch), hostholds.not_paused(batch, ctx.fetcher.gate)  # the worker's gate knows no pause
        if not batch:
            return RunCounts(articles_deferred=held)
        held -= len(batch)
        remaining = ctx.deadline - time.monotonic()
        parameters = {"batch": list(batch), "fetch": ctx.config.fetch, "extract_timeout": ctx.config.extract.timeout,
                      "pages_dir": str(ctx.kept_pages_dir) if ctx.kept_pages_dir else None,
                      "until_epoch": time.time() + remaining, "answered_sites": sorted(ctx.answered_sites),
                      "portal_pages": sorted(ctx.portal_pages)}
        wait = min(remaining, DAY) + ctx.config.extract.timeout + DASK_RESULT_GRACE
        future, lost, killed = await asyncio.to_thread(self._submit_and_wait, parameters, wait)
        if lost is not None:
            killed_alone = killed and sent_alone(batch)  # lost with a batch, then alone: `turn` kept it apart
            get_run_logger().warning("a Dask batch of %d articles did not come back (%s); %s", len(batch), lost,
                                     KILLED_ALONE if killed_alone else LEFT_FOR_NEXT)
            left = await asyncio.to_thread(record_left_batch, ctx, batch, lost, killed_alone)
            left.articles_deferred += held
            return left
        fetched, results, extractions, robots = future.result()  # the task's own failure raises here
        ctx.fetcher.robots_results.extend(robots)  # recorded with the run's own at its end
        hostholds.note_asked_elsewhere([*results, *robots], ctx.fetcher.gate)  # kept, and held for later batches
        counts = await load_fetched(ctx, fetched, results, extractions)
        counts.articles_deferred += len(batch) - len(fetched) + held
        return counts

    def batches_for(self, pending: Sequence[PendingArticle], size: int) -> list[Sequence[PendingArticle]]:
        """An article lost with its batch goes alone next time: a page that kills its worker takes no other."""
        return isolating_lost(pending, size)

    def turn(self, batch: Sequence[PendingArticle]) -> AbstractAsyncContextManager[object]:
        """An article sent alone waits for the one before it, so no two share a worker: the scheduler gives a
        worker more tasks than threads (`worker-saturation` 1.1, and `batches_in_flight` is one more than the
        workers), and every task on a worker that dies counts towards its `KilledWorker` (review of red team 39:
        an innocent page sent alone beside a poison one was counted `killed_worker` with it until parked). It
        waits before its slot is taken, so the other batches go on meanwhile. A turn ends after `alone_for` even
        if its task has not come back (a hung worker would hold the others back for the run, and, first again in
        the next run's order, for good); the task stays on the cluster, waited for as any."""
        return self._alone_turn() if sent_alone(batch) else nullcontext()

    @asynccontextmanager
    async def _alone_turn(self) -> AsyncIterator[None]:
        await self._alone.acquire()
        held = True

        def pass_on() -> None:
            nonlocal held
            if held:
                held = False
                self._alone.release()

        ends = asyncio.get_running_loop().call_later(self.alone_for, pass_on)
        try:
            yield
        finally:
            ends.cancel()
            pass_on()

    def _submit_and_wait(self, parameters: dict[str, Any], wait: float) -> tuple[Any, str | None, bool]:
        """The batch's future once the cluster has returned its task's final state, or why it did not, and
        whether a worker died running it (`KilledWorker`).

        Whatever the Dask future itself raises is the cluster's doing (`KilledWorker`, a lost scheduler, a
        timeout), never the task's: Prefect hands a task's own exception back as a Failed state. Caught here,
        in the thread: a Dask `CancelledError` reaching the event loop would read as the run's cancellation."""
        future = None
        try:
            with self._submitting:
                future = self.runner.submit(fetch_extract_remote_task, parameters)
            future.wrapped_future.result(timeout=wait)
        except Exception as exc:
            from distributed import KilledWorker  # the optional `dask` extra, there whenever DaskStages runs

            if future is not None:
                future.wrapped_future.cancel()
            return future, describe_error(exc), isinstance(exc, KilledWorker)
        return future, None, False


KILLED_ALONE = "it ran alone, so its page killed the worker: a counted killed_worker attempt"
LEFT_FOR_NEXT = "each is recorded left_by_cluster and left for the next run, alone"


def record_left_batch(ctx: RunContext, batch: Sequence[PendingArticle], why: str, killed_alone: bool) -> RunCounts:
    try:
        with ctx.write_lock:
            return record_left_by_cluster(ctx.store, ctx.run_id, batch, why, ctx.load_settings, killed_alone)
    except WarehouseLockedError:  # a reader spools (leftbatches); past the lock's patience they stay pending, rowless
        get_run_logger().warning("could not record %d articles left by the cluster: the warehouse is held", len(batch))
        return RunCounts(articles_deferred=len(batch))


def alone_for(config: Config) -> float:
    """What an honest page sent alone takes at most: robots.txt and its fetch, a host's delay, its extraction."""
    return 2 * config.fetch.timeout + config.fetch.per_host_delay + config.extract.timeout + DASK_RESULT_GRACE


async def run_on_configured_runner(
    config: Config, run_id: str, feeds: list[str] | None, all_feeds: bool
) -> RunSummary:
    if config.execution.task_runner != "dask":
        return await run_ingest(config, run_id, feeds, all_feeds=all_feeds, stages=PrefectStages())
    runner = dask_task_runner(config.execution, config.extract.worker_count)
    await asyncio.to_thread(runner.__enter__)
    try:
        stages = DaskStages(runner, config.extract.worker_count, alone_for(config))
        return await run_ingest(config, run_id, feeds, all_feeds=all_feeds, stages=stages)
    finally:
        await asyncio.to_thread(runner.__exit__, None, None, None)


async def look_after_runs() -> None:
    """Record where this run runs, and mark Crashed the runs a killed process left Running.

    Housekeeping only: if the API refuses it, the run goes on and says so in its log.
    """
    context = FlowRunContext.get()
    this_run = context.flow_run if context else None  # the engine's copy: no need to read it back
    if this_run is None:  # only ever called by the flow
        return
    started_here(this_run)  # the run this process's CancelWatch watches
    try:
        async with get_client() as client:
            await record_process(client, this_run)
            await mark_crashed_zombies(client, this_run.id)
    except Exception as exc:
        get_run_logger().warning("could not check for runs left Running by a killed process: %s", exc)


# --- the run report and skipped runs --------------------------------------------------------


async def publish_report(config: Config, summary: RunSummary) -> None:
    store = Warehouse(config.warehouse_path)
    try:
        found: ReportRows | None = await asyncio.to_thread(report_rows, store, summary.run_id)
    except WarehouseError as exc:  # another writer got in first; the totals are still right
        get_run_logger().warning("per-feed report unavailable: %s", exc)
        found = None
    markdown = report_markdown(summary, found, config)  # outside the try: a bug here is not the API's refusal
    try:
        await acreate_markdown_artifact(markdown, key=REPORT_KEY, description=f"newsflow ingest {summary.status}")
    except Exception as exc:  # the run is done and recorded: an API refusing its report must not fail it (red team 20)
        # Exception only: a cancellation (CancelledError) or Ctrl-C (KeyboardInterrupt) still ends the run
        get_run_logger().warning("could not publish the run's report (%s: %s); `runs` and the named queries "
                                 "run_parked and run_deferred hold the same figures", type(exc).__name__,
                                 " ".join(str(exc).split()))  # Prefect's status errors span 3 lines


def record_skipped_run(config: Config, run_id: str, reason: str) -> bool:
    with Warehouse(config.warehouse_path).writing() as con:
        return warehouse.record_skipped_run(con, run_id, reason)


async def skip_run(config: Config, run_id: str, error: WarehouseLockedError) -> State[Any]:
    """End a run that found another one holding the warehouse: recorded, reported, Cancelled."""
    reason = f"skipped: {error}"
    if not await asyncio.to_thread(record_skipped_run, config, run_id, reason):
        raise error
    get_run_logger().warning("run %s %s", run_id, reason)
    await acreate_markdown_artifact(f"## newsflow run `{run_id}`: skipped\n\n{error}", key=REPORT_KEY,
                                    description="newsflow ingest skipped")
    return Cancelled(message=reason)


@flow(name="ingest", log_prints=False)
async def ingest(
    config_path: str | None = None, feeds: list[str] | None = None, all_feeds: bool = False
) -> dict[str, Any]:
    """Poll the due feeds (or the named ones, or all) and load new articles into the warehouse.

    A run that finds the warehouse held ends Cancelled: a caller then gets `CancelledRun` raised."""
    runcancel.own_the_stops_from_here()  # `newsflow run`: SIGTERM its own again, the early cancel taken back
    served = end_with_the_service()  # a served run ends when `newsflow serve` does, SIGKILLed too (red team 36)
    say_stops_on_one_line()  # a served run stopped mid-work: its line below, not the engine's nor a process's traceback
    quiet_engine_stop_lines()  # ... nor the engine's ERROR lines restating the stop
    stops_told_by(a_cancel_is_under_way)  # a stop DuckDB turned into its own error is the stop (Prefect 55)
    send_newsflow_logs_to_run()
    keep_lost_connections_on_one_line()  # a served run's own process: Prefect's observers' lost API, one line
    watch_stderr_line_ends()  # ... and its API log worker's errors end their lines (Prefect 59)
    observer_polling_on_one_line()  # the observers' polling loop too, behind a dead API (hunt 48)
    redact_credentials_in_logs()  # a URL's user:password@ never reaches the run's logs
    try:
        config = load_config(config_path)
    except ConfigError as exc:  # edited under `newsflow serve`, or a worker's run given a wrong path: one line
        said, message = config_error_of_the_run(exc, served, FlowRunContext.get())
        get_run_logger().error("%s", said)
        return Failed(message=message)  # type: ignore[return-value]
    try:
        config.select_feeds(feeds)
    except ConfigError as exc:  # a deployment run's `feeds` naming no feed: was Prefect's traceback in the logs
        get_run_logger().error("%s; this run did nothing: pass feed names the config has (`newsflow feeds` "
                               "lists them)", exc)
        return Failed(message=str(exc))  # type: ignore[return-value]
    run_id = str(flow_run.get_id())
    try:
        await look_after_runs()
        summary = await stopped_as_a_cancel(run_on_configured_runner(config, run_id, feeds, all_feeds))
    except (asyncio.CancelledError, TerminationSignal):
        if line := stopped_line():
            get_run_logger().warning(line)
        raise
    except WarehouseLockedError as exc:
        # Prefect makes a returned State the run's final state, and raises it to a caller.
        return await skip_run(config, run_id, exc)  # type: ignore[return-value]
    except WarehouseError as exc:  # a warehouse damaged, read-only, full: its one line, not Prefect's traceback
        # WarehouseError only: any other exception out of a run is a bug, whose traceback the logs keep
        get_run_logger().error("%s", exc)  # in every served or deployed run's logs, until it is fixed
        return Failed(message=str(exc), data=exc)  # type: ignore[return-value]  # data: raised to a caller
    get_run_logger().info("run %s %s in %.1f s on the %s runner: %s", run_id, summary.status, summary.elapsed_s,
                          config.execution.task_runner, summary.counts.as_dict())
    await publish_report(config, summary)
    return summary.as_result()


if __name__ == "__main__":  # `python flows/ingest.py [CONFIG]`: one run, like `newsflow run`
    import sys

    from newsflow.cli import main

    sys.exit(main(["run", *(["--config", sys.argv[1]] if len(sys.argv) > 1 else [])]))
