"""`python -m bench.search_plans --baseline-src DIR [--articles 24] [--rounds 3]`: the CPU of one search
statement, words only and with a phrase, against another checkout's code (main's `src`), in the same run
(docs/search.md, "Analyst 49": a query with no phrase is ranked without the phrase check's CTEs, which DuckDB
binds and optimises in every statement).

Each round builds, with each code in turn (alternating, in a child process), a warehouse of `--articles`
articles of bench/synth.py (~3.4 KB), indexes it, and times on one connection each query's top stories,
`--articles` and `--by day` statements (process CPU, the median of 5 runs of each query; the figure is the median
over the queries). On a small warehouse the statements' planning is nearly all of it; on a large one reading
rows is, and the two codes read the same rows.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

from bench.search_scripts import compare, load_and_index

QUERIES = {"words": ["harvest", "security council", "council -harvest", "security OR harvest"],
           "phrase": ['"security council"', '"security council" harvest']}
REPEATS = 5


def build(articles: int, folder: Path) -> dict[str, Any]:
    """Build and index one warehouse with the code on sys.path; each kind of statement's CPU."""
    from bench import synth
    from newsflow import search
    from newsflow.search import SearchFilters
    from newsflow.search_query import parse_query
    from newsflow.warehouse import Warehouse, search_index

    batch, _, _ = synth.article_batch(articles, "bench-plans")
    store = Warehouse(folder / "news.duckdb")
    load_and_index(store, batch)
    figures: dict[str, Any] = {}
    with store.reading() as con:
        for kind, queries in QUERIES.items():
            runs: dict[str, list[float]] = {"stories": [], "articles": [], "by day": []}
            for query in queries:
                params = search_index.search_params(search.ranked_inputs(con, parse_query(query)),
                                                    **vars(SearchFilters()))
                for name, statement in statements(con, params).items():
                    runs[name].append(_cpu(statement))
            for name, times in runs.items():
                figures[f"{kind}, {name}: ms"] = statistics.median(times) * 1000
    return figures


def statements(con: Any, params: Any) -> dict[str, Any]:
    """The three statements a search runs (stories, articles, attention by day), each ready to time."""
    from newsflow.warehouse import search_index

    return {"stories": lambda: search_index.ranked_stories(con, params, 20),
            "articles": lambda: search_index.matching_articles(con, params, 100),
            "by day": lambda: search_index.attention(con, params, "day")}


def _cpu(action: Any) -> float:
    """The median process CPU of REPEATS runs of `action`."""
    times = []
    for _ in range(REPEATS):
        started = time.process_time()
        action()
        times.append(time.process_time() - started)
    return statistics.median(times)


def main() -> None:
    compare("bench.search_plans", build, __doc__ or "")


if __name__ == "__main__":
    main()
