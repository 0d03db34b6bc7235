"""6. Search: query latency over 1,000,000 indexed articles, and what keeping the index current costs a run.

The 1M index is generated in SQL (`fill_index`): each synthetic article (bench/synth.py) gets the
postings of its real words (all of them in every article, tf 1-8: the worst case of common words)
plus `--search-draws` (30; 250 is a real article's distinct terms) words drawn from a skewed
vocabulary of `VOCABULARY` terms, so that rare, middling and common words exist; lengths vary.
Queries run through `newsflow.search` exactly as the CLI runs them, top-k pruned, and each against
the exact path that ranks every match (`prune=False`, once, in the same run; the results must be
equal). The index is written as `articles / RUN_DOCS` runs leave it: each run's postings one
segment sorted by term, merged as the run hook merges them (`search_segments`), never compacted;
the merges are timed, and their cost amortised per run is reported. Then `newsflow search
--compact` merges every segment into one and the queries run again, for comparison.
Indexing: 1,000 new articles of ~3.4 KB real-looking text (`synth.article_batch`) are stored and
indexed with `search.update_index` against 1,000 and 1,000,000 stored (and indexed) articles; the
baseline of the ratio is the small warehouse. A whole rebuild (what fts's `create_fts_index`
does on every change) is measured on the small warehouse and scaled per article.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

from bench import synth
from bench.options import Options
from bench.report import Table, ratio
from newsflow import search, warehouse
from newsflow.search import SearchFilters
from newsflow.warehouse import Warehouse, search_segments

TITLE = "6. Search: latency at 1M articles, and the index's cost per run"
VOCABULARY = 200_000
RANDOM_TERMS = 30
RUN_DOCS = 1000
INDEX_ROUNDS = 3
REAL_WORDS = ("synthet", "stori", "headlin", "offici", "said", "ministri", "report", "harvest")
QUERIES = {
    "rare word": "w150000",
    "middling word": "w3000",
    "common word": "w20",
    "two words, AND": "w3000 w20",
    "OR of two words": "w3000 OR w5000",
    "word in every article": "harvest",
    "two words in every article, AND": "harvest report",
    "phrase, middling word": '"w3000 officials"',
    "phrase of words in every article": '"officials said"',
}


def doc_length(doc: str, draws: str) -> str:
    """A synthetic article's indexed length: varied, so that BM25 scores vary as real ones do."""
    return f"({draws} * 2 + hash({doc} * 7919) % ({draws} * 4))::INTEGER"


def fill_index(con: Any, articles: int, draws: int = RANDOM_TERMS, run_docs: int = RUN_DOCS) -> MergeCost:
    """The search index of bench/synth.py's articles, written in SQL as runs leave it (see the module docstring).

    Each article's `draws` random words are counted per article (`histogram`), so no aggregate
    over the whole index is needed and 250 draws per article (a real article's ~250 distinct
    terms) stay affordable at 1M. The postings are written `run_docs` articles at a time, each
    batch one segment sorted by term, with the merges the run hook makes after each
    (`search_segments.merge_due`, timed): the index after articles / run_docs runs, never compacted.
    """
    con.execute(f"""INSERT INTO search_docs
        SELECT i + 1, substr(sha256(u), 1, 16), sha256('Synthetic story ' || i || '. ' || repeat(
               'Officials said the ministry would report on the harvest. ', 5)), 'en', {doc_length("(i + 1)", "$draws")}
        FROM (SELECT i, 'https://synthetic' || (i % 100) || '.example/news/' || i || '.html' AS u
              FROM range($n) t(i))""", {"n": articles, "draws": draws})
    con.execute("INSERT INTO search_terms SELECT i, 'en', 'w' || i FROM range(1, $v + 1) t(i)", {"v": VOCABULARY})
    con.execute("INSERT INTO search_terms SELECT $v + i + 1, 'en', ($words)[i + 1] FROM range(len($words)) t(i)",
                {"v": VOCABULARY, "words": list(REAL_WORDS)})
    con.execute("INSERT INTO search_forms SELECT term, term_id FROM search_terms")
    cost = MergeCost()
    for lo in range(1, articles + 1, run_docs):
        hi = min(articles, lo + run_docs - 1)
        with warehouse.transaction(con):
            row = con.execute(_RUN_POSTINGS, {"lo": lo, "hi": hi, "draws": draws, "v": VOCABULARY,
                                              "k": len(REAL_WORDS)}).fetchone()
            search_segments.add_segment(con, lo, hi, int(row[0]))
        started = time.perf_counter()
        with warehouse.transaction(con):
            cost.postings += search_segments.merge_due(con)
        cost.seconds += time.perf_counter() - started
        cost.runs += 1
    return cost


@dataclass
class MergeCost:
    """What the merges of `fill_index`'s simulated runs cost, summed over them."""

    runs: int = 0
    postings: int = 0
    seconds: float = 0.0


_LENGTH = doc_length("d", "$draws")
_RUN_POSTINGS = f"""INSERT INTO search_postings
    SELECT * FROM (
        SELECT unnest(map_keys(h)) AS term_id, d AS doc_id, unnest(map_values(h))::USMALLINT AS tf, len FROM (
            SELECT d, {_LENGTH} AS len, list_aggregate(list_transform(range($draws), lambda j:
                   1 + floor($v * pow(hash(d * 1000 + j) / 18446744073709551615.0, 3))::INTEGER), 'histogram') AS h
            FROM range($lo, $hi + 1) t(d))
        UNION ALL
        SELECT $v + w, d, (1 + hash(d * 8 + w) % 8)::USMALLINT, {_LENGTH}
        FROM range($lo, $hi + 1) a(d), range(1, $k + 1) b(w))
    ORDER BY term_id, doc_id"""


FTS_SCRIPT = r"""
import glob, os, sys, time, duckdb, duckdb_extension_fts
ext = glob.glob(os.path.join(os.path.dirname(duckdb_extension_fts.__file__), '**', 'fts.duckdb_extension'),
                recursive=True)[0]
con = duckdb.connect()
con.execute(f"INSTALL '{ext}'; LOAD fts")
con.execute("CREATE TABLE articles AS SELECT i AS article_id, 'Headline ' || i AS title, "
            "(SELECT string_agg('w' || (1 + floor(50000 * pow(random(), 3)))::INT, ' ') FROM range(500) r(k) "
            "WHERE i >= 0) AS text FROM range($n) t(i)", {'n': int(sys.argv[1])})
started = time.perf_counter()
con.execute("PRAGMA create_fts_index('articles', 'article_id', 'title', 'text', overwrite=1)")
print(time.perf_counter() - started)
"""


def run(opts: Options) -> Table:
    table = Table(TITLE)
    small, large = opts.growth_sizes
    stores = {size: _prepare(opts, table, size) for size in (small, large)}
    _latency(table, stores[large], large, repeats=1 if opts.quick else 3)  # quick: a smoke test, not a timing
    new = 100 if opts.quick else 1000
    incremental = _indexing(table, stores, small, large, new, rounds=1 if opts.quick else INDEX_ROUNDS)
    _fts_rebuild(table, 500 if opts.quick else 10_000, large + new, incremental)
    return table


def _fts_rebuild(table: Table, articles: int, large: int, incremental: float) -> None:
    """DuckDB's fts extension (1.5.5, the last with a wheel) rebuilding its index whole, in its own venv."""
    uv = shutil.which("uv")
    if uv is None:
        table.notes.append("fts comparison skipped: uv is not on PATH")
        return
    done = subprocess.run([uv, "run", "--isolated", "--no-project", "--with", "duckdb==1.5.5", "--with",
                           "duckdb-extension-fts==1.5.5", "python", "-c", FTS_SCRIPT, str(articles)],
                          capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        print(done.stderr[-2000:], file=sys.stderr)
        table.notes.append("fts comparison skipped: duckdb-extension-fts==1.5.5 could not be installed or run")
        return
    seconds = float(done.stdout.split()[-1])
    table.add(f"fts create_fts_index, {articles:,} articles of 500 words", seconds, "s")
    table.add(f"fts whole rebuild extrapolated to {large:,} articles", seconds * large / articles, "s",
              ratio=ratio(seconds * large / articles, incremental),
              note="duckdb 1.5.5 + duckdb-extension-fts 1.5.5 in an isolated env; ratio to the incremental update")


def _prepare(opts: Options, table: Table, size: int) -> Warehouse:
    path = opts.workdir / f"search-{size}" / "news.duckdb"
    started = time.perf_counter()
    merges: list[MergeCost] = []
    synth.populate(path, size, "search", 20, opts.search_draws, merge_cost=merges)  # the index too (fill_index)
    store = Warehouse(path)
    with store.writing() as con:
        postings = con.execute("SELECT count(*) FROM search_postings").fetchone()[0]
        segments = search_segments.read_segments(con)
    table.notes.append(f"{size:,} articles and {postings:,} postings written in {time.perf_counter() - started:.0f} s, "
                       f"as {merges[0].runs:,} runs of {RUN_DOCS:,} articles leave them: {len(segments)} segments, "
                       f"tiers {[search_segments.tier(s.postings) for s in segments]}")
    cost = merges[0]
    table.add(f"segment merges, {size:,} articles: per run, amortised over {cost.runs:,} runs",
              cost.seconds / cost.runs, "s",
              note=f"{cost.postings / max(1, postings):.2f} rewrites per posting; never --compact")
    return store


def _latency(table: Table, store: Warehouse, size: int, repeats: int = 3) -> None:
    """Each query pruned (median of `repeats`) against the exact path that ranks every match (once), same run.

    With one repeat (quick mode: a smoke test, not a timing) the first pruned call is the figure, and the
    figures before --compact are those: each query runs pruned, exact and after --compact, once each."""
    first: dict[str, float] = {}
    for name, text in QUERIES.items():
        started = time.perf_counter()
        pruned = search.search_stories(store, text, SearchFilters(), 20)
        first[text] = time.perf_counter() - started
        started = time.perf_counter()
        exact = search.search_stories(store, text, SearchFilters(), 20, prune=False)
        baseline = time.perf_counter() - started
        same = pruned.rows == exact.rows
        seconds = first[text] if repeats == 1 else _timed(
            lambda text=text: search.search_stories(store, text, SearchFilters(), 20), repeats=repeats)
        table.add(f"  exact, every match ranked: '{text}'", baseline, "s", ratio=1.0, note="once")
        table.check(f"search '{text}' ({name}), {size:,} articles", seconds, "s", 1.0, "<= 1 s",
                    ratio=ratio(seconds, baseline),
                    note=f"median of {repeats}; top-k pruned; {'same' if same else 'DIFFERENT'} top 20 as exact")
        assert same, f"pruned and exact results differ for {text!r}"
    seconds = _timed(lambda: search.search_attention(store, "w3000", SearchFilters(), "day"), repeats=repeats)
    table.check(f"attention by day 'w3000', {size:,} articles", seconds, "s", 1.0, "<= 1 s")
    # Analyst 45: --by source also counts every article of each site (its share), one grouped scan of the URLs
    seconds = _timed(lambda: search.search_attention(store, "w3000", SearchFilters(), "source"), repeats=repeats)
    table.check(f"attention by source 'w3000', {size:,} articles", seconds, "s", 1.0, "<= 1 s")
    # Review of Analyst 45: with --site the totals' scan tested every article's site (5-9x main's time)
    sited = SearchFilters(site="synthetic7.example")
    seconds = _timed(lambda: search.search_attention(store, "w3000", sited, "day"), repeats=repeats)
    table.check(f"attention by day 'w3000' --site, {size:,} articles", seconds, "s", 1.0, "<= 1 s")
    before = first if repeats == 1 else {  # to compare with --compact's one segment
        text: _timed(lambda text=text: search.search_stories(store, text, SearchFilters(), 20), repeats=repeats)
        for text in QUERIES.values()}
    started = time.perf_counter()
    postings = search.compact(store)
    table.add(f"newsflow search --compact, {postings:,} postings", time.perf_counter() - started, "s")
    for name, text in QUERIES.items():
        seconds = _timed(lambda text=text: search.search_stories(store, text, SearchFilters(), 20), repeats=repeats)
        table.check(f"after --compact: '{text}' ({name})", seconds, "s", 1.0, "<= 1 s",
                    ratio=ratio(seconds, before[text]),
                    note=f"median of {repeats}; ratio to the same query just before")


def _timed(action: Any, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _indexing(table: Table, stores: dict[int, Warehouse], small: int, large: int, new: int,
              rounds: int = INDEX_ROUNDS) -> float:
    """Index `new` articles into each warehouse, `rounds` times, the sizes alternating; returns the
    large one's median seconds.

    The run hook's update is timed without its merges (`merge=False`), then the merges it would
    make are timed apart: their cost depends on where the runs are in the tier cycle, so the
    amortised figure from `_prepare` is the one that counts."""
    times: dict[int, list[float]] = {size: [] for size in stores}
    merge_times: dict[int, list[float]] = {size: [] for size in stores}
    check = {}
    for n in range(rounds):
        for k, (size, store) in enumerate(stores.items()):
            run_id = f"search-bench-{size}-{n}"
            # texts of their own per size and round: the stemmer's cache must not favour the second size
            articles, _, _ = synth.article_batch(new, run_id, feed_id="search0", first_seed=300_000 + (2 * n + k) * new,
                                                 site=f"https://search{size}-{n}.example/news/")
            with store.writing() as con, warehouse.transaction(con):
                warehouse.load_articles(con, articles, [], [])
            with store.writing() as con:
                started = time.perf_counter()
                indexed = search.update_index(con, run_id=run_id, merge=False)  # as a run's end does
                times[size].append(time.perf_counter() - started)
                started = time.perf_counter()
                search.merge_segments(con)
                merge_times[size].append(time.perf_counter() - started)
                if n == rounds - 1:
                    started = time.perf_counter()
                    search.update_index(con)  # `newsflow search --reindex` with nothing to do: every hash compared
                    check[size] = time.perf_counter() - started
            assert indexed == new, f"indexed {indexed} articles, expected {new}"
    cost = {size: statistics.median(seconds) for size, seconds in times.items()}
    merging = {size: statistics.median(seconds) for size, seconds in merge_times.items()}
    table.add(f"index {new:,} new articles, {small:,} stored", cost[small], "s", ratio=1.0,
              note=f"median of {rounds}: {', '.join(f'{t:.2f}' for t in times[small])}")
    table.check(f"index {new:,} new articles, {large:,} stored", cost[large], "s", 1.2 * cost[small],
                "<= 1.2x small", ratio=ratio(cost[large], cost[small]),
                note=f"median of {rounds}: {', '.join(f'{t:.2f}' for t in times[large])}; sizes alternating")
    table.add(f"  then the merges due, {large:,} stored (median)", merging[large], "s",
              note=f"{merging[small]:.3f} s at {small:,}; these runs', not amortised")
    table.add(f"search --reindex, nothing to do, {large:,} stored", check[large], "s",
              ratio=ratio(check[large], check[small]), note="finds missing and changed articles: compares every hash")
    started = time.perf_counter()
    rebuilt = search.reindex(stores[small])
    whole = time.perf_counter() - started
    per_article = whole / rebuilt
    table.add(f"whole rebuild, {rebuilt:,} articles (fts-style)", whole, "s", ratio=ratio(whole, cost[small]))
    table.add(f"whole rebuild extrapolated to {large:,} articles", per_article * large, "s",
              ratio=ratio(per_article * large, cost[large]), note="what every run would pay if the index were "
              "rebuilt whole; ratio to the incremental update")
    return cost[large]
