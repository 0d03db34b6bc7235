"""No task outlives its owner: a stage that ends, fails or is cancelled has awaited what it started
(red team 4; the class of `batchfetch.fetch_within`'s orphaned fetches, fixed before)."""

from __future__ import annotations

import asyncio
import math
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsflow.config import load_config
from newsflow.errors import WarehouseError
from newsflow.models import FeedConfig, FetchKind, FetchResult, Outcome
from newsflow.polls import FeedPoll, PollCommitter, PollJob
from newsflow.warehouse import Warehouse
from tests.conftest import write_config

WINDOW = 0.5  # seconds flush is watched while a commit is held: before the fix it returned at once


def failed_poll_of(feed: FeedConfig) -> FeedPoll:
    result = FetchResult(feed.url, feed.url, FetchKind.FEED, Outcome.HTTP_ERROR, datetime.now(UTC), status_code=500)
    return FeedPoll(feed, result, None, Outcome.HTTP_ERROR, "HTTP 500")


def test_a_failed_poll_commit_is_raised_only_once_every_other_commit_has_ended(tmp_path: Path) -> None:
    """Before, `flush` raised the first failure while later commits still ran: the run went on to
    write its row beside them, and on exit they were cancelled mid-commit."""
    config = load_config(write_config(tmp_path, "http://127.0.0.1:9", {"a": "/a.xml", "b": "/b.xml"}))
    (tmp_path / "a-file").write_text("not a folder")
    store = Warehouse(tmp_path / "a-file" / "news.duckdb")  # every commit fails: its folder is a file
    job = PollJob(store, "run", None, {}, config.polling, None, math.inf, threading.Lock())  # type: ignore[arg-type]

    async def go() -> None:
        committer = PollCommitter(job)
        committer.add(failed_poll_of(config.feeds[0]))
        started = list(committer._commits)
        await asyncio.wait(started)  # the first commit has failed
        with job.write_lock:  # the second commit waits for the writer's lock
            committer.add(failed_poll_of(config.feeds[1]))
            started = list(committer._commits)
            flushing = asyncio.ensure_future(committer.flush())
            await asyncio.wait([flushing], timeout=WINDOW)
            assert not flushing.done(), "flush returned while a commit was still running"
        with pytest.raises(WarehouseError):  # "cannot open ...: Not a directory; check warehouse.path"
            await flushing
        assert all(commit.done() for commit in started)

    asyncio.run(go())
