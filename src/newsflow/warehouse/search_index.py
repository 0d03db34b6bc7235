"""The search index's SQL (migration 0010, warehouse/views/search.sql): write it, look terms up, rank.

Analysis (tokens, stems, stop words) is `newsflow.search_text`'s; this module only moves plain
data in and out. Writes are bulk `INSERT ... SELECT`, one transaction per chunk. The large ones
(postings, forms, terms: ~700k postings for a run of 2,000 articles) read numpy columns that the
connection scans directly (`_columns`), where a Python list passed as a parameter is converted
value by value: ~1 us a value, ~3 s of a run's end for the postings (docs/performance.md, perf8).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from itertools import chain
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt

from newsflow.errors import InputError, WarehouseError
from newsflow.warehouse import search_segments, search_topk
from newsflow.warehouse.loads import transaction
from newsflow.warehouse.reads import QueryResult


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


def unindexed_count(con: duckdb.DuckDBPyConnection) -> int:
    """Stored articles minus indexed ones: two counts DuckDB answers from metadata."""
    row = _execute(con, "SELECT (SELECT count(*) FROM articles) - (SELECT count(*) FROM search_docs)").fetchone()
    return int(row[0]) if row else 0


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
        new_terms = {"term_id": np.arange(top + 1, top + 1 + len(fresh), dtype=np.int64),
                     "language": _strings(p[0] for p in fresh), "term": _strings(p[1] for p in fresh)}
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
        "term_id": np.fromiter(chain.from_iterable(map(by_language.get(d.language, {}).__getitem__, d.terms)
                                                   for d in docs), dtype=np.int64, count=total),
        "doc_id": np.repeat(np.array([abs(doc_ids[d.article_id]) for d in docs], dtype=np.int64), sizes),
        "tf": np.fromiter(chain.from_iterable(d.terms.values() for d in docs), dtype=np.int64, count=total),
        "doc_length": np.repeat(np.array([d.length for d in docs], dtype=np.int64), sizes),
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
    seen = {"form": _strings(f[0] for f in forms), "term_id": np.array([f[1] for f in forms], dtype=np.int64),
            "position": np.arange(len(forms), dtype=np.int64)}
    with _columns(con, seen) as name:
        con.execute(f"""
            INSERT INTO search_forms
            SELECT n.form, n.term_id FROM {name} n
            WHERE NOT EXISTS (SELECT 1 FROM (SELECT form, term_id FROM search_forms
                                             WHERE form IN (SELECT form FROM {name})) f
                              WHERE f.form = n.form AND f.term_id = n.term_id)
            ORDER BY n.position""")


@contextmanager
def _columns(con: duckdb.DuckDBPyConnection, columns: dict[str, npt.NDArray[Any]]) -> Iterator[str]:
    """`columns` (numpy arrays of one length) as a relation the connection scans, by the name yielded."""
    name = "newsflow_index_rows"
    con.register(name, columns)
    try:
        yield name
    finally:
        con.unregister(name)


def _strings(values: Iterable[str]) -> npt.NDArray[np.object_]:
    """Python strings as a numpy column DuckDB reads as VARCHAR."""
    listed = list(values)
    column = np.empty(len(listed), dtype=object)
    column[:] = listed
    return column


def _add_stop_words(con: duckdb.DuckDBPyConnection, languages: set[str],
                    stop_words: dict[str, Iterable[str]]) -> None:
    known = {r[0] for r in con.execute("SELECT DISTINCT language FROM search_stopwords").fetchall()}
    for language in sorted(languages - known):
        words = sorted(stop_words.get(language, ()))
        if words:
            con.execute("INSERT INTO search_stopwords SELECT $lang, unnest($words)", {"lang": language, "words": words})


def indexed_languages(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in _execute(con, "SELECT DISTINCT language FROM search_docs ORDER BY 1").fetchall()]


def lookup_terms(con: duckdb.DuckDBPyConnection, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
    wanted = sorted(set(pairs))
    rows = con.execute("""
        SELECT t.language, t.term, t.term_id FROM search_terms t
        JOIN (SELECT unnest($langs) AS language, unnest($terms) AS term) n USING (language, term)""",
        {"langs": [p[0] for p in wanted], "terms": [p[1] for p in wanted]}).fetchall()
    return {(r[0], r[1]): r[2] for r in rows}


def clear_index(con: duckdb.DuckDBPyConnection) -> None:
    with transaction(con):
        for table in ("search_postings", "search_forms", "search_terms", "search_docs", "search_stopwords",
                      "search_segments"):
            con.execute(f"DELETE FROM {table}")


# --- queries ------------------------------------------------------------------------------

RANKED_TYPES = search_topk.RANKED_TYPES
# The stories view's site (host less "www."), without a regex per matching article.
_HOST = "lower(split_part(split_part(split_part(split_part(a.canonical_url, '/', 3), ':', 1), '?', 1), '#', 1))"
_SITE = f"CASE WHEN starts_with({_HOST}, 'www.') THEN {_HOST}[5:] ELSE {_HOST} END"
_MATCHES = f"""
    SELECT a.article_id, a.story_id, a.title, a.feed_id, {_SITE} AS site, r.score,
           coalesce(a.published_at, a.fetched_at) AS appeared_at
    FROM search_ranked($terms::{RANKED_TYPES['terms']}, $stops::{RANKED_TYPES['stops']},
                       $alts::{RANKED_TYPES['alts']}) r
    JOIN articles a USING (article_id)
    WHERE ($since IS NULL OR coalesce(a.published_at, a.fetched_at) >= $since::DATE)
      AND ($until IS NULL OR coalesce(a.published_at, a.fetched_at) < $until::DATE + 1)
      AND ($feed IS NULL OR a.feed_id = $feed)
      AND ($language IS NULL OR lower(split_part(replace(coalesce(a.language, ''), '_', '-'), '-', 1)) = $language)
"""
_RANKED = f"""search_ranked($terms::{RANKED_TYPES['terms']}, $stops::{RANKED_TYPES['stops']},
                             $alts::{RANKED_TYPES['alts']})"""
_FILTERS = """($since IS NULL OR coalesce(a.published_at, a.fetched_at) >= $since::DATE)
      AND ($until IS NULL OR coalesce(a.published_at, a.fetched_at) < $until::DATE + 1)
      AND ($feed IS NULL OR a.feed_id = $feed)
      AND ($language IS NULL OR lower(split_part(replace(coalesce(a.language, ''), '_', '-'), '-', 1)) = $language)"""
# Top stories without joining every match with `articles`: the best `$depth` matching articles
# name the candidate stories, and only those stories' copies are read. Exact whenever those
# articles hold `$limit` stories or all the matches (ranked_stories checks, and widens). Only the
# articles `$docs` are ranked (search_topk's candidates; NULL: all), so it also returns the last
# top article's score, which ranked_stories compares with the candidates' cut.
_RANKED_IN = f"""search_ranked_in($terms::{RANKED_TYPES['terms']}, $stops::{RANKED_TYPES['stops']},
                                 $alts::{RANKED_TYPES['alts']}, {{docs}}, $dfs::STRUCT(term_id INTEGER, n BIGINT)[])"""


def _filtered(ranked: str) -> str:
    return f"""(SELECT r.* FROM {ranked} r WHERE NOT $filtered
      UNION ALL
      SELECT r.* FROM {ranked} r
      SEMI JOIN (SELECT article_id FROM articles a WHERE $filtered AND {_FILTERS}) f USING (article_id))"""


# The copies of the top stories that were not ranked (not candidates): ranked_stories ranks them
# too, so that a story's copies are counted whole (with every article ranked there are none).
_COPIES = """(SELECT coalesce(list(d.doc_id), [])::INTEGER[] FROM articles a JOIN search_docs d USING (article_id)
               WHERE $docs::INTEGER[] IS NOT NULL AND a.story_id IN (SELECT story_id FROM top_stories)
                 AND d.doc_id NOT IN (SELECT unnest($docs::INTEGER[])))"""
STORIES_SQL = f"""
WITH ranked AS (SELECT * FROM {_RANKED_IN.format(docs="$docs::INTEGER[]")}),
e0 AS {_filtered("ranked")},
top_articles AS (SELECT article_id, score FROM e0 ORDER BY score DESC, article_id LIMIT $depth),
top_stories AS (SELECT a.story_id, max(t.score) AS score FROM top_articles t JOIN articles a USING (article_id)
                GROUP BY a.story_id ORDER BY score DESC, a.story_id LIMIT $limit),
e AS (SELECT * FROM e0),
m AS (SELECT a.article_id, a.story_id, a.title, {_SITE} AS site, e.score,
             coalesce(a.published_at, a.fetched_at) AS appeared_at
      FROM articles a JOIN e USING (article_id)
      WHERE a.story_id IN (SELECT story_id FROM top_stories))
SELECT story_id, arg_max(title, score) AS title, count(DISTINCT site) AS outlets, count(*) AS articles,
       arg_min(site, (appeared_at, article_id)) AS first_outlet, min(appeared_at) AS first_seen,
       round(max(score), 3) AS score,
       (SELECT count(*) FROM top_articles) AS considered, (SELECT count(*) FROM top_stories) AS found,
       (SELECT min(score) FROM top_articles) AS last_score, {_COPIES} AS unranked
FROM m GROUP BY story_id
ORDER BY score DESC, outlets DESC, story_id
"""
_MATCHES = f"""
    SELECT a.article_id, a.story_id, a.title, a.feed_id, {_SITE} AS site, r.score,
           coalesce(a.published_at, a.fetched_at) AS appeared_at
    FROM {_RANKED} r
    JOIN articles a USING (article_id)
    WHERE {_FILTERS}
"""
_PERIOD = {"day": "day", "week": "week"}


def search_params(inputs: dict[str, list[dict[str, Any]]], since: date | None, until: date | None,
                  feed: str | None, language: str | None) -> dict[str, Any]:
    return {**inputs, "since": since, "until": until, "feed": feed, "language": language}


STORY_DEPTH = 50
"""Matching articles read per story asked for, before widening (syndication: copies per story)."""


PRUNE_WIDTH = 4
"""Anchor postings kept per top article wanted, before widening (search_topk)."""


def ranked_stories(con: duckdb.DuckDBPyConnection, params: dict[str, Any], limit: int, *,
                   prune: bool = True) -> QueryResult:
    """The `limit` best stories; widens the candidates until they hold `limit` stories or every match.

    Only the articles that can still be among the best (`search_topk.candidates`) are ranked; when
    the best of them cannot be proven the best of all, the candidates widen 8x. `prune=False`
    ranks every match (the exact reference the tests and bench/search.py compare with).
    """
    filtered = any(params[k] is not None for k in ("since", "until", "feed", "language"))
    depth = max(limit, 1) * STORY_DEPTH
    width, rank = depth * PRUNE_WIDTH, depth
    if prune:  # a rare anchor: its articles are fewer than pruning would take; rank them all
        bound = search_topk.anchor_bound(lambda sql, args: _execute(con, sql, args), params)
        # a phrase or an exclusion can leave candidates out and widen them 8x: within that, rank all
        narrowing = any(a["pattern"] is not None or a["negated"] for a in params["alts"])
        prune = bound is None or bound > width * (8 if narrowing else 1)
    while True:
        found = search_topk.candidates(lambda sql, args: _execute(con, sql, args), params, width, rank) \
            if prune else search_topk.EVERY_ARTICLE
        result = _run(con, STORIES_SQL, {**params, "limit": limit, "depth": depth, "filtered": filtered,
                                          "docs": found.docs, "dfs": found.dfs})
        considered, stories, last, unranked = result.rows[0][-4:] if result.rows else (0, 0, None, [])
        if not search_topk.proven(found, considered, depth, last):
            width, rank = width * 8, rank * 8
            continue
        if unranked and not found.complete:  # the top stories' other copies: below the top, they change only counts
            found = dataclasses.replace(found, docs=[*(found.docs or []), *unranked])
            result = _run(con, STORIES_SQL, {**params, "limit": limit, "depth": depth, "filtered": filtered,
                                              "docs": found.docs, "dfs": found.dfs})
        if stories >= limit or considered < depth:
            return QueryResult(result.columns[:-4], [row[:-4] for row in result.rows])
        depth *= 10
        width, rank = max(width, depth * PRUNE_WIDTH), max(rank, depth)


def attention_sql(by: str) -> str:
    if by == "source":
        return f"""
WITH m AS ({_MATCHES})
SELECT site AS source, count(DISTINCT story_id) AS stories, count(*) AS articles
FROM m GROUP BY site ORDER BY stories DESC, articles DESC, source"""
    unit = _PERIOD[by]
    return f"""
WITH m AS ({_MATCHES}),
firsts AS (SELECT story_id, min(appeared_at) AS first_at FROM m GROUP BY story_id),
bounds AS (SELECT date_trunc('{unit}', coalesce($since::DATE, min(appeared_at)::DATE)) AS lo,
                  date_trunc('{unit}', coalesce($until::DATE, max(appeared_at)::DATE)) AS hi FROM m),
periods AS (SELECT unnest(generate_series(lo, hi, INTERVAL 1 {unit}))::DATE AS period FROM bounds
            WHERE lo IS NOT NULL AND CASE WHEN date_diff('{unit}', lo, hi) >= $max_periods
                THEN error('{_TOO_MANY}--by {by} would list ' || (date_diff('{unit}', lo, hi) + 1) || ' periods, '
                           || lo::DATE || ' to ' || hi::DATE || ' (at most ' || $max_periods
                           || '); narrow them with --since and --until{' or use --by week' if by == 'day' else ''}')
                ELSE true END),
story_counts AS (SELECT date_trunc('{unit}', first_at)::DATE AS period, count(*) AS n FROM firsts GROUP BY 1),
article_counts AS (SELECT date_trunc('{unit}', appeared_at)::DATE AS period, count(*) AS n FROM m GROUP BY 1)
SELECT p.period, coalesce(s.n, 0) AS stories, coalesce(c.n, 0) AS articles
FROM periods p LEFT JOIN story_counts s USING (period) LEFT JOIN article_counts c USING (period)
ORDER BY p.period"""


MAX_PERIODS = 100_000
"""--by day|week lists at most this many periods (274 years of days): dates far apart, given or
stored (a feed that dates an article in the year 1), would otherwise print millions of zeros."""
_TOO_MANY = "newsflow: too many periods: "


def attention(con: duckdb.DuckDBPyConnection, params: dict[str, Any], by: str) -> QueryResult:
    try:
        return _run(con, attention_sql(by), {**params, "max_periods": MAX_PERIODS} if by != "source" else params)
    except WarehouseError as exc:
        if _TOO_MANY not in str(exc):
            raise
        raise InputError(str(exc).split(_TOO_MANY, 1)[1]) from exc


def feed_stored(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the warehouse knows the feed `name` (its `feeds` row, or an article of it)."""
    row = _execute(con, "SELECT EXISTS (SELECT 1 FROM feeds WHERE feed_id = $f) "
                        "OR EXISTS (SELECT 1 FROM articles WHERE feed_id = $f)", {"f": name}).fetchone()
    return bool(row and row[0])


def stored_languages(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """The language codes (primary subtags, as --language compares them) of stored articles, commonest first."""
    rows = _execute(con, "SELECT lower(split_part(replace(language, '_', '-'), '-', 1)) AS code, count(*) "
                         "FROM articles WHERE coalesce(language, '') <> '' GROUP BY code ORDER BY 2 DESC, 1",
                    {}).fetchall()
    return [(str(code), int(n)) for code, n in rows]


def _run(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> QueryResult:
    con.execute("SET TimeZone = 'UTC'")
    cursor = _execute(con, sql, params)
    return QueryResult([d[0] for d in cursor.description or []], cursor.fetchall())


NO_INDEX = ("this warehouse has no search index yet (it predates migration 0010); "
            "run `newsflow search --reindex` or `newsflow run` to create it")


def _execute(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None
             ) -> duckdb.DuckDBPyConnection:
    """Run a search statement; a warehouse without the index, or a failing query, is one clear error."""
    try:
        return con.execute(sql, params) if params is not None else con.execute(sql)
    except duckdb.CatalogException as exc:
        if "search_" in str(exc):
            raise WarehouseError(NO_INDEX) from exc
        raise WarehouseError(f"search failed: {exc}") from exc
    except duckdb.Error as exc:
        raise WarehouseError(f"search failed: {exc}") from exc
