"""TEMPORARY: the two-stage `Stages` interface over today's four-stage `newsflow.runner.Stages`.

Engineer "run" is giving `newsflow.runner.Stages` exactly two stages, `poll` (poll, parse and
commit each feed) and `batch` (fetch, extract and load one batch, counts only). flows/ingest.py
is written against that interface. Until it lands, this class provides it on top of the old
runner, and adapts the old runner's four calls to it. Once runner.Stages has `batch`:
delete this module and import `Stages` from `newsflow.runner` in flows/ingest.py
(tests/flows/test_seam.py fails until then).

Batches still overlap as in the old runner: one fetches while another loads, one load at a time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from newsflow import runner
from newsflow.models import FeedConfig, PendingArticle
from newsflow.pipeline import RunCounts
from newsflow.runner import RunContext


class Stages(runner.Stages):
    async def poll(self, ctx: RunContext, feeds: Sequence[FeedConfig]) -> RunCounts:  # type: ignore[override]
        polls = await runner.Stages.poll(self, ctx, feeds)
        return await runner.Stages.load_polls(self, ctx, polls)

    async def batch(self, ctx: RunContext, batch: Sequence[PendingArticle]) -> RunCounts:
        fetched = await runner.Stages.fetch_extract(self, ctx, batch)
        async with self._one_writer():
            return await runner.Stages.load(self, ctx, batch, fetched)

    def _one_writer(self) -> asyncio.Lock:
        lock: asyncio.Lock = self.__dict__.setdefault("_writer", asyncio.Lock())
        return lock

    # The old runner's calls, mapped onto the two stages above: its `fetch_extract` runs the whole
    # batch (so batches still overlap), and its `load` passes the counts on.
    async def load_polls(self, ctx: RunContext, polls: Any) -> RunCounts:
        assert isinstance(polls, RunCounts), "poll already committed the feeds"
        return polls

    async def fetch_extract(self, ctx: RunContext, batch: Sequence[PendingArticle]) -> Any:
        return await self.batch(ctx, batch)

    async def load(self, ctx: RunContext, batch: Sequence[PendingArticle], fetched: Any) -> RunCounts:
        assert isinstance(fetched, RunCounts), "batch already loaded the articles"
        return fetched
