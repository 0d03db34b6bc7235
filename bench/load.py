"""5. Load: 10,000 articles committed in at most 1 s (issue #6).

`newsflow.warehouse.load_articles` inside `transaction()` (the articles, the update of their
entries, their fetch events), timed from BEGIN to COMMIT on an open connection; and the whole
load stage, `newsflow.pipeline.load_batch`, which also places each article in a story
(near-duplicate index) and opens its own connection. Baselines on identical fresh warehouses,
same rows: DuckDB's own bulk insert of the articles from newline-delimited JSON, and from a
staged table (index upkeep alone).
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench import synth
from bench.options import Options
from bench.report import Table, ratio
from newsflow.pipeline import load_batch
from newsflow.warehouse import Warehouse, load_articles, transaction

TITLE = "5. Load: committing 10,000 articles"
RUN_ID = "load-bench"


def run(opts: Options) -> Table:
    table = Table(TITLE)
    articles, attempts, events = synth.article_batch(opts.load_articles, RUN_ID)
    folder = opts.workdir / "load"
    rows_path = _write_ndjson(folder / "articles.ndjson", [asdict(a) for a in articles])
    table.notes.append(f"{len(articles):,} synthetic articles of ~3.4 KB text, with entries and fetch events")
    baseline_s = _bulk_from_json(folder / "json.duckdb", rows_path)
    table.add("baseline: DuckDB INSERT ... FROM read_json (articles only)", baseline_s, "s", ratio=1.0)
    staged_s = _bulk_from_staged(folder / "staged.duckdb", rows_path)
    table.add("DuckDB INSERT ... SELECT from a staged table (articles only)", staged_s, "s",
              ratio=ratio(staged_s, baseline_s))
    only_s = _load(folder / "articles-only.duckdb", articles, [], [])
    table.add("load_articles, articles only", only_s, "s", ratio=ratio(only_s, baseline_s))
    full_s = _load(folder / "batch.duckdb", articles, attempts, events)
    table.check("load_articles: articles + entries + events", full_s, "s", 1.0, "<= 1 s",
                ratio=ratio(full_s, baseline_s))
    large = opts.shared.get("large_warehouse")
    if large is not None and large.exists():
        large_s = _load(large, articles, attempts, events)
        table.check(f"load_articles, into the {opts.growth_sizes[1]:,}-article warehouse", large_s, "s", 1.0,
                    "<= 1 s", ratio=ratio(large_s, baseline_s))
    else:
        table.notes.append("no large warehouse to load into: run with the growth benchmark to measure one")
    stage_s = _load_stage(folder / "stage.duckdb", articles)
    # Not a commit: most of it is computing the articles' story signatures (MinHash), ~1 ms each.
    table.add("pipeline.load_batch: story clustering + the load above", stage_s, "s", ratio=ratio(stage_s, baseline_s),
              note="the whole load stage of one 10,000-article batch, connection included")
    return table


def _write_ndjson(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, default=str) + "\n" for r in rows), encoding="utf-8")
    return path


def _load(path: Path, articles: list[Any], attempts: list[Any], events: list[Any]) -> float:
    with Warehouse(path).writing() as con:
        if attempts:
            synth.insert_entries_for(con, articles, RUN_ID)
        started = time.perf_counter()
        with transaction(con):
            load_articles(con, articles, attempts, events)
        return time.perf_counter() - started


def _load_stage(path: Path, articles: list[Any]) -> float:
    """`pipeline.load_batch` on all the articles as one batch: what a run's load stage does."""
    batch, results, extractions = synth.stage_inputs(articles)
    with Warehouse(path).writing() as con:
        synth.insert_entries_for(con, articles, RUN_ID)
    started = time.perf_counter()
    load_batch(Warehouse(path), RUN_ID, batch, results, extractions)
    return time.perf_counter() - started


# The rows are whole Article dataclasses; the bulk inserts take the synthetic columns by name.
_COLUMN_LIST = synth.ARTICLE_COLUMNS.strip("()")


def _bulk_from_json(path: Path, rows_path: Path) -> float:
    with Warehouse(path).writing() as con:
        started = time.perf_counter()
        with transaction(con):
            con.execute(f"INSERT INTO articles {synth.ARTICLE_COLUMNS} SELECT {_COLUMN_LIST} FROM "
                        f"read_json('{rows_path}', format = 'newline_delimited')")
        return time.perf_counter() - started


def _bulk_from_staged(path: Path, rows_path: Path) -> float:
    with Warehouse(path).writing() as con:
        con.execute(f"CREATE TEMP TABLE staged AS SELECT * FROM read_json('{rows_path}', format = 'newline_delimited')")
        started = time.perf_counter()
        with transaction(con):
            con.execute(f"INSERT INTO articles {synth.ARTICLE_COLUMNS} SELECT {_COLUMN_LIST} FROM staged")
        return time.perf_counter() - started
