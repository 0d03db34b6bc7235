"""A run stopped while a batch's load is under way: that load commits whole, and the run's `runs` row counts it.

Hunt 48 held runs by hand inside their load and cancelled them there: each held batch was committed whole (the load
runs in a worker thread the stop does not interrupt), but the `cancelled` row said 0 articles stored while the
batch's articles carried its run id. Here the load is held in-process by a hook on `warehouse.load_articles` (inside
the batch's transaction, as `tests/world/servedsite.py` holds it), the stop lands while it is held, and the load is
let go only once the stop has been noted: no Prefect, no pools, no network, no sleeps.
"""

from __future__ import annotations

import ast
import asyncio
import gc
import threading
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from newsflow import runner, warehouse
from newsflow.config import load_config
from newsflow.extractpool import ExtractionResult
from newsflow.models import ExtractedArticle, FeedConfig, FeedEntry, FetchKind, FetchResult, Outcome, PendingArticle
from newsflow.pipeline import RunCounts
from newsflow.runbatches import WritesInThreads, load_fetched
from newsflow.runner import RunContext, Stages, run_ingest
from newsflow.runstops import is_cancellation
from newsflow.warehouse import Warehouse, run_read_query
from tests.conftest import write_config

FEED = "wire"
ARTICLES = 5
SITE = "http://wire.test"


def entry(n: int) -> FeedEntry:
    url = f"{SITE}/a/{n}"
    return FeedEntry(FEED, url, url, url, f"Story {n}", None, None)


def fetched(pending: PendingArticle) -> FetchResult:
    html = f"<html><body><p>Story text {pending.url}</p></body></html>".encode()
    return FetchResult(pending.url, pending.url, FetchKind.ARTICLE, Outcome.OK, datetime.now(UTC), status_code=200,
                       html=html, bytes_read=len(html))


def extracted(pending: PendingArticle) -> ExtractionResult:
    text = f"The whole text of the story at {pending.url}, long enough to be an article of its own."
    return ExtractionResult(pending.url, Outcome.OK, ExtractedArticle(text, title=pending.title), None, 1)


class LoadHeld:
    """Holds the first batch's load inside its transaction until the run, stopped, has begun recording its end."""

    def __init__(self) -> None:
        self.inside = threading.Event()  # the load reached its transaction's `load_articles`
        self.stop_noted = threading.Event()  # the run judged its stop (`is_cancellation`): the load may commit
        self.let_go_in_time = True

    def hook(self, real: Any) -> Any:
        def held_load(*args: Any, **kwargs: Any) -> Any:
            self.inside.set()
            self.let_go_in_time = self.stop_noted.wait(30)
            return real(*args, **kwargs)
        return held_load


class StoppedInsideTheLoad(Stages):
    """Polls by inserting the feed's entries, fetches and extracts nothing (the results are made here), and stops
    the run, as SIGTERM or a cancelled flow run does, while the batch's load is held inside its transaction."""

    batches_in_flight = 1

    def __init__(self, held: LoadHeld) -> None:
        self.held = held

    async def poll(self, ctx: RunContext, feeds: Sequence[FeedConfig]) -> RunCounts:
        with ctx.write_lock, ctx.store.writing() as con:
            new = warehouse.insert_entries(con, ctx.run_id, [entry(n) for n in range(ARTICLES)])
        return RunCounts(feeds_polled=len(feeds), entries_new=sum(new.values()))

    async def batch(self, ctx: RunContext, batch: Sequence[PendingArticle]) -> RunCounts:
        loading = asyncio.ensure_future(load_fetched(ctx, batch, [fetched(p) for p in batch],
                                                     [extracted(p) for p in batch]))
        assert await asyncio.to_thread(self.held.inside.wait, 30), "the load never began"
        loading.cancel()  # the stop reaches the batch while its load's transaction is open
        await loading
        raise AssertionError("a cancelled batch returned")


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[LoadHeld]:
    hold = LoadHeld()
    monkeypatch.setattr(warehouse, "load_articles", hold.hook(warehouse.load_articles))

    def noted(exc: BaseException) -> bool:  # the run's end, judging its stop, lets the held load commit after it
        hold.stop_noted.set()
        return is_cancellation(exc)
    monkeypatch.setattr(runner, "is_cancellation", noted)
    yield hold
    hold.stop_noted.set()  # a failed test never leaves the load's thread waiting


def test_a_run_stopped_inside_its_load_counts_the_batch_it_committed(tmp_path: Path, held: LoadHeld) -> None:
    config = load_config(write_config(tmp_path, SITE, {FEED: "/feed.xml"}))
    with pytest.raises(asyncio.CancelledError):
        asyncio.run(run_ingest(config, "stopped", stages=StoppedInsideTheLoad(held)))
    assert held.let_go_in_time
    store = Warehouse(config.warehouse_path)
    stored = run_read_query(store, "SELECT count(*) FROM articles WHERE run_id = 'stopped'").rows
    assert stored == [(ARTICLES,)], "the batch whose load had begun was committed whole"
    row = run_read_query(store, "SELECT status, articles_fetched, articles_stored, articles_failed, entries_new "
                                "FROM runs WHERE run_id = 'stopped'").rows
    assert row == [("cancelled", ARTICLES, ARTICLES, 0, ARTICLES)], "the cancelled run's row counts what it committed"



def test_a_second_stop_during_the_wait_cuts_the_wait_short_not_the_row(
        tmp_path: Path, held: LoadHeld, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stop asked again `HOLD_AT_MOST_S` after the first, while the end waits for the load, ends the wait at once
    (KeyboardInterrupt, as `runstops.interrupts_held` raises it); the row is still written, `cancelled`."""
    def cut_short(writes: WritesInThreads, counts: RunCounts) -> None:
        raise KeyboardInterrupt
    monkeypatch.setattr(WritesInThreads, "add_committed_after_stop", cut_short)
    config = load_config(write_config(tmp_path, SITE, {FEED: "/feed.xml"}))
    with pytest.raises(KeyboardInterrupt):
        asyncio.run(run_ingest(config, "stopped", stages=StoppedInsideTheLoad(held)))
    rows = run_read_query(Warehouse(config.warehouse_path), "SELECT status FROM runs WHERE run_id = 'stopped'").rows
    assert rows == [("cancelled",)], "the row was left running: the next run would call the run abandoned"

# --- the observers' polling on one line, wired where Prefect's observers start ---------------------------------

FLOWS = Path(__file__).resolve().parents[1] / "flows"


def calls_before_its_work(module: str, function: str, called: str) -> bool:
    """Whether `function` of flows/`module`.py calls `called` (imported from flows.observerpolling) as a statement
    of its own body, before its first `try` (where the runner or the run starts, and Prefect's observers with it).
    Read from the source, not imported: importing flows imports Prefect, seconds of CPU for one test."""
    tree = ast.parse((FLOWS / f"{module}.py").read_text())
    imported = any(isinstance(node, ast.ImportFrom) and node.module == "flows.observerpolling"
                   and any(alias.name == called and alias.asname is None for alias in node.names)
                   for node in tree.body)
    [body] = [node.body for node in tree.body
              if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == function]
    for statement in body:
        if isinstance(statement, ast.Try):
            return False
        if (imported and isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)
                and isinstance(statement.value.func, ast.Name) and statement.value.func.id == called):
            return True
    return False


@pytest.mark.parametrize(("module", "function"), [("serve", "serve_ingest"), ("ingest", "ingest")])
def test_the_service_and_every_run_put_the_observers_polling_on_one_line(module: str, function: str) -> None:
    """`newsflow serve` and the `ingest` flow (a served run is its own process) each call
    `observer_polling_on_one_line()` before their work: otherwise an observer's polling behind a dead API prints
    each failure's traceback (hunt 48). test_hunt48 calls the function itself; this fails if either call is gone."""
    assert calls_before_its_work(module, function, "observer_polling_on_one_line")


def test_a_stopped_batchs_write_that_fails_later_leaves_no_unretrieved_error() -> None:
    """ci136: a disk full failed a batch's write after the run had stopped that batch; asyncio then printed "Future
    exception was never retrieved" and a traceback when the write's future was collected (tests/hostile/
    test_disk_full.py, 1 run in 3). The run says that failure in its one line; the future's error is retrieved."""
    unretrieved: list[dict[str, Any]] = []
    release = threading.Event()

    def failing_write() -> RunCounts:
        release.wait()
        raise OSError("No space left on device")

    async def stopped_while_writing() -> None:
        asyncio.get_running_loop().set_exception_handler(lambda _loop, context: unretrieved.append(context))
        writes = WritesInThreads()
        batch = asyncio.ensure_future(writes.run(failing_write))
        await asyncio.sleep(0)  # the batch's task runs: its write is handed to a thread, held by `release`
        batch.cancel()
        with pytest.raises(asyncio.CancelledError):
            await batch
        release.set()
        counts = RunCounts()
        writes.add_committed_after_stop(counts)  # waits for the write to end; a write that raised adds nothing
        assert counts == RunCounts()
        await asyncio.sleep(0)  # the write's future's callbacks run
        gc.collect()

    asyncio.run(stopped_while_writing())
    assert not [context for context in unretrieved if "never retrieved" in str(context.get("message"))]
