"""The stages run without Prefect: a crash mid-run loses nothing and a rerun duplicates nothing."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from newsflow import leftbatches
from newsflow.batchfetch import fetch_within
from newsflow.config import load_config
from newsflow.fetch import Fetcher
from newsflow.leftbatches import isolating_lost
from newsflow.models import PendingArticle
from newsflow.pipeline import RunCounts
from newsflow.runner import RunContext, Stages, run_ingest
from newsflow.warehouse import Warehouse, run_read_query
from tests.conftest import write_config
from tests.hostile.servers import settings
from tests.localserver import LocalServer, Page, send_bytes
from tests.sitefactory import Site, generated_story, rss_feed


def serve_feed(server: LocalServer, stories: int) -> dict[str, str]:
    site, items = Site("Courier"), []
    for story in (generated_story(n) for n in range(stories)):
        server.add(f"/a/{story.slug}", Page(site.article_page(story)))
        items.append((story.title, f"/a/{story.slug}", story.published))
    server.add("/feed.xml", Page(rss_feed("Courier", items), "application/rss+xml"))
    return {"courier": "/feed.xml"}


class StopOnSecondBatch(Stages):
    """The second batch raises `error` instead of running (the first is loaded first: one in flight)."""

    batches_in_flight = 1

    def __init__(self, error: BaseException) -> None:
        self.batches = 0
        self.error = error

    async def batch(self, ctx: RunContext, batch: Sequence[PendingArticle]) -> RunCounts:
        self.batches += 1
        if self.batches == 2:
            raise self.error
        return await super().batch(ctx, batch)


def query(config_path: Path, sql: str) -> list[tuple[object, ...]]:
    return run_read_query(Warehouse(load_config(config_path).warehouse_path), sql).rows


def test_interrupted_run_keeps_what_it_finished_and_rerun_stores_each_article_once(
    tmp_path: Path, server: LocalServer
) -> None:
    config_path = write_config(tmp_path, server.base_url, serve_feed(server, 7))
    text = config_path.read_text().replace("timeout = 10.0", "timeout = 10.0\nbatch_size = 3")
    config_path.write_text(text)
    config = load_config(config_path)

    with pytest.raises(asyncio.CancelledError):  # as a cancelled flow run, or Ctrl-C, ends it
        asyncio.run(run_ingest(config, "run-1", stages=StopOnSecondBatch(asyncio.CancelledError())))
    assert query(config_path, "SELECT status FROM runs") == [("cancelled",)]
    stored_after_crash = query(config_path, "SELECT count(*) FROM articles")[0][0]
    assert int(str(stored_after_crash)) == 3, "the first batch was committed before the interruption"
    assert query(config_path, "SELECT count(*) FROM entries") == [(7,)], "entries survive the crash"

    summary = asyncio.run(run_ingest(config, "run-2"))
    assert summary.counts.feeds_not_modified == 1, "the feed's validators were committed with its entries"
    assert query(config_path, "SELECT count(*), count(DISTINCT canonical_url) FROM articles") == [(7, 7)]
    assert query(config_path, "SELECT count(*) FROM entries WHERE article_id IS NULL") == [(0,)]

    again = asyncio.run(run_ingest(config, "run-3"))
    assert again.counts.articles_fetched == 0 and again.counts.entries_new == 0


def test_killed_run_is_marked_abandoned_by_the_next(tmp_path: Path, server: LocalServer) -> None:
    config_path = write_config(tmp_path, server.base_url, serve_feed(server, 1))
    config = load_config(config_path)
    from datetime import UTC, datetime

    from newsflow import warehouse

    with Warehouse(config.warehouse_path).writing() as con:
        warehouse.begin_run(con, "killed-run", datetime.now(UTC))
    asyncio.run(run_ingest(config, "next-run"))
    statuses = dict(query(config_path, "SELECT run_id, status FROM runs"))
    assert statuses == {"killed-run": "abandoned", "next-run": "completed"}


def test_only_due_feeds_are_polled_unless_forced(tmp_path: Path, server: LocalServer) -> None:
    config_path = write_config(tmp_path, server.base_url, serve_feed(server, 2))
    config_path.write_text(config_path.read_text().replace("min_interval = 0", "min_interval = 600"))
    config = load_config(config_path)

    first = asyncio.run(run_ingest(config, "run-1"))
    assert first.feeds_due == 1 and first.counts.articles_stored == 2
    assert asyncio.run(run_ingest(config, "run-2")).feeds_due == 0, "polled a moment ago: not due"
    assert len(server.hits("/feed.xml")) == 1
    assert asyncio.run(run_ingest(config, "run-3", all_feeds=True)).counts.feeds_not_modified == 1
    assert asyncio.run(run_ingest(config, "run-4", ["courier"])).counts.feeds_polled == 1
    interval, next_poll = query(config_path, "SELECT poll_interval, next_poll_at - last_polled_at FROM feeds")[0]
    assert interval == 1350 and str(next_poll) == "0:22:30", "nothing new twice: 600 s x 1.5 x 1.5"


def test_a_batch_that_raises_costs_its_articles_one_attempt_not_the_run(tmp_path: Path, server: LocalServer) -> None:
    config_path = write_config(tmp_path, server.base_url, serve_feed(server, 7))
    config_path.write_text(config_path.read_text().replace("timeout = 10.0", "timeout = 10.0\nbatch_size = 3"))
    config = load_config(config_path)

    summary = asyncio.run(run_ingest(config, "run-1", stages=StopOnSecondBatch(RuntimeError("simulated bug"))))
    assert summary.status == "completed" and summary.counts.articles_stored == 4
    assert query(config_path, "SELECT status, error LIKE '%RuntimeError: simulated bug%' FROM runs") == [
        ("completed", True)]
    failed = query(config_path, "SELECT fetch_attempts, last_outcome, last_error FROM entries WHERE article_id IS NULL")
    assert failed == [(1, "failed", "RuntimeError: simulated bug")] * 3

    asyncio.run(run_ingest(config, "run-2"))
    assert query(config_path, "SELECT count(*), count(DISTINCT canonical_url) FROM articles") == [(7, 7)]


def test_a_cancelled_batch_leaves_no_fetch_running(server: LocalServer) -> None:
    """A batch cancelled mid-fetch (a failed load, Ctrl-C) cancels its fetches and waits for them.

    Before, they ran on orphaned: a run that ended on a full disk printed "coroutine
    'connect_tcp.<locals>.try_connect' was never awaited" after its one-line error.
    """
    arrived, release = threading.Event(), threading.Event()

    def hold(handler: BaseHTTPRequestHandler) -> None:
        arrived.set()
        release.wait(10)
        with contextlib.suppress(OSError):  # the cancelled fetch has closed its connection
            send_bytes(handler, 200, b"<html><p>late</p></html>", "text/html")

    server.add("/held", hold)
    batch = [PendingArticle(f"{server.base_url}/held?{n}", f"{server.base_url}/held?{n}", "f", None, None)
             for n in range(3)]

    async def cancel_mid_fetch() -> set[asyncio.Task[object]]:
        async with Fetcher(settings()) as fetcher:
            fetching = asyncio.ensure_future(fetch_within(batch, fetcher, time.monotonic() + 30))
            assert await asyncio.to_thread(arrived.wait, 10), "the server saw a request"
            fetching.cancel()
            with pytest.raises(asyncio.CancelledError):
                await fetching
            return asyncio.all_tasks() - {asyncio.current_task()}  # type: ignore[operator]

    try:
        assert asyncio.run(cancel_mid_fetch()) == set(), "no fetch outlives its cancelled batch"
    finally:
        release.set()


def test_articles_lost_with_their_batch_go_alone_up_to_a_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """Red team 39: a page that kills its Dask worker takes no other page with it once it has been lost; a whole
    cluster lost (hundreds of them) does not make a run of hundreds of one-article tasks."""
    def article(n: int, lost: bool) -> PendingArticle:
        return PendingArticle(f"https://x.example/{n}", f"https://x.example/{n}", "f", None, None, lost_with_batch=lost)

    pending = [article(n, lost=n % 3 == 0) for n in range(8)]  # 0, 3 and 6 were lost
    assert [[p.url[-1] for p in b] for b in isolating_lost(pending, 2)] == [
        ["0"], ["3"], ["6"], ["1", "2"], ["4", "5"], ["7"]]
    monkeypatch.setattr(leftbatches, "MAX_ALONE", 2)
    assert [[p.url[-1] for p in b] for b in isolating_lost(pending, 3)] == [
        ["0"], ["3"], ["1", "2", "4"], ["5", "6", "7"]]
