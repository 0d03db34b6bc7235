"""A Dask batch the cluster never returns (its worker killed mid-batch) is visibly left for the next run:
one `left_by_cluster` row per article, no attempt counted, never parked for it, counted deferred, and
chosen by the next run (flows/ingest.py `DaskStages`; docs/security.md, "Red team 38b"), alone; lost alone again to
a killed worker, it is a counted `killed_worker` attempt, parked after `max_article_attempts` ("Red team 39")."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flows.ingest import ingest

from newsflow import queries
from newsflow.config import load_config
from newsflow.warehouse import Warehouse, pending_entries, run_read_query, sql_root
from tests.conftest import write_config
from tests.flows.test_artifacts import add_news_site
from tests.localserver import LocalServer

pytest.importorskip("prefect_dask", reason="the dask extra is not installed (uv sync --extra dask)")
from distributed.diagnostics.plugin import SchedulerPlugin

pytestmark = pytest.mark.usefixtures("prefect_api")


@pytest.fixture
def one_worker_cluster() -> Iterator[Any]:
    """A LocalCluster of one worker process whose scheduler gives up on a task at its first killed worker
    (`allowed-failures` 0), as a cluster whose workers keep dying does after three."""
    import dask
    from distributed import Client, LocalCluster

    # worker-saturation 1: the worker holds only the task it runs, so a kill loses that task alone
    settings = {"distributed.worker.daemon": False, "distributed.scheduler.allowed-failures": 0,
                "distributed.scheduler.worker-saturation": 1.0}
    with dask.config.set(settings), LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                                 dashboard_address=":0") as cluster, Client(cluster) as client:
        yield cluster, client


class KillTheWorkerAtItsFirstTask(SchedulerPlugin):
    """On the scheduler (in this process): the worker process dies as its first task goes to it."""

    def __init__(self, pid: int) -> None:
        self.pid, self.done = pid, threading.Event()

    def transition(self, key: Any, start: str, finish: str, *args: Any, **kwargs: Any) -> None:
        if finish == "processing" and not self.done.is_set():
            self.done.set()
            os.kill(self.pid, signal.SIGKILL)


def rows(config_path: Path, sql: str) -> list[tuple[Any, ...]]:
    return run_read_query(Warehouse(load_config(config_path).warehouse_path), sql).rows


def test_a_batch_whose_worker_is_killed_is_left_visibly_for_the_next_run(
    tmp_path: Path, server: LocalServer, one_worker_cluster: Any
) -> None:
    cluster, client = one_worker_cluster
    feed = add_news_site(server, "alpha", range(1, 4))
    # The worker is SIGKILLed as the scheduler hands it the batch: killed while a page was awaited, it had first
    # imported the flow's whole stack, seconds of CI for the same KilledWorker (review of red team 38b).
    killed = KillTheWorkerAtItsFirstTask(*client.run(os.getpid).values())
    cluster.scheduler.add_plugin(killed)
    config_path = write_config(tmp_path, server.base_url, {"alpha": feed})
    text = config_path.read_text(encoding="utf-8") + (
        f'\n[execution]\ntask_runner = "dask"\naddress = "{cluster.scheduler_address}"\nmax_article_attempts = 1\n')
    config_path.write_text(text, encoding="utf-8")

    first = asyncio.run(ingest(config_path=str(config_path)))
    assert isinstance(first, dict)
    assert killed.done.is_set()
    assert rows(config_path, "SELECT count(*) FROM articles") == [(0,)]
    events = rows(config_path, "SELECT outcome, status_code, error LIKE '%KilledWorker%' FROM fetch_events "
                               "WHERE kind = 'article'")
    assert events == [("left_by_cluster", None, True)] * 3, "each article of the lost batch has a row saying why"
    assert rows(config_path, "SELECT last_outcome, fetch_attempts, parked_at IS NULL FROM entries") == [
        ("left_by_cluster", 0, True)] * 3, "no attempt counted, never parked for it"
    assert rows(config_path, "SELECT articles_deferred, articles_failed FROM runs") == [(3, 0)]
    assert first["articles_failed"] == 0
    named = queries.load_query(sql_root() / "queries", "run_deferred")
    said = run_read_query(Warehouse(load_config(config_path).warehouse_path), named.sql,
                          queries.bind_params(named, [])).rows
    assert [(feed, n, why) for feed, n, _, why in said] == [("alpha", 3, "left by the cluster")]

    # The next run's choice (a whole second run cost the test seconds of CI: an uncounted, unparked entry is fetched
    # like any other pending one, tests/hostile/test_run_budget.py).
    with Warehouse(load_config(config_path).warehouse_path).reading() as con:
        pending, total = pending_entries(con, ["alpha"])
    left = rows(config_path, "SELECT url FROM fetch_events WHERE kind = 'article' ORDER BY url")
    assert total == 3 and sorted((p.url,) for p in pending) == left, "the next run fetches them"
    assert all(p.lost_with_batch for p in pending), "each goes alone next time (leftbatches.isolating_lost)"

    # Red team 39: the next run sends each alone (tests/test_pipeline.py: `isolating_lost`), and one lost alone again
    # to a killed worker counts an attempt: parked here at its first (max_article_attempts 1). One article a run
    # (max_articles_per_run 1): the others' fetch on a restarted worker would cost CI seconds for no new fact.
    config_path.write_text(config_path.read_text(encoding="utf-8") + "max_articles_per_run = 1\n", encoding="utf-8")
    client.wait_for_workers(1)
    again = KillTheWorkerAtItsFirstTask(*client.run(os.getpid).values())
    cluster.scheduler.add_plugin(again, name="kill-again")
    second = asyncio.run(ingest(config_path=str(config_path)))
    assert isinstance(second, dict) and again.done.is_set()
    assert (second["articles_stored"], second["articles_failed"], second["articles_parked"]) == (0, 1, 1)
    assert rows(config_path, "SELECT last_outcome, fetch_attempts, parked_at IS NOT NULL, last_error LIKE "
                             "'%killed%KilledWorker%' FROM entries ORDER BY last_outcome") == [
        ("killed_worker", 1, True, True), ("left_by_cluster", 0, False, False), ("left_by_cluster", 0, False, False)
    ], "the page whose worker died alone is parked, saying why; the others wait, uncounted"


def test_articles_sent_alone_are_never_on_the_cluster_together() -> None:
    """Review of red team 39: the lone batches went out together (`batches_in_flight` is the workers plus one, and
    the scheduler gives a worker more tasks than threads), so an innocent page sent alone could share the worker a
    poison page sent alone killed, and count the same `killed_worker` attempts until parked. One lone batch at a
    time; the other batches go on meanwhile, their slots not held by lone ones waiting their turn."""
    from types import SimpleNamespace

    from flows.ingest import DaskStages

    from newsflow.models import PendingArticle
    from newsflow.pipeline import RunCounts
    from newsflow.runbatches import process_batches

    class Recorded(DaskStages):
        alone = most_alone = others_beside_alone = 0

        async def batch(self, ctx: Any, batch: Any) -> RunCounts:
            lone = len(batch) == 1 and batch[0].lost_with_batch
            self.alone += lone
            self.most_alone = max(self.most_alone, self.alone)
            for _ in range(3):  # let every other batch that can start, start
                self.others_beside_alone += not lone and self.alone > 0
                await asyncio.sleep(0)
            self.alone -= lone
            return RunCounts(articles_stored=len(batch))

    pending = [PendingArticle(f"https://x.example/{n}", f"https://x.example/{n}", "f", None, None,
                              lost_with_batch=n < 4) for n in range(10)]
    stages = Recorded(Any, workers=3, alone_for=60)  # type: ignore[arg-type]  # never submits: `batch` is the recorder
    ctx = SimpleNamespace(out_of_time=lambda: False, config=SimpleNamespace(extract=SimpleNamespace(batch_size=2)))
    counts = RunCounts()
    asyncio.run(process_batches(ctx, pending, stages, counts, []))  # type: ignore[arg-type]
    assert counts.articles_stored == 10
    assert stages.most_alone == 1, "two pages sent alone were on the cluster at once"
    assert stages.others_beside_alone > 0, "the other batches waited for the lone ones"


def test_a_page_sent_alone_that_never_comes_back_holds_the_others_back_a_bounded_time() -> None:
    """Review of red team 39: with one article sent alone at a time, one whose task does not come back until the
    run's end (its worker hung) would hold every other one back for the run, and, first again in the next run's
    order, for good. Its turn ends once an honest page is done (`DaskStages.alone_for`); it stays on the cluster."""
    from types import SimpleNamespace

    from flows.ingest import DaskStages

    from newsflow.models import PendingArticle
    from newsflow.pipeline import RunCounts
    from newsflow.runbatches import process_batches

    class Hung(DaskStages):
        async def batch(self, ctx: Any, batch: Any) -> RunCounts:
            if batch[0].url.endswith("/0"):  # back only once the next one sent alone has gone out
                await second_sent.wait()
            else:
                second_sent.set()
            return RunCounts(articles_stored=len(batch))

    async def run() -> RunCounts:
        counts = RunCounts()
        await asyncio.wait_for(process_batches(ctx, pending, stages, counts, []), 60)  # type: ignore[arg-type]
        return counts

    second_sent = asyncio.Event()
    pending = [PendingArticle(f"https://x.example/{n}", f"https://x.example/{n}", "f", None, None,
                              lost_with_batch=True) for n in range(2)]
    stages = Hung(Any, workers=1, alone_for=0.05)  # type: ignore[arg-type]  # never submits: `batch` is the stand-in
    ctx = SimpleNamespace(out_of_time=lambda: False, config=SimpleNamespace(extract=SimpleNamespace(batch_size=2)))
    assert asyncio.run(run()).articles_stored == 2
