"""Readers never cost a run: a process holding the warehouse open, read-only or read-write.

DuckDB lets no one write while another process holds the file, and a read-write holder (a
notebook's `duckdb.connect(path)`) lets no one even read. The holders here are real child
processes with the file open (`Holder`), synchronised through their pipes: each says "holding"
once its connection has read the file, and lets go when told. The run beside them spools its
loads (newsflow.spool) and must end normally; what it got must be in the warehouse after the
next run once the holder has let go, exactly once.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsflow import warehouse
from newsflow.config import Config, load_config
from newsflow.leftbatches import record_left_by_cluster
from newsflow.models import FeedConfig, FetchEvent, FetchKind, Outcome, PendingArticle
from newsflow.pipeline import LoadSettings, RunCounts
from newsflow.readersafe import store_fetch_events
from newsflow.runbatches import record_failed_batch
from newsflow.runner import RunContext, Stages, run_ingest
from newsflow.spool import SPOOL_FORMAT, Spool, commit_or_spool, replay, spool_dir_for
from newsflow.warehouse import Warehouse, run_read_query
from tests.conftest import write_config
from tests.localserver import LocalServer, Page
from tests.sitefactory import Site, generated_story, rss_feed

pytestmark = pytest.mark.timeout(120)

REPO = Path(__file__).resolve().parents[2]
HOLDER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "read-only")
con.execute("SELECT count(*) FROM duckdb_tables()").fetchall()
print("holding", flush=True)
sys.stdin.readline()
con.close()
"""
READER_MESSAGE = re.compile(r"locked by another process \(pid (\d+), python[\d.]*\) that holds it open and is not a "
                            r"newsflow run: a reader such as DBeaver")


class Holder:
    """A child process holding the DuckDB file open, as DBeaver, a notebook or `duckdb -readonly` do."""

    def __init__(self, path: Path, mode: str) -> None:
        self.mode = mode
        self.proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), mode], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line == "holding\n", f"the holder could not open {path}: {line!r}"

    @property
    def pid(self) -> int:
        return self.proc.pid

    def release(self) -> None:
        if self.proc.poll() is None:
            self.proc.communicate("release\n", timeout=30)


@contextmanager
def holding(path: Path, mode: str) -> Iterator[Holder]:
    holder = Holder(path, mode)
    try:
        yield holder
    finally:
        holder.release()


def serve_stories(server: LocalServer, numbers: Sequence[int], path: str = "/feed.xml") -> None:
    """The feed lists exactly these stories; serving it again with others replaces it (the feed moves on)."""
    site, items = Site("Courier"), list[tuple[str, str, datetime | None]]()
    for story in (generated_story(n) for n in numbers):
        server.add(f"/a/{story.slug}", Page(site.article_page(story)))
        items.append((story.title, f"/a/{story.slug}", story.published))
    server.add(path, Page(rss_feed("Courier", items), "application/rss+xml"))


def reader_config(tmp_path: Path, server: LocalServer, batch_size: int = 100) -> Config:
    path = write_config(tmp_path, server.base_url, {"courier": "/feed.xml"}, extract={"batch_size": batch_size})
    path.write_text(path.read_text().replace('path = "warehouse/news.duckdb"',
                                             'path = "warehouse/news.duckdb"\nwrite_patience = 0.5'))
    config = load_config(path)
    assert config.write_patience == 0.5
    with Warehouse(config.warehouse_path).writing():  # the warehouse exists before anyone holds it
        pass
    return config


def rows(config: Config, sql: str) -> list[tuple[object, ...]]:
    return run_read_query(Warehouse(config.warehouse_path), sql).rows


def spooled(config: Config) -> list[str]:
    return sorted(p.name for p in spool_dir_for(config.warehouse_path).glob("*.spool"))


def spooled_kinds(config: Config) -> list[str]:
    spool = Spool(spool_dir_for(config.warehouse_path))
    return [spool.read(path).kind.rpartition(":")[2] for path in spool.files()]


def no_duplicates(config: Config) -> None:
    assert rows(config, "SELECT count(*) - count(DISTINCT (feed_id, guid)) FROM entries") == [(0,)]
    assert rows(config, "SELECT count(*) - count(DISTINCT canonical_url) FROM articles") == [(0,)]
    assert rows(config, "SELECT count(*) - count(DISTINCT (run_id, kind, url, \"at\")) FROM fetch_events") == [(0,)]
    assert rows(config, "SELECT count(*) - count(DISTINCT (run_id, feed_id)) FROM polls") == [(0,)]


def warnings_of(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(r.getMessage() for r in caplog.records if r.levelname == "WARNING")


@pytest.mark.parametrize("mode", ["read-only", "read-write"])
def test_a_run_beside_a_holder_ends_normally_and_the_next_run_loads_what_it_got(
    tmp_path: Path, server: LocalServer, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    config = reader_config(tmp_path, server)
    serve_stories(server, range(5))
    with holding(config.warehouse_path, mode) as holder:
        summary = asyncio.run(run_ingest(config, "beside-reader"))
        assert summary.status == "completed" and summary.counts.feeds_polled == 1
        assert spooled(config), "the polls and the run's row went to the spool"
    assert READER_MESSAGE.search(warnings_of(caplog)).group(1) == str(holder.pid)  # type: ignore[union-attr]
    assert "a newsflow run is writing" not in caplog.text and "another newsflow run" not in caplog.text
    assert "will be loaded by the next run" in caplog.text

    serve_stories(server, range(10, 13))  # the feed moved on: the first five are only in the spool
    after = asyncio.run(run_ingest(config, "after-reader"))
    assert after.status == "completed" and spooled(config) == []
    assert rows(config, "SELECT count(*) FROM entries") == [(8,)], "the spooled entries were loaded, then the new"
    assert rows(config, "SELECT count(*) FROM articles") == [(8,)], "and their articles fetched"
    assert rows(config, "SELECT run_id, status, feeds_polled, entries_new FROM runs ORDER BY started_at") == [
        ("beside-reader", "completed", 1, 5), ("after-reader", "completed", 1, 3)]
    assert rows(config, "SELECT count(*) FROM spool_replays WHERE run_id = 'beside-reader'") == [(len(["polls",
                                                                                                 "begin", "end"]),)]
    no_duplicates(config)


class ReaderArrivesAfterFirstLoad(Stages):
    """A reader opens the warehouse between two batches: after the first batch's load returns."""

    batches_in_flight = 1  # the next batch starts once the reader holds the file

    def __init__(self, path: Path, mode: str) -> None:
        self.path, self.mode = path, mode
        self.holder: Holder | None = None
        self.loads = 0

    async def batch(self, ctx: RunContext, batch: Sequence[PendingArticle]) -> RunCounts:
        counts = await super().batch(ctx, batch)
        self.loads += 1
        if self.loads == 1:
            self.holder = Holder(self.path, self.mode)
        return counts


def test_a_reader_opened_mid_run_costs_nothing(
    tmp_path: Path, server: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    config = reader_config(tmp_path, server, batch_size=2)
    serve_stories(server, range(9))
    stages = ReaderArrivesAfterFirstLoad(config.warehouse_path, "read-only")
    try:
        summary = asyncio.run(run_ingest(config, "mid-run", stages=stages))
        assert summary.status == "completed" and summary.counts.articles_fetched == 9
        assert rows(config, "SELECT count(*) FROM articles") == [(2,)], "only the first batch got in"
        assert spooled_kinds(config) == ["load_batch"] * 4 + ["store_fetch_events", "record_run_end"], (
            "four batches, the robots.txt fetches and the run's end wait in the spool")
        assert caplog.text.count("waiting up to 0.5 s") == 1, "one wait per run, not one per load"
    finally:
        assert stages.holder is not None
        stages.holder.release()
    asyncio.run(run_ingest(config, "next"))
    assert rows(config, "SELECT count(*) FROM articles") == [(9,)]
    assert rows(config, "SELECT status, articles_fetched, articles_stored FROM runs WHERE run_id = 'mid-run'") == [
        ("completed", 9, 9)], "the replayed batches' counts were folded into the run's row"
    assert rows(config, "SELECT articles_fetched FROM runs WHERE run_id = 'next'") == [(0,)]
    no_duplicates(config)


class ReaderComesAndGoes(Stages):
    """A reader opens the warehouse after the first load, lets go after the second, and comes back after the third."""

    batches_in_flight = 1  # each batch starts once the reader has come or gone

    def __init__(self, path: Path, spool_files: Callable[[], list[str]]) -> None:
        self.path, self.spool_files = path, spool_files
        self.holder: Holder | None = None
        self.loads = 0
        self.spooled_when_left = -1

    async def batch(self, ctx: RunContext, batch: Sequence[PendingArticle]) -> RunCounts:
        counts = await super().batch(ctx, batch)
        self.loads += 1
        if self.loads in (1, 3):
            self.holder = Holder(self.path, "read-write")
        elif self.loads == 2 and self.holder is not None:
            self.spooled_when_left = len(self.spool_files())
            self.holder.release()
        return counts


def test_a_reader_that_comes_and_goes_mid_run_loses_nothing(tmp_path: Path, server: LocalServer) -> None:
    """The first load after the reader lets go loads the spool first; spooling again later reuses no id."""
    config = reader_config(tmp_path, server, batch_size=2)
    serve_stories(server, range(9))
    stages = ReaderComesAndGoes(config.warehouse_path, lambda: spooled(config))
    try:
        summary = asyncio.run(run_ingest(config, "in-and-out", stages=stages))
    finally:
        assert stages.holder is not None
        stages.holder.release()
    assert summary.status == "completed"
    assert stages.spooled_when_left == 1, "the second batch was spooled while the reader held the file"
    assert rows(config, "SELECT count(*) FROM spool_replays") == [(1,)], "the third load replayed it first"
    assert rows(config, "SELECT count(*) FROM articles") == [(6,)]
    asyncio.run(run_ingest(config, "after"))
    assert rows(config, "SELECT count(*) FROM articles") == [(9,)]
    assert rows(config, "SELECT articles_stored FROM runs WHERE run_id = 'in-and-out'") == [(9,)]
    no_duplicates(config)


def test_a_run_beside_a_read_write_holder_polls_per_the_saved_feed_states(
    tmp_path: Path, server: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    """A read-write holder lets no one read: the run polls per the feed states the last run saved."""
    config = reader_config(tmp_path, server)
    config.path.write_text(config.path.read_text().replace("min_interval = 0", "min_interval = 3600"))
    config = load_config(config.path)
    serve_stories(server, range(2))
    asyncio.run(run_ingest(config, "first"))
    with holding(config.warehouse_path, "read-write"):
        summary = asyncio.run(run_ingest(config, "beside-notebook"))
    assert summary.status == "completed" and summary.feeds_due == 0, "the feed is not due for an hour"
    assert "polling per the states saved in" in caplog.text
    asyncio.run(run_ingest(config, "after"))
    assert rows(config, "SELECT run_id, status FROM runs ORDER BY started_at") == [
        ("first", "completed"), ("beside-notebook", "completed"), ("after", "completed")]


KILLED_REPLAY = """
import os, sys
from pathlib import Path
import newsflow.spool as spool
from newsflow import warehouse
from newsflow.warehouse import Warehouse

kill_point, path = sys.argv[1], Path(sys.argv[2])
replayed = 0

def stop_here():
    print("at kill point", flush=True)
    sys.stdin.readline()  # the parent SIGKILLs this process now
    os._exit(3)

# Both kill a replay of a batch, after the spooled begin and polls were loaded and deleted.
if kill_point == "before-commit":  # inside the load's transaction, after the load's writes
    record = warehouse.record_spool_replay
    def recording(con, spool_id, run_id, kind, *args):
        record(con, spool_id, run_id, kind, *args)
        if kind.endswith("load_batch"):
            stop_here()
    warehouse.record_spool_replay = recording
else:  # the transaction committed, the spool file not deleted yet
    replay_one = spool.replay_one
    def replaying(store, load):
        replay_one(store, load)
        if load.kind.endswith("load_batch"):
            stop_here()
    spool.replay_one = replaying

store = Warehouse(path)
with store.run_lock():
    spool.replay(store)
"""


@pytest.mark.parametrize("kill_point", ["before-commit", "after-commit"])
def test_a_replay_killed_at_any_point_duplicates_nothing(tmp_path: Path, server: LocalServer, kill_point: str) -> None:
    config = reader_config(tmp_path, server, batch_size=2)
    serve_stories(server, range(7))
    asyncio.run(run_ingest(config, "first"))  # entries stored: the articles are pending for the next run
    with Warehouse(config.warehouse_path).writing() as con:
        con.execute("UPDATE entries SET article_id = NULL, fetch_attempts = 0; DELETE FROM articles")
    with holding(config.warehouse_path, "read-only"):
        asyncio.run(run_ingest(config, "spooling"))
    files = spooled(config)
    assert len(files) >= 5, files

    child = subprocess.Popen([sys.executable, "-c", KILLED_REPLAY, kill_point, str(config.warehouse_path)], cwd=REPO,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert child.stdout is not None
    assert child.stdout.readline() == "at kill point\n", child.stderr.read() if child.stderr else ""
    os.kill(child.pid, signal.SIGKILL)
    child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL
    left = spooled(config)
    assert 0 < len(left) < len(files)

    asyncio.run(run_ingest(config, "after-kill"))
    assert spooled(config) == []
    assert rows(config, "SELECT count(*) FROM spool_replays") == [(len(files),)]
    assert rows(config, "SELECT count(*) FROM articles") == [(7,)]
    assert rows(config, "SELECT count(*) FROM fetch_events WHERE kind = 'article' AND run_id = 'spooling'") == [
        (7,)], "each spooled fetch logged once"
    no_duplicates(config)


# --- messages, through the CLI --------------------------------------------------------------------


def newsflow(*args: str, prefect_api: str | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m newsflow ARGS`; a run is a flow run, on the session's Prefect server."""
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "NEWSFLOW_CONFIG")}
    if prefect_api is not None:
        env["PREFECT_API_URL"] = prefect_api
    return subprocess.run([sys.executable, "-m", "newsflow", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=90)


def test_newsflow_run_beside_a_reader_exits_0_and_says_it_spools(
    tmp_path: Path, server: LocalServer, prefect_api: str
) -> None:
    config = reader_config(tmp_path, server)
    serve_stories(server, range(3))
    with holding(config.warehouse_path, "read-only") as holder:
        done = newsflow("run", "--config", str(config.path), prefect_api=prefect_api)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    found = READER_MESSAGE.search(done.stderr)
    assert found and found.group(1) == str(holder.pid), done.stderr
    assert f"spooled to {spool_dir_for(config.warehouse_path)}" in done.stderr
    assert "newsflow run is writing" not in done.stderr and "another newsflow run" not in done.stderr


def test_a_query_beside_a_reader_names_the_reader_not_a_run(tmp_path: Path, server: LocalServer) -> None:
    config = reader_config(tmp_path, server)
    with holding(config.warehouse_path, "read-write") as holder:
        refused = newsflow("query", "SELECT 1", "--config", str(config.path))
    assert refused.returncode == 3
    found = READER_MESSAGE.search(refused.stderr)
    assert found and found.group(1) == str(holder.pid), refused.stderr
    assert refused.stderr.count("\n") == 1 and "try again in a few seconds" in refused.stderr


def test_a_query_beside_a_run_says_a_newsflow_run_is_writing(tmp_path: Path, server: LocalServer) -> None:
    config = reader_config(tmp_path, server)
    store = Warehouse(config.warehouse_path)
    with store.run_lock(), store.writing():  # what a run does while it loads a batch
        refused = newsflow("query", "SELECT 1", "--config", str(config.path))
    assert refused.returncode == 3
    assert f"locked by another newsflow run (pid {os.getpid()}), which is writing" in refused.stderr, refused.stderr
    assert "DBeaver" not in refused.stderr


# --- the spool folder's own failures ---------------------------------------------------------------


def test_a_spool_file_that_cannot_be_loaded_is_parked_and_the_run_goes_on(
    tmp_path: Path, server: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    config = reader_config(tmp_path, server)
    serve_stories(server, range(2))
    folder = spool_dir_for(config.warehouse_path)
    folder.mkdir()
    (folder / "000000001.torn-1.spool").write_bytes(b"\x80\x05 not a whole pickle")
    (folder / ".000000002.killed-1.spool.x1y2z3.partial").write_bytes(b"half written")
    (folder / "000000002.foreign-1.spool").write_text(json.dumps({
        "format": SPOOL_FORMAT, "spool_id": "foreign-1", "run_id": "foreign", "kind": "os:system",
        "spooled_at": datetime.now(UTC).isoformat(), "counted": {}, "args": ["echo pwned"]}))
    summary = asyncio.run(run_ingest(config, "after-trouble"))
    assert summary.status == "completed" and summary.counts.articles_stored == 2
    assert sorted(p.name for p in (folder / "failed").iterdir()) == [
        "000000001.torn-1.spool", "000000002.foreign-1.spool"]
    assert not list(folder.glob(".*.partial")), "a killed writer's temporary file is deleted"
    assert "which is not a load newsflow spools" in caplog.text


def test_loads_from_many_threads_are_spooled_and_replayed_once_each(tmp_path: Path, server: LocalServer) -> None:
    """Loads come from worker threads (asyncio.to_thread): no two spool files collide, no file loads twice."""
    config = reader_config(tmp_path, server)
    store = Warehouse(config.warehouse_path, write_patience=0.0)

    def event(n: int) -> FetchEvent:
        return FetchEvent("threads", datetime.now(UTC), FetchKind.ARTICLE, None, f"https://t.example/{n}", 200,
                          Outcome.OK, None, 1, 1)

    def commit_all(first: int) -> None:
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda n: commit_or_spool(store, "threads", store_fetch_events, [event(n)],
                                                    if_spooled=None), range(first, first + 8)))

    with store.run_lock():
        with holding(config.warehouse_path, "read-only"):
            commit_all(0)
            assert len(spooled(config)) == 8
        commit_all(8)  # each replays whatever is spooled first; the first to get in loads them all
    assert spooled(config) == [] and not (spool_dir_for(config.warehouse_path) / "failed").exists()
    assert rows(config, "SELECT count(*), count(DISTINCT url) FROM fetch_events") == [(16, 16)]
    assert rows(config, "SELECT count(*) FROM spool_replays") == [(8,)]


def test_a_batch_the_cluster_lost_is_spooled_beside_a_reader_not_dropped(tmp_path: Path, server: LocalServer) -> None:
    """Review of red team 38b: the `left_by_cluster` rows of a lost Dask batch were written apart from the spool,
    and a reader holding the warehouse made the run drop them with a warning: pending articles with no row saying
    why. They are the batch's load now (`leftbatches.record_left_by_cluster`), spooled and replayed like any."""
    config = reader_config(tmp_path, server)
    store = Warehouse(config.warehouse_path, write_patience=0.0)
    with store.writing() as con:
        warehouse.sync_feeds(con, [FeedConfig("courier", server.url("/feed.xml"))])
    batch = [PendingArticle(f"https://t.example/{n}", f"https://t.example/{n}", "courier", None, None) for n in (1, 2)]
    with store.run_lock():
        with holding(config.warehouse_path, "read-only"):
            counts = record_left_by_cluster(store, "lost", batch, "KilledWorker: gone", LoadSettings())
            assert counts == RunCounts(articles_deferred=2) and spooled_kinds(config) == ["load_batch"]
        assert replay(store)
    assert rows(config, "SELECT url, outcome, status_code, error LIKE '%KilledWorker: gone%' FROM fetch_events "
                        "ORDER BY url") == [(p.url, "left_by_cluster", None, True) for p in batch]


def test_a_batch_that_failed_is_spooled_beside_a_reader_not_dropped(tmp_path: Path, server: LocalServer) -> None:
    """Red team 39: `record_failed_batch` (a bug escaped for a whole batch) wrote apart from the spool, so a reader
    holding the warehouse made the run drop its rows with a warning (`WarehouseHeldError` on the starting code):
    the articles' attempts uncounted, nothing saying why. Now it is the batch's load, spooled and replayed."""
    config = reader_config(tmp_path, server)
    store = Warehouse(config.warehouse_path, write_patience=0.0)
    with store.writing() as con:
        warehouse.sync_feeds(con, [FeedConfig("courier", server.url("/feed.xml"))])
    batch = [PendingArticle(f"https://t.example/{n}", f"https://t.example/{n}", "courier", None, None) for n in (1, 2)]
    ctx = RunContext(config, store, "failed", cast(Any, None), {})
    with store.run_lock():
        with holding(config.warehouse_path, "read-only"):
            counts = record_failed_batch(ctx, batch, RuntimeError("a bug for the batch"))
            assert counts == RunCounts(articles_failed=2) and spooled_kinds(config) == ["load_batch"]
        assert replay(store)
    assert rows(config, "SELECT url, outcome, error LIKE '%a bug for the batch%' FROM fetch_events "
                        "ORDER BY url") == [(p.url, "failed", True) for p in batch]


# Each step: which holder, if any, has the file ("read-only", "read-write" or None), then one load.
Steps = list[str | None]


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(["read-only", "read-write", None]), min_size=1, max_size=6))
def test_any_interleaving_of_readers_and_loads_ends_with_every_load_once(tmp_path: Path, steps: Steps) -> None:
    """Readers come and go between loads in any order: after a free replay, each load is stored once."""
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    path = folder / "news.duckdb"
    with Warehouse(path).writing():
        pass
    store = Warehouse(path, write_patience=0.0)
    holder: Holder | None = None
    urls = [f"https://p.example/{n}" for n in range(len(steps))]
    with store.run_lock():
        try:
            for n, mode in enumerate(steps):
                if holder is not None and holder.mode != mode:
                    holder.release()
                    holder = None
                if mode is not None and holder is None:
                    holder = Holder(path, mode)
                event = FetchEvent("prop", datetime.now(UTC), FetchKind.ARTICLE, None, urls[n], 200, Outcome.OK,
                                   None, 1, 1)
                commit_or_spool(store, "prop", store_fetch_events, [event], if_spooled=None)
        finally:
            if holder is not None:
                holder.release()
        assert replay(store)
    stored = run_read_query(Warehouse(path), "SELECT url FROM fetch_events ORDER BY url").rows
    assert stored == [(u,) for u in sorted(urls)]
    assert not list(spool_dir_for(path).glob("*.spool"))
