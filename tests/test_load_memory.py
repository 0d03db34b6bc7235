"""A batch's load caps DuckDB's memory (warehouse.bound_load_memory): the cache its key scans fill,
plus room for the rows it writes; a large batch still loads whole under its cap."""

from __future__ import annotations

from pathlib import Path

from bench import synth

from newsflow import pipeline, warehouse
from newsflow.warehouse import Warehouse, load_memory_limit_mb

RUN_ID = "load-memory"


def test_the_cap_grows_with_the_batch_up_to_the_writers_cap() -> None:
    assert load_memory_limit_mb(0) == warehouse.loads.LOAD_SCAN_CACHE_MB == 64
    assert load_memory_limit_mb(100) == 66
    assert load_memory_limit_mb(5_000) == 143
    assert load_memory_limit_mb(1_000_000) == 256


def test_a_connection_bound_for_a_load_reports_its_cap(tmp_path: Path) -> None:
    with Warehouse(tmp_path / "news.duckdb").writing() as con:
        warehouse.bound_load_memory(con, 100)
        limit = con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
    assert limit == f"{66 * 1e6 / 2**20:.1f} MiB"


def test_a_batch_of_2000_articles_loads_whole_under_its_cap(tmp_path: Path) -> None:
    store = Warehouse(tmp_path / "news.duckdb")
    articles, _, _ = synth.article_batch(2_000, RUN_ID)
    with store.writing() as con, warehouse.transaction(con):
        synth.insert_entries_for(con, articles, RUN_ID)
    counts = pipeline.load_batch(store, RUN_ID, *synth.stage_inputs(articles))
    assert (counts.articles_stored, counts.articles_failed) == (2_000, 0)
    with store.writing() as con:
        stored = con.execute("SELECT count(*), count(DISTINCT story_id) FROM articles").fetchall()
    assert stored == [(2_000, 2_000)]
