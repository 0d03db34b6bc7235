"""The views and the latency columns, on a warehouse whose contents are known (tests/samplewarehouse.py)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from newsflow.warehouse import QueryResult, Warehouse, migrate, run_read_query
from tests.samplewarehouse import ARTICLES, BY_SLUG, build_sample_warehouse


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    return build_sample_warehouse(tmp_path_factory.mktemp("views") / "news.duckdb")


def by_key(result: QueryResult) -> dict[object, dict[str, object]]:
    return {row[0]: dict(zip(result.columns, row, strict=True)) for row in result.rows}


def test_feed_health_success_rate_counts_304_as_success_and_only_the_last_7_days(store: Warehouse) -> None:
    health = by_key(run_read_query(store, "SELECT * FROM feed_health"))
    assert (health["planet"]["polls_7d"], health["planet"]["success_rate_7d"]) == (3, 1.0)  # ok, 304, ok
    assert (health["gazette"]["polls_7d"], health["gazette"]["success_rate_7d"]) == (2, 0.5)  # 10-day-old 500 left out
    assert (health["dead"]["polls_7d"], health["dead"]["success_rate_7d"]) == (2, 0.0)
    assert health["dead"]["last_status"] == "soft" and health["dead"]["consecutive_failures"] == 1


def test_feed_health_items_per_day_and_latency(store: Warehouse) -> None:
    health = by_key(run_read_query(store, "SELECT * FROM feed_health"))
    # planet published 1, 2, 2 items 3, 2, 1 days ago and none today: median of [1, 2, 2, 0].
    assert health["planet"]["median_items_per_day_30d"] == 1.5
    # Its first poll's item (p3) is backlog; the others were seen 10, 30, 20, 15 minutes after publication.
    assert health["planet"]["median_latency_s"] == 1050.0
    assert health["planet"]["last_new_item_at"] == BY_SLUG["p1"].first_seen_at
    # gazette: g-wire 45 min, g-flood 5 min, and its link to p1 seen 3 h after publication.
    assert (health["gazette"]["median_items_per_day_30d"], health["gazette"]["median_latency_s"]) == (1.0, 2700.0)
    # quiet: one item 5 days ago, none since; a single (backlog) item gives no latency.
    assert (health["quiet"]["median_items_per_day_30d"], health["quiet"]["median_latency_s"]) == (0.0, None)
    assert (health["dead"]["last_new_item_at"], health["dead"]["median_items_per_day_30d"]) == (None, 0.0)


def test_daily_volume_counts_articles_per_day_source_and_language(store: Warehouse) -> None:
    rows = run_read_query(store, "SELECT day, source, language, articles FROM daily_volume").rows
    sources = {"planet": "planet.example", "gazette": "gazette.example", "blatt": "tageblatt.example"}  # not sitenames
    expected = Counter((a.published_at.date(), sources[a.feed], a.language) for a in ARTICLES)
    assert {(day, source, language): n for day, source, language, n in rows} == dict(expected)


def test_articles_latest_is_newest_first_with_the_latency(store: Warehouse) -> None:
    sql = "SELECT article_id, published_at, first_seen_at, ingest_latency FROM articles_latest"
    result = run_read_query(store, sql)
    published = [row[1] for row in result.rows]
    assert published == sorted(published, reverse=True) and len(published) == len(ARTICLES)
    rows = by_key(result)
    # p1 is linked from two feeds; its first sight is the earlier entry (planet's, 30 min after publication).
    assert rows["p1"]["first_seen_at"] == BY_SLUG["p1"].first_seen_at
    for sample in ARTICLES:
        assert rows[sample.slug]["ingest_latency"] == sample.first_seen_at - sample.published_at


def test_migration_0003_backfills_articles_loaded_before_it(tmp_path: Path) -> None:
    store = build_sample_warehouse(tmp_path / "news.duckdb")
    before = run_read_query(store, "SELECT article_id, first_seen_at, ingest_latency FROM articles ORDER BY 1").rows
    with store.writing() as con:  # back to how a warehouse loaded before 0003 looks
        con.execute("UPDATE articles SET first_seen_at = NULL, ingest_latency = NULL")
        con.execute("DELETE FROM schema_migrations WHERE version = 3")
    with store.writing() as con:  # what the next process to open it for writing does
        migrate(con)
    after = run_read_query(store, "SELECT article_id, first_seen_at, ingest_latency FROM articles ORDER BY 1").rows
    assert after == before and all(row[2] is not None for row in after)
    assert run_read_query(store, "SELECT count(*) FROM schema_migrations WHERE version = 3").rows == [(1,)]
