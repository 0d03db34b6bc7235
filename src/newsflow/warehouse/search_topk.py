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

import math
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
     -- the query terms' postings, read once
     qp AS MATERIALIZED (SELECT term_id, doc_id, tf, doc_length FROM search_postings
                         WHERE term_id IN (SELECT term_id FROM q)),
     per_term AS (SELECT p.term_id, count(*) AS n, max(p.tf / (p.tf + 1.2 * (0.25 + 0.75 * p.doc_length / s.avgdl)))
                         AS best
                  FROM qp p CROSS JOIN stats s GROUP BY p.term_id),
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
     req AS (SELECT DISTINCT clause FROM a WHERE NOT negated AND clause NOT IN (SELECT clause FROM st)),
     -- the words a match must hold: each word of a required clause's only alternative, or one of
     -- the words of a clause of alternatives (slot -1)
     slots AS (SELECT sum(CASE WHEN c.n_alts = 1 THEN a.n_tokens ELSE 1 END) AS n
               FROM (SELECT DISTINCT clause, n_tokens FROM a WHERE clause IN (SELECT clause FROM req)) a
               JOIN alt_counts c USING (clause)),
     -- each posting's part of the score, for every query word it stands for
     parts AS MATERIALIZED (
        SELECT p.doc_id, t.clause, t.alt, t.pos, t.idf * {_WEIGHT} AS part, w.ub,
               CASE WHEN t.clause IN (SELECT clause FROM req)
                    THEN t.clause * 1000 + CASE WHEN c.n_alts = 1 THEN t.pos ELSE -1 END END AS slot
        FROM qp p JOIN qt t USING (term_id) JOIN word_ub w USING (clause, alt, pos) JOIN alt_counts c USING (clause)
        CROSS JOIN stats s
        WHERE NOT t.negated),
     -- the best $m articles by their anchor's bound, scored on their words: the $rank-th best
     -- matching the words of every required clause is the floor theta
     top_m AS (SELECT DISTINCT doc_id FROM (
                  SELECT p.doc_id FROM parts p JOIN anchor x ON p.clause = x.clause AND (x.pos IS NULL OR p.pos = x.pos)
                  ORDER BY p.part - p.ub DESC LIMIT $m)),
     word_scores AS (SELECT doc_id, sum(part) AS score FROM parts WHERE doc_id IN (SELECT doc_id FROM top_m)
                     GROUP BY doc_id
                     HAVING count(DISTINCT slot) = (SELECT n FROM slots)),
     theta AS (SELECT CASE WHEN count(*) < $rank THEN '-inf'::DOUBLE ELSE min(score) END AS t
               FROM (SELECT score FROM word_scores ORDER BY score DESC LIMIT $rank)),
     -- an article scoring theta or more has, for each word it holds, that word's part at least
     -- theta less the most every other word can add
     passing AS (SELECT p.doc_id, p.slot FROM parts p CROSS JOIN total tot CROSS JOIN theta
                 WHERE p.slot IS NOT NULL
                   AND p.part >= theta.t - (tot.ub - p.ub) - 2 * ($slack * abs(theta.t) + 1e-12)),
     chosen AS (SELECT doc_id FROM passing GROUP BY doc_id HAVING count(DISTINCT slot) = (SELECT n FROM slots))
SELECT EXISTS (SELECT 1 FROM anchor) AS anchored, EXISTS (SELECT 1 FROM hopeless) AS hopeless,
       (SELECT t FROM theta) AS cut,
       (SELECT coalesce(list({{'term_id': term_id, 'n': n}}), []) FROM per_term) AS dfs,
       (SELECT coalesce(list(doc_id), []) FROM chosen) AS docs
"""
RELATIVE_SLACK = 1e-9
"""A score must clear the cut by this much: bounds and scores are sums of floats added in other orders."""


@dataclass(frozen=True)
class Candidates:
    docs: list[int] | None  # None: no pruning (no anchor): rank every article
    cut: float  # the floor theta: every article outside `docs` scores below it (less twice the slack)
    complete: bool  # the candidates are every article that can match (no floor): exact whatever the scores
    hopeless: bool  # a required word occurs nowhere: nothing matches
    dfs: list[dict[str, int]] | None = None  # each query term's document frequency, for search_ranked_in


EVERY_ARTICLE = Candidates(None, 0.0, True, False)


def candidates(execute: Callable[[str, dict[str, Any]], Any], params: dict[str, Any], m: int, rank: int
               ) -> Candidates:
    """The articles that can score at least the floor theta.

    theta is the `rank`-th best word score among the best `m` anchor postings. `execute(sql,
    params)` runs a statement and returns its cursor.
    """
    args = {k: params[k] for k in ("terms", "stops", "alts")} | {"m": m, "rank": rank, "slack": RELATIVE_SLACK}
    row = execute(CANDIDATES_SQL, args).fetchone()
    assert row is not None
    anchored, hopeless, cut, dfs, docs = row
    if hopeless:
        return Candidates([], 0.0, True, True, dfs)
    if not anchored:
        return EVERY_ARTICLE
    floor = float(cut) if cut is not None else -math.inf
    return Candidates(list(docs), floor, floor == -math.inf, False, dfs)


def proven(found: Candidates, ranked: int, wanted: int, last_score: float | None) -> bool:
    """Whether the best `wanted` among the candidates (`ranked` of them, the last scoring
    `last_score`) are the best `wanted` of all articles: every other article scores below
    the floor less twice the slack."""
    if found.complete:
        return True
    if ranked < wanted or last_score is None:
        return False
    return last_score >= found.cut - (RELATIVE_SLACK * abs(found.cut) + 1e-12)


def anchor_bound(execute: Callable[[str, dict[str, Any]], Any], params: dict[str, Any]) -> int | None:
    """The anchor's postings at most: the fewest postings of a required word (of a clause with one
    alternative) or clause of alternatives that no stop word satisfies, as CANDIDATES_SQL chooses
    its anchor. None: there is none.

    When it is at most the postings pruning would take anyway, pruning cannot leave any anchor
    article out, and ranking every match (which reads only the anchor's articles) is cheaper.
    """
    stopped = {s["clause"] for s in params["stops"]}
    alts: dict[int, int] = {}
    for alt in params["alts"]:
        alts[alt["clause"]] = alts.get(alt["clause"], 0) + 1
    groups: dict[tuple[int, int], list[int]] = {}
    for term in params["terms"]:
        if not term["negated"] and term["clause"] not in stopped:
            key = (term["clause"], term["pos"] if alts.get(term["clause"]) == 1 else -1)
            groups.setdefault(key, []).append(term["term_id"])
    if not groups:
        return None
    ids = sorted({t for terms in groups.values() for t in terms})
    rows = execute("SELECT term_id, count(*) FROM search_postings WHERE term_id IN (SELECT unnest($ids)) "
                   "GROUP BY term_id", {"ids": ids}).fetchall()
    df: dict[int, int] = {int(r[0]): int(r[1]) for r in rows}
    return min(sum(df.get(t, 0) for t in terms) for terms in groups.values())
