"""The postings stay in few sorted segments, merged by the runs themselves: no `--compact` needed."""

from __future__ import annotations

import atexit
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsflow import search, warehouse
from newsflow.search import SearchFilters
from newsflow.warehouse import Warehouse, search_segments
from newsflow.warehouse.search_segments import FANOUT, Segment, next_merge, tier
from tests.searchsample import Doc, empty_warehouse, store_docs, stories_on

WORDS = ["strike", "strikes", "syria", "air", "the", "haus", "und", "river", "floods", "talks", "report", "harvest"]
QUERIES = ["air", "strikes", "air strikes", '"air strikes"', "syria -river", "haus OR floods", "und haus",
           "talks the", "harvest report"]


def merged(sizes: list[int]) -> tuple[list[Segment], int]:
    """The segments after runs adding `sizes` postings each, merging as the run hook does; and postings rewritten."""
    segments: list[Segment] = []
    rewritten = 0
    for size in sizes:
        lo = segments[-1].doc_hi + 1 if segments else 1
        segments.append(Segment(lo, lo, size))
        while (due := next_merge(segments)) is not None:
            start, end = due
            joined = Segment(segments[start].doc_lo, segments[end - 1].doc_hi,
                             sum(s.postings for s in segments[start:end]))
            segments[start:end] = [joined]
            rewritten += joined.postings
    return segments, rewritten


def assert_within_tier_bound(segments: list[Segment]) -> None:
    tiers = [tier(s.postings) for s in segments]
    assert tiers == sorted(tiers, reverse=True), tiers  # older segments are never of a lower tier
    assert all(tiers.count(t) < FANOUT for t in set(tiers)), tiers  # at most FANOUT - 1 per tier


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=3_000_000), min_size=1, max_size=300))
def test_any_sequence_of_runs_stays_within_the_tier_bound(sizes: list[int]) -> None:
    segments, _ = merged(sizes)
    assert_within_tier_bound(segments)
    assert sum(s.postings for s in segments) == sum(sizes)
    assert [s.doc_lo for s in segments[1:]] == [s.doc_hi + 1 for s in segments[:-1]]  # contiguous, in order


def test_equal_runs_rewrite_each_posting_once_per_tier() -> None:
    runs = FANOUT ** 3  # runs of a tier-1 size: three tiers climbed
    size = search_segments.UNIT * FANOUT
    segments, rewritten = merged([size] * runs)
    assert len(segments) == 1 and tier(segments[0].postings) == 4
    assert rewritten == 3 * runs * size


@pytest.fixture
def small_tiers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tiers of a few postings, so that a handful of tiny runs merge as a month of real runs do; and
    merges sorted in slices of a few postings, as a large tier's are."""
    monkeypatch.setattr(search_segments, "UNIT", 2)
    monkeypatch.setattr(search_segments, "FANOUT", 2)
    monkeypatch.setattr(search_segments, "MERGE_SLICE", 7)
    yield


def postings_layout(store: Warehouse) -> tuple[list[Segment], list[tuple[int, int]]]:
    with store.reading() as con:
        segments = search_segments.read_segments(con)
        rows = con.execute("SELECT term_id, doc_id FROM search_postings ORDER BY rowid").fetchall()
    return segments, [(r[0], r[1]) for r in rows]


def run_texts(i: int) -> list[Doc]:
    """Run i's articles: a few, with words from everywhere in the list."""
    return [Doc(f"r{i:02}a{j}", WORDS[(i + j) % len(WORDS)],
                " ".join(WORDS[(i * 7 + j * 3 + k) % len(WORDS)] for k in range(3 + (i + j) % 5)),
                language=("en", "de", None)[(i + j) % 3], days_ago=1 + i % 3)
            for j in range(1 + i % 3)]


def test_after_many_runs_the_index_stays_in_few_sorted_segments(tmp_path: Path, small_tiers: None) -> None:
    merging = Warehouse(tmp_path / "merging.duckdb")
    for i in range(24):
        store_docs(merging.path, run_texts(i))
        with merging.writing() as con, warehouse.transaction(con):  # as the run's end does: one transaction
            search.update_index(con, run_id="search-test", merge=True)
    # The reference, unmerged, in one connection: the same transactions as the runs' above, without their 47
    # opens and closes (~1.5 cpu-s), which are the merging warehouse's to prove, not the reference's.
    appending = empty_warehouse(tmp_path / "appending.duckdb")
    with appending.writing() as con:
        for i in range(24):
            with warehouse.transaction(con):
                warehouse.load_articles(con, [d.article() for d in run_texts(i)], [], [])
            with warehouse.transaction(con):
                search.update_index(con, run_id="search-test", merge=False)
    segments, rows = postings_layout(merging)
    assert_within_tier_bound(segments)
    assert len(segments) <= 8  # 24 runs of ~5-30 postings: one segment per tier at most (FANOUT 2)
    assert len(postings_layout(appending)[0]) == 24  # without merging: a segment per run
    for segment in segments:  # each segment's postings are one run of rows sorted by (term_id, doc_id)
        mine = [r for r in rows if segment.doc_lo <= r[1] <= segment.doc_hi]
        assert mine == sorted(mine)
        first = rows.index(mine[0])
        assert rows[first:first + len(mine)] == mine
    assert sorted(rows) == sorted(postings_layout(appending)[1])  # no posting lost nor doubled
    with merging.reading() as merged, appending.reading() as appended:  # one connection each for the queries
        for query in QUERIES:
            assert (stories_on(merged, query, SearchFilters(), 50) == stories_on(appended, query, SearchFilters(), 50)
                    == stories_on(merged, query, SearchFilters(), 50, prune=False)), query


_TWELVE_RUNS: list[Path] = []


def twelve_runs_store(path: Path) -> Warehouse:
    """A copy, at `path`, of the warehouse that runs 0-11 leave (tiers of UNIT 2, FANOUT 2, patched by the
    caller), indexed and merged after each run. The runs are the same in every example, so they are
    made once and copied: the copy holds the same segments and postings, byte for byte."""
    if not _TWELVE_RUNS:
        folder = tempfile.mkdtemp(prefix="newsflow-twelve-runs-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        template = Path(folder) / "w.duckdb"
        for i in range(12):
            store = store_docs(template, run_texts(i))
            with store.writing() as con:
                search.update_index(con, run_id="search-test")
        _TWELVE_RUNS.append(template)
    shutil.copyfile(_TWELVE_RUNS[0], path)
    return Warehouse(path)


@settings(max_examples=6, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=len(WORDS) - 1), min_size=1, max_size=30))
def test_merging_after_a_reextract_keeps_every_result(changed: list[int]) -> None:
    """Articles indexed again (their text changed) keep their doc_id; merges still move all their postings."""
    with pytest.MonkeyPatch.context() as patch, tempfile.TemporaryDirectory() as scratch:
        patch.setattr(search_segments, "UNIT", 2)
        patch.setattr(search_segments, "FANOUT", 2)
        store, fresh = twelve_runs_store(Path(scratch) / "w.duckdb"), Warehouse(Path(scratch) / "fresh.duckdb")
        docs = [d for i in range(12) for d in run_texts(i)]
        rewritten = {docs[k % len(docs)].slug: WORDS[k] for k in changed}
        with store.writing() as con:
            for slug, word in rewritten.items():
                con.execute("UPDATE articles SET text = text || ' ' || $w, content_hash = content_hash || $w "
                            "WHERE article_id = $a", {"w": word, "a": slug})
        assert search.refresh(store) == len(rewritten)  # indexes the changed again, then merges
        final = [Doc(d.slug, d.title, d.text + (f" {rewritten[d.slug]}" if d.slug in rewritten else ""),
                     language=d.language, days_ago=d.days_ago) for d in docs]
        store_docs(fresh.path, final)
        search.refresh(fresh)
        assert_within_tier_bound(postings_layout(store)[0])
        with store.reading() as merged, fresh.reading() as rebuilt:  # one connection each for the queries
            for query in QUERIES:
                assert (stories_on(merged, query, SearchFilters(), 50)
                        == stories_on(rebuilt, query, SearchFilters(), 50)), query


def test_migration_0016_sorts_an_older_index_into_one_segment(tmp_path: Path) -> None:
    """A warehouse at migration 0014, its postings appended in article order, built in its own process."""
    path = tmp_path / "old.duckdb"
    script = f"""
import duckdb
from newsflow.warehouse import sql_root
con = duckdb.connect({str(path)!r})
con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
            "applied_at TIMESTAMPTZ NOT NULL)")
con.execute("CREATE TABLE schema_views (sha256 VARCHAR NOT NULL)")
for path in sorted((sql_root() / "migrations").glob("00[01][0-9]_*.sql")):
    if int(path.name[:4]) < 16:
        con.execute(path.read_text())
        con.execute("INSERT INTO schema_migrations VALUES (?, ?, now())", [int(path.name[:4]), path.stem])
con.execute("INSERT INTO search_postings SELECT (d * 7919) % 50, d, 1, 10 FROM range(1, 301) t(d)")
con.close()
"""
    subprocess.run([sys.executable, "-c", script], check=True)
    store = Warehouse(path)
    with store.writing():
        pass
    segments, rows = postings_layout(store)
    assert segments == [Segment(1, 300, 300)]
    assert rows == sorted(rows) and len(rows) == 300


def test_a_failed_merge_leaves_the_index_as_it_was(tmp_path: Path, small_tiers: None,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    store = Warehouse(tmp_path / "news.duckdb")
    for i in range(3):
        store_docs(store.path, run_texts(i))
        with store.writing() as con:
            search.update_index(con, run_id="search-test", merge=False)
    before = postings_layout(store)
    results = [search.search_stories(store, q, SearchFilters(), 50).rows for q in QUERIES]

    def failing(con: Any, doc_lo: int, doc_hi: int) -> Segment:
        con.execute("INSERT INTO search_postings SELECT * FROM search_postings")  # half done, then a failure
        con.execute("SELECT * FROM no_such_table")
        raise AssertionError("unreachable")

    monkeypatch.setattr(search_segments, "merge_range", failing)
    with store.writing() as con:
        assert search.merges_due(con)
    assert search.merge_after_run(store) == 0  # logged, not raised: the run's end goes on
    assert postings_layout(store) == before
    assert [search.search_stories(store, q, SearchFilters(), 50).rows for q in QUERIES] == results


def test_the_end_of_each_run_merges_the_segments_that_filled(tmp_path: Path, small_tiers: None) -> None:
    from newsflow.runner import RunSummary, end_run

    store, whole = Warehouse(tmp_path / "news.duckdb"), Warehouse(tmp_path / "whole.duckdb")
    for i in range(10):
        store_docs(store.path, run_texts(i))
        end_run(store, RunSummary("search-test"), None)
    segments, _ = postings_layout(store)
    assert_within_tier_bound(segments)
    assert len(segments) < 10
    store_docs(whole.path, [d for i in range(10) for d in run_texts(i)])
    search.refresh(whole)
    for query in QUERIES:
        assert (search.search_stories(store, query, SearchFilters(), 50).rows
                == search.search_stories(whole, query, SearchFilters(), 50).rows), query
