"""`[execution] task_runner = "dask"`: fetch and extract on a Dask LocalCluster (prefect-dask's
DaskTaskRunner), loads in the flow process, and the same warehouse as the default runner."""

from __future__ import annotations

import asyncio
import pickle
import time
from pathlib import Path
from typing import Any

import pytest
from flows.ingest import ingest

from newsflow.config import FetchSettings, load_config
from newsflow.models import PendingArticle
from newsflow.warehouse import Warehouse, run_read_query
from tests.conftest import write_config
from tests.flows.test_artifacts import add_news_site
from tests.localserver import LocalServer

pytest.importorskip("prefect_dask", reason="the dask extra is not installed (uv sync --extra dask)")
pytestmark = pytest.mark.usefixtures("prefect_api")

# Everything but the columns that name the run or the moment it happened.
SNAPSHOTS = {
    "articles": "SELECT * EXCLUDE (run_id, fetched_at, first_seen_at, ingest_latency) FROM articles "
                "ORDER BY article_id",
    "entries": "SELECT * EXCLUDE (run_id, first_seen_at) FROM entries ORDER BY feed_id, guid",
    # robots.txt is fetched once per host by each Fetcher: once a run locally, once a batch on Dask.
    "fetch_events": "SELECT kind, feed_id, url, status_code, outcome, failure_class, bytes FROM fetch_events "
                    "WHERE kind <> 'robots' ORDER BY kind, url",
    "feeds": "SELECT feed_id, etag, last_status, consecutive_failures FROM feeds ORDER BY feed_id",
}


def config_for(tmp_path: Path, server: LocalServer, feeds: dict[str, str], runner: str) -> Path:
    folder = tmp_path / runner
    folder.mkdir()
    config_path = write_config(folder, server.base_url, feeds)
    # Batches of 3, so several fetch-and-extract tasks spread over the two workers.
    text = config_path.read_text(encoding="utf-8").replace("[extract]\n", "[extract]\nbatch_size = 3\n")
    config_path.write_text(text + f'\n[execution]\ntask_runner = "{runner}"\n', encoding="utf-8")
    return config_path


def snapshot(config_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    store = Warehouse(load_config(config_path).warehouse_path)
    return {table: run_read_query(store, sql).rows for table, sql in SNAPSHOTS.items()}


def timed_ingest(config_path: Path) -> tuple[dict[str, Any], float]:
    started = time.monotonic()
    result = asyncio.run(ingest(config_path=str(config_path)))
    assert isinstance(result, dict)
    return result, time.monotonic() - started


def test_worker_inputs_and_results_pickle() -> None:
    batch = [PendingArticle("http://a.example/1", "http://a.example/1?x=1", "a", "Title", None)]
    assert pickle.loads(pickle.dumps((batch, FetchSettings(allowed_networks=("127.0.0.0/8",)), 10.0))) == (
        batch, FetchSettings(allowed_networks=("127.0.0.0/8",)), 10.0)


def test_dask_local_cluster_leaves_same_warehouse_as_default_runner(
    tmp_path: Path, server: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feeds = {"alpha": add_news_site(server, "alpha", range(1, 6)),
             "beta": add_news_site(server, "beta", range(30, 34), broken=31), "gone": "/gone/rss.xml"}
    local_config = config_for(tmp_path, server, feeds, "local")
    dask_config = config_for(tmp_path, server, feeds, "dask")

    local_result, local_s = timed_ingest(local_config)
    dask_result, dask_s = timed_ingest(dask_config)

    local, distributed = snapshot(local_config), snapshot(dask_config)
    assert len(local["articles"]) == 8 and len(local["fetch_events"]) >= 12
    for table in SNAPSHOTS:
        assert distributed[table] == local[table], f"{table} differs between the Dask and the default runner"
    robots = "SELECT DISTINCT url, outcome FROM fetch_events WHERE kind = 'robots'"
    assert run_read_query(Warehouse(load_config(dask_config).warehouse_path), robots).rows == [
        (server.url("/robots.txt"), "http_error")], "the workers' robots.txt fetches are in the fetch log too"
    counts = ("entries_new", "articles_fetched", "articles_stored", "articles_failed", "duplicates")
    assert {k: dask_result[k] for k in counts} == {k: local_result[k] for k in counts}
    with capsys.disabled():
        print(f"\ndask: 9 articles in 3 batches: default runner {local_s:.1f} s, Dask LocalCluster (2 processes, "
              f"started by the run) {dask_s:.1f} s")
