"""Top-k pruning ranks only the articles that can be among the best, and returns the exact result."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsflow import cli, search
from newsflow.search import SearchFilters
from newsflow.search_query import parse_query
from newsflow.warehouse import Warehouse, search_index, search_topk
from tests.conftest import write_config
from tests.searchsample import Doc, examples, store_docs

WORDS = ["strike", "strikes", "syria", "air", "the", "haus", "und", "river", "floods", "talks", "talks", "air"]
QUERIES = ["air", "strikes", "air strikes", '"air strikes"', "syria -river", "haus OR floods", "und haus",
           "talks the", "air OR talks", '"the air"', "air -talks", "nowhere", "air nowhere"]

docs_strategy = st.lists(
    st.tuples(st.lists(st.sampled_from(WORDS), min_size=1, max_size=14), st.sampled_from(["en", "de", None]),
              st.integers(min_value=0, max_value=3)),
    min_size=1, max_size=16)


@pytest.fixture
def narrow(monkeypatch: pytest.MonkeyPatch) -> None:
    """One candidate article per story asked for, so that small indexes prune and widen too."""
    monkeypatch.setattr(search_index, "STORY_DEPTH", 1)
    monkeypatch.setattr(search_index, "PRUNE_WIDTH", 1)


NO_FILTERS = SearchFilters()


def both(store: Warehouse, query: str, limit: int, filters: SearchFilters = NO_FILTERS
         ) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with store.reading() as con:
        return both_on(con, query, limit, filters)


def both_on(con: Any, query: str, limit: int, filters: SearchFilters = NO_FILTERS
            ) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """The pruned and the exact ranking, each as `search.search_stories` makes it (its query's
    inputs, then `ranked_stories`), on one connection and from one set of parameters: a search's
    CPU is its statements and its connection's open (ci19), and the property test makes 28 an
    example (ci20: ~30% less CPU than a `search_stories` call, and its connection, for each)."""
    params = search_index.search_params(search.ranked_inputs(con, parse_query(query)), **vars(filters))
    return (search_index.ranked_stories(con, params, limit).rows,
            search_index.ranked_stories(con, params, limit, prune=False).rows)


# CI's 6 derandomized examples reach every line and branch of search_topk.py and search_index.py that 12 reach
# (4 do too; coverage, ci42b): each costs a warehouse and 28 rankings, ~1.9 cpu-s.
@settings(max_examples=examples(local=12, ci=6), deadline=None)
@given(docs_strategy, st.integers(min_value=1, max_value=4))
def test_pruned_search_returns_the_exact_ranking(texts: list[tuple[list[str], str | None, int]], limit: int) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search_index, "STORY_DEPTH", 1)
        patch.setattr(search_index, "PRUNE_WIDTH", 1)
        docs = [Doc(f"a{i:03}", words[0], " ".join(words), language=lang, days_ago=1 + i % 3,
                    story=f"a{story:03}" if story < i else None, site=f"s{i % 3}.example")
                for i, (words, lang, story) in enumerate(texts)]
        with tempfile.TemporaryDirectory() as scratch:
            store = store_docs(Path(scratch) / "w.duckdb", docs)
            search.refresh(store)
            with store.reading() as con:
                for query in QUERIES:
                    pruned, exact = both_on(con, query, limit)
                    assert pruned == exact, query
                pruned, exact = both_on(con, "air", limit, SearchFilters(language="de"))
                assert pruned == exact


def test_candidates_widen_when_their_last_ranked_scores_below_the_cut(tmp_path: Path, narrow: None) -> None:
    """The best candidate in German (the filter) scores below the cut that English a000 set: another
    German article left out could score between them, so the candidates widen (`proven` compares the
    last ranked score with the cut; the property's examples never reach this, a review of ci42b found)."""
    counts = [(4, 0, 0, "en"), (1, 4, 0, "en"), (1, 2, 5, "de"), (1, 4, 2, "de"), (2, 3, 1, "de"), (1, 3, 2, "en")]
    store = store_docs(tmp_path / "w.duckdb", [
        Doc(f"a{i:03}", "t", " ".join(["air"] * air + ["strikes"] * strikes + ["the"] * the), language=lang)
        for i, (air, strikes, the, lang) in enumerate(counts)])
    search.refresh(store)
    widths: list[int] = []
    real = search_topk.candidates

    def counted(execute: Any, params: dict[str, Any], m: int, rank: int) -> search_topk.Candidates:
        widths.append(m)
        return real(execute, params, m, rank)

    with store.reading() as con:
        params = search_index.search_params(search.ranked_inputs(con, parse_query("air strikes")),
                                            None, None, None, "de")
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(search_topk, "candidates", counted)
            pruned = search_index.ranked_stories(con, params, 1).rows
        assert pruned == search_index.ranked_stories(con, params, 1, prune=False).rows
    assert widths == [1, 8]


def common_word_store(path: Path) -> Warehouse:
    """40 articles with `air`, from once to many times, and of different lengths."""
    docs = [Doc(f"a{i:03}", "news", " ".join(["air"] * (1 + i % 7) + ["talks"] * (i % 11)))
            for i in range(40)]
    store = store_docs(path, docs)
    search.refresh(store)
    return store


def test_a_common_word_ranks_only_its_best_postings(tmp_path: Path, narrow: None) -> None:
    store = common_word_store(tmp_path / "w.duckdb")
    with store.reading() as con:
        params = search_index.search_params(search.ranked_inputs(con, parse_query("air")), None, None, None, None)
        found = search_topk.candidates(lambda sql, args: con.execute(sql, args), params, 3, 3)
    assert found.docs is not None and 3 <= len(found.docs) < 40
    assert not found.complete
    pruned, exact = both(store, "air", 3)
    assert pruned == exact and len(pruned) == 3


def test_candidates_bound_every_article_left_out(tmp_path: Path) -> None:
    store = common_word_store(tmp_path / "w.duckdb")
    with store.reading() as con:
        params = search_index.search_params(search.ranked_inputs(con, parse_query("air talks")),
                                            None, None, None, None)
        found = search_topk.candidates(lambda sql, args: con.execute(sql, args), params, 5, 5)
        scores = dict(con.execute("""
            SELECT d.doc_id, r.score FROM search_ranked($terms::{t}, $stops::{s}, $alts::{a}) r
            JOIN search_docs d USING (article_id)""".format(**{k[0]: v for k, v in search_topk.RANKED_TYPES.items()}),
            {k: params[k] for k in ("terms", "stops", "alts")}).fetchall())
    assert found.docs is not None
    left_out = [score for doc, score in scores.items() if doc not in found.docs]
    assert left_out and max(left_out) < found.cut


def test_a_word_found_nowhere_matches_nothing_without_widening(tmp_path: Path, narrow: None) -> None:
    store = common_word_store(tmp_path / "w.duckdb")
    with store.reading() as con:
        params = search_index.search_params(search.ranked_inputs(con, parse_query("air nowhere")),
                                            None, None, None, None)
        found = search_topk.candidates(lambda sql, args: con.execute(sql, args), params, 3, 3)
    assert found.hopeless and found.docs == []
    assert search.search_stories(store, "air nowhere", SearchFilters(), 3).rows == []


def test_compact_sorts_the_postings_by_term_and_keeps_every_result(tmp_path: Path) -> None:
    store = common_word_store(tmp_path / "warehouse" / "news.duckdb")
    before = [search.search_stories(store, q, SearchFilters(), 5).rows for q in QUERIES]
    config = write_config(tmp_path, "http://127.0.0.1:9", {"planet": "/feed.xml"})
    assert cli.main(["search", "--compact", "--config", str(config)]) == 0
    with store.reading() as con:
        order = [r[0:2] for r in con.execute("SELECT term_id, doc_id FROM search_postings ORDER BY rowid").fetchall()]
    assert order == sorted(order) and len(order) > 40
    with store.reading() as con:
        assert con.execute("SELECT count(*), min(doc_lo), max(doc_hi) FROM search_segments").fetchone() == (1, 1, 40)
    assert [search.search_stories(store, q, SearchFilters(), 5).rows for q in QUERIES] == before
    store_docs(store.path, [Doc("late", "syria", "syria air")])  # a later run appends a segment
    search.refresh(store)
    assert [row[0] for row in search.search_stories(store, "syria", SearchFilters(), 5).rows] == ["late"]
    assert "late" in [row[0] for row in search.search_stories(store, "air", SearchFilters(), 50).rows]


def test_a_rare_anchor_ranks_every_match_without_choosing_candidates(tmp_path: Path, narrow: None,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    store = common_word_store(tmp_path / "w.duckdb")
    store_docs(store.path, [Doc("rare", "syria", "syria air talks"), Doc("rare2", "news", "syria and air")])
    search.refresh(store)
    chosen: list[int] = []
    original = search_topk.candidates

    def counting(*args: Any) -> search_topk.Candidates:
        chosen.append(1)
        return original(*args)

    monkeypatch.setattr(search_topk, "candidates", counting)
    for query in ("syria air", '"syria air"', "syria -talks"):  # anchor `syria`: 2 postings, within the width
        pruned, exact = both(store, query, 2)
        assert pruned == exact and pruned, query
    assert chosen == []
    pruned, exact = both(store, "air", 2)  # anchor `air`: 42 postings, over the width of 2
    assert pruned == exact and chosen
