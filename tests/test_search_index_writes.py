"""The search index's bulk writes (warehouse/search_index.py): exactly the docs' rows, in term order,
and the large columns handed to DuckDB as numpy columns it scans, not as Python lists it converts
value by value (docs/performance.md, perf8: 2.75 -> 0.96 s of CPU for a 2,000-article run's end)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from newsflow.warehouse import Warehouse, search_index
from newsflow.warehouse.search_writes import IndexedDoc

STOPS = {"en": ["the"], "de": ["und"]}
WORDS = ["strike", "strikes", "syria", "haus", "häuser", "river", "floods", "talks", "东京", "e\u0301"]


def doc(article_id: str, language: str, words: list[str]) -> IndexedDoc:
    forms = {word: word.rstrip("s") for word in words}
    terms: dict[str, int] = {}
    for word in words:
        terms[forms[word]] = terms.get(forms[word], 0) + 1
    return IndexedDoc(article_id, f"hash-{article_id}", language, sum(terms.values()), terms, forms)


def written(path: Path, *batches: list[IndexedDoc]) -> dict[str, list[tuple[Any, ...]]]:
    store = Warehouse(path)
    with store.writing() as con:
        for docs in batches:
            search_index.write_docs(con, docs, STOPS, replacing=False)
        return {table: con.execute(f"SELECT * FROM {table}").fetchall()  # physical order, no ORDER BY
                for table in ("search_docs", "search_terms", "search_forms", "search_postings")}


def expected_postings(batches: tuple[list[IndexedDoc], ...], tables: dict[str, list[tuple[Any, ...]]]
                      ) -> set[tuple[Any, ...]]:
    doc_ids = {row[1]: row[0] for row in tables["search_docs"]}
    term_ids = {(row[1], row[2]): row[0] for row in tables["search_terms"]}
    return {(term_ids[(d.language, term)], doc_ids[d.article_id], tf, d.length)
            for docs in batches for d in docs for term, tf in d.terms.items()}


batches_strategy = st.lists(
    st.lists(st.tuples(st.sampled_from(["en", "de", ""]), st.lists(st.sampled_from(WORDS), max_size=8)), max_size=5),
    min_size=1, max_size=3)


@settings(max_examples=15, deadline=None)
@given(batches_strategy)
def test_index_writes_hold_exactly_the_docs_rows(tmp_path_factory: Any, drawn: list[list[tuple[str, list[str]]]]
                                                 ) -> None:
    batches = tuple([doc(f"b{b}d{i}", lang, words) for i, (lang, words) in enumerate(docs)]
                    for b, docs in enumerate(drawn))
    tables = written(tmp_path_factory.mktemp("idx") / "w.duckdb", *batches)
    assert set(tables["search_postings"]) == expected_postings(batches, tables)
    assert len(tables["search_postings"]) == len(expected_postings(batches, tables))
    forms = {(form, next(r[0] for r in tables["search_terms"] if (r[1], r[2]) == (d.language, term)))
             for docs in batches for d in docs for form, term in d.forms.items()}
    assert sorted(tables["search_forms"]) == sorted(forms)  # each (form, term) once, across batches
    terms = [(r[1], r[2]) for r in tables["search_terms"]]
    assert sorted(terms) == sorted({(d.language, t) for docs in batches for d in docs for t in d.terms})
    start = 0
    for docs in batches:  # each batch's new terms numbered in sorted order, after the earlier ones
        new = sorted({(d.language, t) for d in docs for t in d.terms} - set(terms[:start]))
        assert terms[start:start + len(new)] == new
        assert [r[0] for r in tables["search_terms"][start:start + len(new)]] == list(range(start + 1,
                                                                                           start + 1 + len(new)))
        start += len(new)


def test_each_batch_of_postings_is_written_in_term_order(tmp_path: Path) -> None:
    first = [doc("a1", "en", ["syria", "strikes", "river"]), doc("a2", "de", ["haus", "häuser"]),
             doc("a3", "en", [])]
    second = [doc("a4", "en", ["floods", "strike", "talks"])]
    postings = written(tmp_path / "w.duckdb", first, second)["search_postings"]
    sizes = [sum(len(d.terms) for d in batch) for batch in (first, second)]
    segments = [postings[:sizes[0]], postings[sizes[0]:]]
    assert all(segment == sorted(segment) for segment in segments)


class _Recording:
    """A connection that remembers the longest list passed to DuckDB as a parameter."""

    def __init__(self, con: Any) -> None:
        self.con, self.longest = con, 0

    def execute(self, sql: str, parameters: Any = None) -> Any:
        for value in (parameters or {}).values():
            if isinstance(value, list):
                self.longest = max(self.longest, len(value))
        return self.con.execute(sql, parameters) if parameters is not None else self.con.execute(sql)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.con, name)


def test_postings_reach_duckdb_as_scanned_columns_not_python_lists(tmp_path: Path) -> None:
    words = [f"word{n}" for n in range(300)]
    docs = [doc(f"a{i}", "en", words[i:] + words[:i]) for i in range(10)]  # 3,000 postings, 300 terms
    with Warehouse(tmp_path / "w.duckdb").writing() as con:
        recording = _Recording(con)
        search_index.write_docs(recording, docs, STOPS, replacing=False)  # type: ignore[arg-type]
        assert con.execute("SELECT count(*) FROM search_postings").fetchall() == [(3000,)]
    # only the doc rows (10) and the term lookup (300 pairs) go as lists; 3,000 postings did before
    assert recording.longest <= 300
