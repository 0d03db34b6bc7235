"""Indexing a batch at a time gives the very index, and the very results, of one whole build."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from newsflow import search
from newsflow.search import SearchFilters
from newsflow.warehouse import Warehouse
from tests.searchsample import Doc, store_docs, stories_on

WORDS = ["strike", "strikes", "syria", "air", "the", "haus", "häuser", "und", "river", "floods", "flooding", "talks"]
QUERIES = ["strikes", "air strikes", '"air strikes"', "syria -river", "haus OR floods", "und haus", "talks the"]

docs_strategy = st.lists(
    st.tuples(st.lists(st.sampled_from(WORDS), min_size=1, max_size=12), st.sampled_from(["en", "de", None, "xx"])),
    min_size=1, max_size=12)


def index_contents(store: Warehouse) -> set[tuple[object, ...]]:
    with store.reading() as con:
        return set(con.execute("""
            SELECT t.language, t.term, d.article_id, p.tf, d.length FROM search_postings p
            JOIN search_terms t USING (term_id) JOIN search_docs d USING (doc_id)""").fetchall())


def results(store: Warehouse) -> list[list[tuple[object, ...]]]:
    with store.reading() as con:  # one connection for the queries (tests/searchsample.stories_on)
        return [stories_on(con, q, SearchFilters(), 50) for q in QUERIES]


@settings(max_examples=8, deadline=None)
@given(docs_strategy, st.integers(min_value=1, max_value=4))
def test_incremental_index_equals_whole_rebuild(texts: list[tuple[list[str], str | None]], batches: int) -> None:
    docs = [Doc(f"a{i:03}", words[0], " ".join(words), language=lang, days_ago=1 + i % 3)
            for i, (words, lang) in enumerate(texts)]
    with tempfile.TemporaryDirectory() as scratch:
        step = Warehouse(Path(scratch) / "step.duckdb")
        size = max(1, len(docs) // batches)
        for start in range(0, len(docs), size):
            store_docs(step.path, docs[start:start + size])
            with step.writing() as con:
                search.update_index(con, chunk=2)
        whole = store_docs(Path(scratch) / "whole.duckdb", docs)
        assert search.reindex(whole) == len(docs)
        assert index_contents(step) == index_contents(whole)
        assert results(step) == results(whole)
