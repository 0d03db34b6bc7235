"""Top-k pruning for `newsflow search`: which articles can still make the best N (docs/search.md, "Speed").

Every match must contain the query's *anchor*, the rarest required word (as in `search_ranked`).
A match's BM25 score is at most its anchor word's own part plus, for every other word of the
query, the most that word adds to any article (its idf times its best posting's term weight,
counted from its postings: `search_postings.doc_length` makes that one pass, with no join).
So the anchor's postings, read alone and ranked by that bound, name the candidates: those whose
bound reaches the `m`-th best bound (`cut`). Every other article scores *below* `cut`. The caller
ranks only the candidates exactly (`search_ranked_in`), and the result is the exact one when its
last article still scores at least `cut`, or when the candidates are every anchor posting;
otherwise it widens `m`. Phrases are checked, as always, only on the articles ranked, so a
common phrase no longer reads every text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

RANKED_TYPES = {
    "terms": "STRUCT(clause INTEGER, alt INTEGER, pos INTEGER, term_id INTEGER, negated BOOLEAN)[]",
    "stops": "STRUCT(clause INTEGER, alt INTEGER, pos INTEGER, \"language\" VARCHAR)[]",
    "alts": "STRUCT(clause INTEGER, alt INTEGER, n_tokens INTEGER, pattern VARCHAR, negated BOOLEAN)[]",
}
# Same arithmetic, in the same order, as search_ranked's score, so a bound and a score compare.
_WEIGHT = "p.tf * 2.2 / (p.tf + 1.2 * (0.25 + 0.75 * p.doc_length / s.avgdl))"
CANDIDATES_SQL = f"""
WITH q AS (SELECT unnest($terms::{RANKED_TYPES['terms']}, recursive := true)),
     a AS (SELECT unnest($alts::{RANKED_TYPES['alts']}, recursive := true)),
     st AS (SELECT DISTINCT clause, alt FROM (SELECT unnest($stops::{RANKED_TYPES['stops']}, recursive := true))),
     stats AS (SELECT count(*) AS n_docs, avg(length) AS avgdl FROM search_docs),
     per_term AS (SELECT p.term_id, count(*) AS n, max(p.tf / (p.tf + 1.2 * (0.25 + 0.75 * p.doc_length / s.avgdl)))
                         AS best
                  FROM search_postings p CROSS JOIN stats s
                  WHERE p.term_id IN (SELECT term_id FROM q) GROUP BY p.term_id),
     df AS (SELECT q.clause, q.alt, q.pos, sum(t.n) AS df FROM q JOIN per_term t USING (term_id) GROUP BY ALL),
     qt AS (SELECT q.*, t.n AS term_n, ln(1 + (s.n_docs - f.df + 0.5) / (f.df + 0.5)) AS idf, t.best
            FROM q JOIN per_term t USING (term_id) JOIN df f USING (clause, alt, pos) CROSS JOIN stats s),
     word_ub AS (SELECT clause, alt, pos, max(idf * 2.2 * best) AS ub FROM qt WHERE NOT negated GROUP BY ALL),
     total AS (SELECT coalesce(sum(ub), 0) AS ub FROM word_ub),
     alt_counts AS (SELECT clause, count(*) AS n_alts FROM a GROUP BY clause),
     anchor AS (SELECT qt.clause, CASE WHEN c.n_alts = 1 THEN qt.pos END AS pos
                FROM qt JOIN alt_counts c USING (clause)
                WHERE NOT qt.negated AND qt.clause NOT IN (SELECT clause FROM st)
                GROUP BY ALL ORDER BY sum(qt.term_n), 1, 2 LIMIT 1),
     -- a required clause none of whose words occurs, nor can be stood for by a stop word: no match
     hopeless AS (SELECT a.clause FROM a WHERE NOT a.negated GROUP BY a.clause
                  HAVING NOT bool_or(EXISTS (SELECT 1 FROM qt WHERE qt.clause = a.clause AND qt.alt = a.alt)
                                     OR EXISTS (SELECT 1 FROM st WHERE st.clause = a.clause AND st.alt = a.alt))),
     rows AS MATERIALIZED (
        SELECT p.doc_id, t.idf * {_WEIGHT} + (tot.ub - w.ub) AS bound
        FROM search_postings p
        JOIN (SELECT qt.* FROM qt JOIN anchor x ON qt.clause = x.clause AND (x.pos IS NULL OR qt.pos = x.pos)) t
             USING (term_id)
        JOIN word_ub w USING (clause, alt, pos) CROSS JOIN stats s CROSS JOIN total tot),
     cut AS (SELECT min(bound) AS bound FROM (SELECT bound FROM rows ORDER BY bound DESC LIMIT $m)),
     chosen AS (SELECT DISTINCT doc_id FROM rows WHERE bound >= (SELECT bound FROM cut))
SELECT EXISTS (SELECT 1 FROM anchor) AS anchored, EXISTS (SELECT 1 FROM hopeless) AS hopeless,
       (SELECT count(*) FROM rows) AS anchor_rows, (SELECT bound FROM cut) AS cut,
       (SELECT count(*) FROM rows WHERE bound >= (SELECT bound FROM cut)) AS chosen_rows,
       -- the candidates and every copy of their stories, so a story's copies are counted whole
       (SELECT coalesce(list(d.doc_id), []) FROM search_docs d
        WHERE d.article_id IN (SELECT article_id FROM articles WHERE story_id IN (
            SELECT a.story_id FROM articles a WHERE a.article_id IN (
                SELECT article_id FROM search_docs WHERE doc_id IN (SELECT doc_id FROM chosen)))))
       AS docs
"""
RELATIVE_SLACK = 1e-9
"""A score must clear the cut by this much: bounds and scores are sums of floats added in other orders."""


@dataclass(frozen=True)
class Candidates:
    docs: list[int] | None  # None: no pruning (no anchor): rank every article
    cut: float  # every article outside `docs` scores below this
    complete: bool  # the candidates are every article holding the anchor: exact whatever the scores
    hopeless: bool  # a required word occurs nowhere: nothing matches


EVERY_ARTICLE = Candidates(None, 0.0, True, False)


def candidates(execute: Callable[[str, dict[str, Any]], Any], params: dict[str, Any], m: int) -> Candidates:
    """The articles that can be among the best `m` by the anchor's bound, with their stories' copies.

    `execute(sql, params)` runs a statement and returns its cursor.
    """
    row = execute(CANDIDATES_SQL, {k: params[k] for k in ("terms", "stops", "alts")} | {"m": m}).fetchone()
    assert row is not None
    anchored, hopeless, anchor_rows, cut, chosen_rows, docs = row
    if hopeless:
        return Candidates([], 0.0, True, True)
    if not anchored:
        return EVERY_ARTICLE
    return Candidates(list(docs), float(cut) if cut is not None else 0.0, chosen_rows >= anchor_rows, False)


def proven(found: Candidates, ranked: int, wanted: int, last_score: float | None) -> bool:
    """Whether the best `wanted` among the candidates (`ranked` of them, the last scoring
    `last_score`) are the best `wanted` of all articles."""
    if found.complete:
        return True
    if ranked < wanted or last_score is None:
        return False
    return last_score >= found.cut + RELATIVE_SLACK * abs(found.cut) + 1e-12
