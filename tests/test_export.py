"""Export: Parquet partitioned by date reads back whole; CSV and JSON Lines carry every article."""

from __future__ import annotations

import csv
import json
from datetime import timedelta
from pathlib import Path

import pytest

from newsflow import cli
from newsflow.warehouse import Warehouse, run_read_query
from newsflow.warehouse.export import export_articles
from tests.conftest import write_config
from tests.samplewarehouse import ARTICLES, TODAY, build_sample_warehouse

DATES = sorted({a.published_at.date() for a in ARTICLES})


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    return build_sample_warehouse(tmp_path_factory.mktemp("export") / "warehouse" / "news.duckdb")


def read_parquet(store: Warehouse, folder: Path, columns: str) -> list[tuple[object, ...]]:
    path = str(folder / "*" / "*.parquet").replace("'", "''")
    sql = f"SELECT {columns} FROM read_parquet('{path}', hive_partitioning = true) ORDER BY ALL"
    return run_read_query(store, sql, allow_read=[folder]).rows


def test_parquet_is_partitioned_by_date_and_round_trips(store: Warehouse, tmp_path: Path) -> None:
    summary = export_articles(store, tmp_path, "parquet")
    assert summary.rows == len(ARTICLES)
    assert sorted(p.name for p in summary.target.iterdir()) == [f"date={d.isoformat()}" for d in DATES]
    exported = read_parquet(store, summary.target, "article_id, text, story_id, ingest_latency, CAST(date AS DATE)")
    stored = run_read_query(store, "SELECT article_id, text, story_id, ingest_latency, "
                                   "CAST(published_at AT TIME ZONE 'UTC' AS DATE) FROM articles ORDER BY ALL").rows
    assert exported == stored


def test_parquet_since_rewrites_recent_dates_and_keeps_older_ones(store: Warehouse, tmp_path: Path) -> None:
    export_articles(store, tmp_path, "parquet")
    since = (TODAY - timedelta(days=1)).date()
    summary = export_articles(store, tmp_path, "parquet", since=since)
    assert summary.rows == sum(1 for a in ARTICLES if a.published_at.date() >= since)
    assert len(read_parquet(store, summary.target, "article_id")) == len(ARTICLES), "older partitions are kept"


def test_csv_and_jsonl_hold_every_article_with_utc_timestamps(store: Warehouse, tmp_path: Path) -> None:
    csv_file = export_articles(store, tmp_path, "csv").target
    with csv_file.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(r["article_id"] for r in rows) == sorted(a.slug for a in ARTICLES)
    assert {"text", "date", "first_seen_at", "ingest_latency"} <= set(rows[0])
    assert all(r["published_at"].endswith("+00") for r in rows)
    jsonl_file = export_articles(store, tmp_path, "jsonl").target
    records = [json.loads(line) for line in jsonl_file.read_text(encoding="utf-8").splitlines()]
    assert {r["article_id"]: r["text"] for r in records} == {r["article_id"]: r["text"] for r in rows}


def test_cli_export_writes_the_files_and_says_how_many(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config_path = write_config(tmp_path, "http://127.0.0.1:9", {"planet": "/rss.xml"})
    build_sample_warehouse(tmp_path / "warehouse" / "news.duckdb")
    out = tmp_path / "out"
    assert cli.main(["export", "--format", "jsonl", "--since", DATES[-1].isoformat(), str(out),
                     "--config", str(config_path)]) == 0
    expected = sum(1 for a in ARTICLES if a.published_at.date() == DATES[-1])
    assert f"exported {expected} articles" in capsys.readouterr().out
    assert len((out / "articles.jsonl").read_text(encoding="utf-8").splitlines()) == expected
    with pytest.raises(SystemExit):
        cli.main(["export", "--since", "last week", str(out), "--config", str(config_path)])
