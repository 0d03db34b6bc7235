"""The `ingest` flow: one run polls the feeds, then fetches, extracts and loads new articles.

Tasks wrap stages at batch grain (one poll task, one fetch-and-extract task and one load task
per batch), never one task per article: on this stack a task costs ~7 ms of client time and
~40 ms of server time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from newsflow.extract import ExtractionResult, ExtractorPool
from newsflow.fetch import Fetcher
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from newsflow.config import Config, load_config
from newsflow.models import FeedConfig, FeedState, FetchResult, PendingArticle
from newsflow.pipeline import FeedPoll, RunCounts, Stages, run_ingest
from newsflow.warehouse import Warehouse

Fetched = tuple[list[FetchResult], list[ExtractionResult | None]]
States = dict[str, FeedState]
DIRECT = Stages()


@task(name="poll-feeds", cache_policy=NO_CACHE)
async def poll_feeds_task(feeds: Sequence[FeedConfig], states: States, fetcher: Fetcher) -> list[FeedPoll]:
    return await DIRECT.poll(feeds, states, fetcher)


@task(name="load-entries", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)
async def load_polls_task(store: Warehouse, run_id: str, polls: Sequence[FeedPoll]) -> RunCounts:
    return await DIRECT.load_polls(store, run_id, polls)


@task(name="fetch-extract", cache_policy=NO_CACHE)
async def fetch_extract_task(batch: Sequence[PendingArticle], fetcher: Fetcher, pool: ExtractorPool) -> Fetched:
    return await DIRECT.fetch_extract(batch, fetcher, pool)


@task(name="load-articles", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)
async def load_task(store: Warehouse, run_id: str, batch: Sequence[PendingArticle], fetched: Fetched) -> RunCounts:
    return await DIRECT.load(store, run_id, batch, fetched)


class PrefectStages(Stages):
    """Each stage as a Prefect task, so the UI shows them with their timings and logs."""

    async def poll(self, feeds: Sequence[FeedConfig], states: States, fetcher: Fetcher) -> list[FeedPoll]:
        return await poll_feeds_task(feeds, states, fetcher)

    async def load_polls(self, store: Warehouse, run_id: str, polls: Sequence[FeedPoll]) -> RunCounts:
        return await load_polls_task(store, run_id, polls)

    async def fetch_extract(self, batch: Sequence[PendingArticle], fetcher: Fetcher, pool: ExtractorPool) -> Fetched:
        return await fetch_extract_task(batch, fetcher, pool)

    async def load(self, store: Warehouse, run_id: str, batch: Sequence[PendingArticle], fetched: Fetched) -> RunCounts:
        return await load_task(store, run_id, batch, fetched)


@flow(name="ingest", log_prints=False)
async def ingest(config_path: str | None = None, feeds: list[str] | None = None) -> dict[str, Any]:
    """Poll the configured feeds and load new articles into the warehouse."""
    config: Config = load_config(config_path)
    run_id = str(flow_run.get_id())
    summary = await run_ingest(config, run_id, feeds, stages=PrefectStages())
    counts = summary.counts.as_dict()
    get_run_logger().info("run %s %s in %.1f s: %s", run_id, summary.status, summary.elapsed_s, counts)
    return {"run_id": run_id, "status": summary.status, "elapsed_s": summary.elapsed_s, **counts}
