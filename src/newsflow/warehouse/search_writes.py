"""The search index's writes (migration 0010, warehouse/views/search.sql): which articles to index,
their texts, and the docs, terms, postings, forms and stop words written for them.

Analysis (tokens, stems, stop words) is `newsflow.search_text`'s; this module only moves plain
data in. Writes are bulk `INSERT ... SELECT`, one transaction per chunk. The large ones
(postings, forms, terms: ~700k postings for a run of 2,000 articles) read numpy columns that the
connection scans directly (`_columns`), where a Python list passed as a parameter is converted
value by value: ~1 us a value, ~3 s of a run's end for the postings (docs/performance.md, perf8).
Split from `search_index` (the queries), which re-exports these names.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from typing import Any

import duckdb

from newsflow import vectors
from newsflow.warehouse import search_segments
from newsflow.warehouse.loads import transaction


@dataclass(frozen=True)
class ArticleText:
    article_id: str
    content_hash: str
    title: str | None
    text: str
    language: str | None


@dataclass(frozen=True)
class IndexedDoc:
    article_id: str
    content_hash: str
    language: str  # the analyser's ('' when none)
    length: int
    terms: dict[str, int]
    forms: dict[str, str]


def articles_to_index(con: duckdb.DuckDBPyConnection, *, changed: bool = True) -> list[str]:
    """Articles not indexed yet and, with `changed`, those whose text changed since (reextract).

    Without `changed` the scan joins article ids only; with it, every content hash is compared too.
    """
    if not changed:
        rows = con.execute("SELECT article_id FROM articles ANTI JOIN search_docs USING (article_id) "
                           "ORDER BY article_id").fetchall()
        return [r[0] for r in rows]
    rows = con.execute("""
        SELECT a.article_id FROM articles a LEFT JOIN search_docs d USING (article_id)
        WHERE d.article_id IS NULL OR d.content_hash <> a.content_hash
        ORDER BY a.article_id""").fetchall()
    return [r[0] for r in rows]


def run_articles_to_index(con: duckdb.DuckDBPyConnection, run_id: str) -> list[str]:
    """The articles one run stored that are not indexed yet: a scan of `run_id`, then one of `search_docs`."""
    rows = con.execute("SELECT article_id FROM articles WHERE run_id = $run ORDER BY 1", {"run": run_id}).fetchall()
    stored = [r[0] for r in rows]
    if not stored:
        return []
    rows = con.execute("SELECT article_id FROM search_docs WHERE article_id IN (SELECT unnest($ids))",
                       {"ids": stored}).fetchall()
    indexed = {r[0] for r in rows}
    return [a for a in stored if a not in indexed]


def read_article_texts(con: duckdb.DuckDBPyConnection, article_ids: Sequence[str],
                       run_id: str | None = None) -> list[ArticleText]:
    """The texts of `article_ids`; with `run_id` (the run that stored them all) only that run's rows
    are read, so the scan touches the `text` of no other article."""
    where = "run_id = $run AND " if run_id is not None else ""
    params: dict[str, Any] = {"ids": list(article_ids)} | ({"run": run_id} if run_id is not None else {})
    rows = con.execute(
        "SELECT article_id, content_hash, title, text, language FROM articles "
        f"WHERE {where}article_id IN (SELECT unnest($ids)) ORDER BY article_id", params).fetchall()
    return [ArticleText(*row) for row in rows]


def write_docs(
    con: duckdb.DuckDBPyConnection, docs: Sequence[IndexedDoc], stop_words: dict[str, Iterable[str]],
    *, replacing: bool = True,
) -> None:
    """Index `docs` in one transaction, as one new segment of postings sorted by term (search_segments).

    A doc indexed before is replaced (its doc_id kept); `replacing=False` says none was (a run's
    own new articles), which spares a scan of `search_docs`. Ids are assigned here, so the rows
    are written from lists: no join with the growing tables.
    """
    if not docs:
        return
    with transaction(con):
        doc_ids = _doc_ids(con, docs, replacing)
        term_ids = _term_ids(con, docs)
        new = [doc_ids[d.article_id] for d in docs if doc_ids[d.article_id] > 0]
        con.execute("INSERT INTO search_docs SELECT unnest($ids), unnest($articles), unnest($hashes), "
                    "unnest($langs), unnest($lengths)",
                    {"ids": [abs(doc_ids[d.article_id]) for d in docs], "articles": [d.article_id for d in docs],
                     "hashes": [d.content_hash for d in docs], "langs": [d.language for d in docs],
                     "lengths": [d.length for d in docs]})
        postings = _add_postings(con, docs, doc_ids, term_ids)
        _add_forms(con, docs, term_ids)
        _add_stop_words(con, {d.language for d in docs}, stop_words)
        if new:
            search_segments.add_segment(con, min(new), max(new), postings)


def _doc_ids(con: duckdb.DuckDBPyConnection, docs: Sequence[IndexedDoc], replacing: bool) -> dict[str, int]:
    """Each doc's doc_id: a replaced doc's old one, negated (its old rows are deleted), else the next free."""
    old: dict[str, int] = {}
    if replacing:
        rows = con.execute("SELECT article_id, doc_id FROM search_docs WHERE article_id IN (SELECT unnest($ids))",
                           {"ids": [d.article_id for d in docs]}).fetchall()
        old = {r[0]: r[1] for r in rows}
    if old:
        con.execute("DELETE FROM search_postings WHERE doc_id IN (SELECT unnest($old))", {"old": list(old.values())})
        con.execute("DELETE FROM search_docs WHERE doc_id IN (SELECT unnest($old))", {"old": list(old.values())})
    row = con.execute("SELECT coalesce(max(doc_id), 0) FROM search_docs").fetchone()
    top = int(row[0]) if row else 0
    fresh = sorted(d.article_id for d in docs if d.article_id not in old)
    return {**{a: -i for a, i in old.items()}, **{a: top + n for n, a in enumerate(fresh, start=1)}}


def _term_ids(con: duckdb.DuckDBPyConnection, docs: Sequence[IndexedDoc]) -> dict[tuple[str, str], int]:
    """The term_id of every (language, term) of `docs`; the new ones are added, numbered in sorted order."""
    terms_by_language: dict[str, set[str]] = {}
    for doc in docs:  # set.update over each doc's dict: no tuple per posting
        terms_by_language.setdefault(doc.language, set()).update(doc.terms)
    pairs = {(language, term) for language, terms in terms_by_language.items() for term in terms}
    known = lookup_terms(con, pairs)
    fresh = sorted(pairs - known.keys())
    if fresh:
        top = int(con.execute("SELECT coalesce(max(term_id), 0) FROM search_terms").fetchall()[0][0])
        known.update({pair: top + n for n, pair in enumerate(fresh, start=1)})
        new_terms = {"term_id": vectors.int64_range(top + 1, top + 1 + len(fresh)),
                     "language": vectors.string_column(p[0] for p in fresh),
                     "term": vectors.string_column(p[1] for p in fresh)}
        with _columns(con, new_terms) as name:
            con.execute(f"INSERT INTO search_terms SELECT term_id, language, term FROM {name}")
    return known


def _add_postings(con: duckdb.DuckDBPyConnection, docs: Sequence[IndexedDoc], doc_ids: dict[str, int],
                  term_ids: dict[tuple[str, str], int]) -> int:
    by_language: dict[str, dict[str, int]] = {}
    for (language, term), term_id in term_ids.items():
        by_language.setdefault(language, {})[term] = term_id
    sizes = [len(doc.terms) for doc in docs]
    total = sum(sizes)
    postings = {
        "term_id": vectors.int64_column(chain.from_iterable(map(by_language.get(d.language, {}).__getitem__, d.terms)
                                                            for d in docs), total),
        "doc_id": vectors.int64_repeated([abs(doc_ids[d.article_id]) for d in docs], sizes),
        "tf": vectors.int64_column(chain.from_iterable(d.terms.values() for d in docs), total),
        "doc_length": vectors.int64_repeated([d.length for d in docs], sizes),
    }
    with _columns(con, postings) as name:
        con.execute(f"""
            INSERT INTO search_postings
            SELECT term_id, doc_id, tf::USMALLINT AS tf, doc_length FROM {name}
            ORDER BY term_id, doc_id""")
    return total


def _add_forms(con: duckdb.DuckDBPyConnection, docs: Sequence[IndexedDoc],
               term_ids: dict[tuple[str, str], int]) -> None:
    forms_by_language: dict[str, set[tuple[str, str]]] = {}
    for doc in docs:  # each distinct (form, term) once, before its term_id is looked up
        forms_by_language.setdefault(doc.language, set()).update(doc.forms.items())
    forms = sorted({(form, term_ids[(language, term)]) for language, pairs in forms_by_language.items()
                    for form, term in pairs})
    seen = {"form": vectors.string_column(f[0] for f in forms), "term_id": vectors.int64_column(f[1] for f in forms),
            "position": vectors.int64_range(0, len(forms))}
    with _columns(con, seen) as name:
        con.execute(f"""
            INSERT INTO search_forms
            SELECT n.form, n.term_id FROM {name} n
            WHERE NOT EXISTS (SELECT 1 FROM (SELECT form, term_id FROM search_forms
                                             WHERE form IN (SELECT form FROM {name})) f
                              WHERE f.form = n.form AND f.term_id = n.term_id)
            ORDER BY n.position""")


@contextmanager
def _columns(con: duckdb.DuckDBPyConnection, columns: dict[str, vectors.Array]) -> Iterator[str]:
    """`columns` (numpy arrays of one length) as a relation the connection scans, by the name yielded."""
    name = "newsflow_index_rows"
    con.register(name, columns)
    try:
        yield name
    finally:
        con.unregister(name)


def _add_stop_words(con: duckdb.DuckDBPyConnection, languages: set[str],
                    stop_words: dict[str, Iterable[str]]) -> None:
    known = {r[0] for r in con.execute("SELECT DISTINCT language FROM search_stopwords").fetchall()}
    for language in sorted(languages - known):
        words = sorted(stop_words.get(language, ()))
        if words:
            con.execute("INSERT INTO search_stopwords SELECT $lang, unnest($words)", {"lang": language, "words": words})


def lookup_terms(con: duckdb.DuckDBPyConnection, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
    wanted = sorted(set(pairs))
    rows = con.execute("""
        SELECT t.language, t.term, t.term_id FROM search_terms t
        JOIN (SELECT unnest($langs) AS language, unnest($terms) AS term) n USING (language, term)""",
        {"langs": [p[0] for p in wanted], "terms": [p[1] for p in wanted]}).fetchall()
    return {(r[0], r[1]): r[2] for r in rows}


def terms_around(con: duckdb.DuckDBPyConnection, piece: str) -> list[tuple[str, str, int]]:
    """The terms (language, term, term_id) that start or end with `piece`: for a query of one unit of an
    unspaced script, the bigrams holding it (search.ranked_inputs). A scan of the dictionary."""
    return con.execute("SELECT language, term, term_id FROM search_terms "
                       "WHERE starts_with(term, $p) OR ends_with(term, $p)", {"p": piece}).fetchall()


def terms_with_prefix(con: duckdb.DuckDBPyConnection, prefix: str, most: int) -> dict[int, list[str]]:
    """The terms (term_id) of the words the index has seen that start with `prefix`, at most `most` of them,
    each with all its forms (a stem's other words too: `run` for `running`): a query word `syria*`
    (search.ranked_inputs). Two scans of the forms (the dictionary, not the postings)."""
    rows = con.execute("SELECT term_id, list(form ORDER BY form) FROM search_forms WHERE term_id IN ("
                       "SELECT term_id FROM (SELECT DISTINCT term_id FROM search_forms WHERE starts_with(form, $p)) "
                       "ORDER BY term_id LIMIT $n) GROUP BY term_id ORDER BY term_id",
                       {"p": prefix, "n": most}).fetchall()
    return {row[0]: row[1] for row in rows}


def clear_index(con: duckdb.DuckDBPyConnection) -> None:
    with transaction(con):
        for table in ("search_postings", "search_forms", "search_terms", "search_docs", "search_stopwords",
                      "search_segments"):
            con.execute(f"DELETE FROM {table}")
