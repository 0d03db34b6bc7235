"""`python -m bench.search_feeds --baseline-src DIR [--articles 100000] [--rounds 3]`: the CPU of a search's
statements with and without `--feed`, against another checkout's code (main's `src`), in the same run
(docs/search.md, "Analyst 57": `--feed` reads the feed's entries, not only `articles.feed_id`).

Each round builds, with each code in turn (in a child process), a warehouse of `--articles` articles of
bench/synth.py's `populate` (20 feeds, the search index as runs leave it) with the entries a real warehouse has:
each article carried by 3 more feeds (`extra1-0` .. `extra3-49`, after its first feed), and 2 unlinked entries
per article (parked, `article_id` NULL), spread over the 20 first feeds. It times on one connection the top
stories, `--articles` and `--by day` statements of a middling and a common word, without a filter, with `--feed`
of a first feed (`bench-feeds7`, its unlinked entries among its own), with `--feed` of a feed that carried its
articles later (`extra1-7`), and with `--language` alone (the feed clause's cost when no feed is given), and the
named query `search_attention` of the common word without and with `feed`: process CPU, the median of 5 runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.search_plans import _cpu, statements
from bench.search_scripts import compare

QUERIES = ("w3000", "w20")
FILTERS: dict[str, dict[str, Any]] = {"no filter": {}, "--feed": {"feed": "bench-feeds7"},
                                      "--feed later": {"feed": "extra1-7"}, "--language": {"language": "en"}}
LATER_FEEDS = 3  # more feeds carrying each article, as sections and aggregators do
UNLINKED_PER_ARTICLE = 2  # parked entries (404s, paywalls, robots): Analyst 57's review found them decisive


def add_entries(con: Any) -> None:
    """Entries a real warehouse has beside populate's one per article: later feeds' and unlinked ones."""
    for k in range(1, LATER_FEEDS + 1):
        con.execute(f"""INSERT INTO entries (feed_id, guid, url, canonical_url, title, first_seen_at, run_id,
                                             article_id, fetch_attempts, last_outcome)
            SELECT 'extra{k}-' || (hash(article_id) % 50), canonical_url, canonical_url, canonical_url, title,
                   fetched_at + INTERVAL {k} MINUTE, 'bench', article_id, 1, 'ok'
            FROM articles""")
    con.execute("""INSERT INTO entries (feed_id, guid, url, canonical_url, title, first_seen_at, run_id,
                                        article_id, fetch_attempts, last_outcome, parked_at)
        SELECT 'bench-feeds' || (i % 20), 'https://gone.example/' || i, 'https://gone.example/' || i,
               'https://gone.example/' || i, 't', now(), 'bench', NULL, 3, 'http_error', now()
        FROM range((SELECT count(*) FROM articles) * $per) t(i)""", {"per": UNLINKED_PER_ARTICLE})


def build(articles: int, folder: Path) -> dict[str, Any]:
    """Build and index one warehouse with the code on sys.path; each statement's CPU per filter."""
    from bench import synth
    from newsflow import queries, search
    from newsflow.search import SearchFilters
    from newsflow.search_query import parse_query
    from newsflow.warehouse import Warehouse, search_index, sql_root, transaction

    path = folder / "news.duckdb"
    synth.populate(path, articles, "bench-feeds", 20)
    with Warehouse(path).writing() as con, transaction(con):
        add_entries(con)
    figures: dict[str, Any] = {}
    named = queries.load_query(sql_root() / "queries", "search_attention")
    with Warehouse(path).reading() as con:
        for label, feed in (("search_attention", ()), ("search_attention feed=", ("feed=bench-feeds7",))):
            params = queries.bind(named, ["q=w20", *feed]).values
            figures[f"{label}: ms"] = _cpu(lambda p=params: con.execute(named.sql, p).fetchall()) * 1000
        for label, filters in FILTERS.items():
            for query in QUERIES:
                params = search_index.search_params(search.ranked_inputs(con, parse_query(query)),
                                                    **vars(SearchFilters(**filters)))
                for name, statement in statements(con, params).items():
                    figures[f"{label}, {query}, {name}: ms"] = _cpu(statement) * 1000
    return figures


def main() -> None:
    compare("bench.search_feeds", build, __doc__ or "")


if __name__ == "__main__":
    main()
