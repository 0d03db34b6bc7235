"""Benchmark: the site-furniture lookup of one batch against a warehouse holding a month of lines.

    uv run --no-sync python bench/bench_story_lines.py [--sites 200] [--articles 3000] [--lines 10]

A real DuckDB file in a temporary directory holds `story_lines` and `story_signatures` for
`--sites` sites x `--articles` articles, each article a story of its own carrying its site's
`--lines` furniture lines (200 x 3,000 x 10 = 6M rows, the review's figure). One batch of one
new article per site then asks for its lines, as `pipeline` does. Two ways, same run:

- rows: the query of analyst11's first version, every stored article per line (site, line,
  article) brought to Python and put in a dict of sets (what `SiteLines` used to build);
- counted: `warehouse.lookup_story_lines`, stories per line counted in SQL, capped at 3.

Prints each one's seconds (best of `--repeat`) and their ratio.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsflow.warehouse import Warehouse, lookup_story_lines

ROWS_QUERY = """
    WITH wanted AS (SELECT unnest($sites) AS site, unnest($hashes)::UBIGINT AS line_hash)
    SELECT l.site, l.line_hash, l.article_id
    FROM wanted w JOIN story_lines l ON l.site = w.site AND l.line_hash = w.line_hash AND l.indexed_at >= $since
"""


def fill(store: Warehouse, sites: int, articles: int, lines: int) -> None:
    with store.writing() as con:
        con.execute(
            "INSERT INTO story_signatures (article_id, story_id, signature, indexed_at) "
            "SELECT 's' || s || '-' || a, 's' || s || '-' || a, NULL, now() "
            "FROM range($sites) t(s), range($articles) u(a)", {"sites": sites, "articles": articles})
        con.execute(
            "INSERT INTO story_lines SELECT 'site' || s || '.example', (s * 1000 + k)::UBIGINT, 's' || s || '-' || a, "
            "'s' || s || '-' || a, now() - INTERVAL 1 DAY * (29 - a % 30) "
            "FROM range($sites) t(s), range($articles) u(a), range($lines) v(k) ORDER BY 5",
            {"sites": sites, "articles": articles, "lines": lines})


def best_of(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=200)
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--lines", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Warehouse(Path(tmp) / "lines.duckdb")
        fill(store, args.sites, args.articles, args.lines)
        keys = [(f"site{s}.example", s * 1000 + k) for s in range(args.sites) for k in range(args.lines)]
        batch = [f"new{s}" for s in range(args.sites)]
        since = datetime.now(UTC) - timedelta(days=30)

        def rows() -> object:
            with store.writing() as con:
                found = con.execute(ROWS_QUERY, {"sites": [k[0] for k in keys], "hashes": [k[1] for k in keys],
                                                 "since": since}).fetchall()
            articles: defaultdict[tuple[str, int], set[str]] = defaultdict(set)
            for site, key, article_id in found:
                articles[(site, key)].add(article_id)
            return articles

        def counted() -> object:
            with store.writing() as con:
                return lookup_story_lines(con, keys, since, batch, 3)

        before, after = best_of(args.repeat, rows), best_of(args.repeat, counted)
        total = args.sites * args.articles * args.lines
        print(f"story_lines rows {total:,}; batch of {len(batch)} articles, {len(keys):,} line keys")
        print(f"rows to Python + sets: {before:.2f} s; counted in SQL: {after:.2f} s; ratio {before / after:.1f}x")


if __name__ == "__main__":
    main()
