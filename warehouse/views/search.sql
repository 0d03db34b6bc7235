-- search_ranked: the BM25 ranking behind `newsflow search` (docs/search.md), over the tables of
-- migration 0010. Its arguments are the analysed query, as `newsflow search --show-sql` prints it:
--   terms  STRUCT(clause, alt, pos, term_id, negated)[]  every term a query word may stand for
--                                                        (one per language it occurs in)
--   stops  STRUCT(clause, alt, pos, language)[]          query words that are stop words in a language:
--                                                        satisfied by any article in that language
--   alts   STRUCT(clause, alt, n_tokens, pattern, negated)[]  each word or phrase; pattern is the
--                                                        regex a phrase must match in lower(title || text)
-- An article matches when, for every clause that is not negated, one of its alternatives has all
-- its words (and its phrase pattern), and no negated alternative does. Score: BM25 (k1 1.2,
-- b 0.75) summed over the matched terms, with N and df counted from the index; a word's df
-- counts its articles in every language.
CREATE OR REPLACE MACRO search_ranked(terms, stops, alts) AS TABLE
WITH q AS (SELECT unnest(terms, recursive := true)),
     a AS (SELECT unnest(alts, recursive := true)),
     st AS (SELECT clause, alt, "language", count(*) AS n
            FROM (SELECT unnest(stops, recursive := true)) GROUP BY ALL),
     stats AS (SELECT count(*) AS n_docs, avg(length) AS avgdl FROM search_docs),
     hits AS (SELECT doc_id, term_id, tf FROM search_postings WHERE term_id IN (SELECT term_id FROM q)),
     df AS (SELECT q.clause, q.alt, q.pos, count(DISTINCT h.doc_id) AS df
            FROM hits h JOIN q USING (term_id) GROUP BY ALL),
     doc_alt AS (SELECT h.doc_id, q.clause, q.alt, count(DISTINCT q.pos) AS matched
                 FROM hits h JOIN q USING (term_id) GROUP BY ALL),
     alt_ok AS (SELECT da.doc_id, da.clause, da.alt, a.negated, a.pattern, d.article_id, d.length, d."language"
                FROM doc_alt da JOIN search_docs d USING (doc_id) JOIN a USING (clause, alt)
                LEFT JOIN st ON st.clause = da.clause AND st.alt = da.alt AND st."language" = d."language"
                WHERE da.matched + coalesce(st.n, 0) = a.n_tokens),
     phrase_text AS (SELECT article_id, lower(coalesce(title, '') || ' ' || "text") AS body FROM articles
                     WHERE article_id IN (SELECT article_id FROM alt_ok WHERE pattern IS NOT NULL)),
     alt_true AS (SELECT o.* FROM alt_ok o LEFT JOIN phrase_text t USING (article_id)
                  WHERE o.pattern IS NULL OR regexp_matches(t.body, o.pattern)),
     -- a clause whose words are all stop words in an article's language holds for that article
     auto_ok AS (SELECT DISTINCT st."language", a.clause FROM st JOIN a USING (clause, alt)
                 WHERE NOT a.negated AND st.n = a.n_tokens),
     per_doc AS (SELECT doc_id, any_value(article_id) AS article_id, any_value(length) AS length,
                        count(DISTINCT clause) FILTER (WHERE NOT negated) AS clauses_ok,
                        bool_or(negated) AS excluded
                 FROM (SELECT doc_id, article_id, length, clause, negated FROM alt_true
                       UNION ALL
                       SELECT d.doc_id, d.article_id, d.length, o.clause, false
                       FROM (SELECT DISTINCT doc_id, article_id, length, "language" FROM alt_true) d
                       JOIN auto_ok o USING ("language"))
                 GROUP BY doc_id)
SELECT p.article_id,
       sum(ln(1 + (s.n_docs - df.df + 0.5) / (df.df + 0.5))
           * h.tf * 2.2 / (h.tf + 1.2 * (0.25 + 0.75 * p.length / s.avgdl))) AS score
FROM per_doc p
JOIN hits h USING (doc_id)
JOIN (SELECT * FROM q WHERE NOT negated) scored USING (term_id)
JOIN df USING (clause, alt, pos)
CROSS JOIN stats s
WHERE p.clauses_ok = (SELECT count(DISTINCT clause) FROM a WHERE NOT negated) AND NOT p.excluded
GROUP BY p.article_id;

-- search_articles('query'): the same search from SQL, for analysts: one row per matching article,
-- best first (docs/search.md). The query syntax is the CLI's ("phrases", -word, OR). Words are
-- looked up by the forms the index has seen (search_forms) instead of being stemmed, so a word
-- form that occurs in no article finds nothing here, where `newsflow search` would stem it.
-- search_query_alts/terms/stops(query) are its three steps, each a self-contained subquery
-- (DuckDB 1.4 does not see a macro's CTEs inside another macro's arguments).
CREATE OR REPLACE MACRO search_query_alts(query) AS (
    WITH items AS (SELECT unnest(x) AS item, generate_subscripts(x, 1) AS i
                   FROM (SELECT regexp_extract_all(query, '-?"[^"]*"?|\S+') AS x)),
         flagged AS (SELECT i, item = 'OR' AS is_or, starts_with(item, '-') AND length(item) > 1 AS negated,
                            regexp_extract_all(lower(item), '[\pL\pN]+') AS ordered,
                            coalesce(lag(item = 'OR') OVER (ORDER BY i), false) AS after_or
                     FROM items),
         kept AS (SELECT * FROM flagged WHERE NOT is_or AND len(ordered) > 0),
         numbered AS (SELECT *, CASE WHEN negated THEN 100000 + i
                                     ELSE sum(CASE WHEN NOT negated AND NOT after_or THEN 1 ELSE 0 END)
                                              OVER (ORDER BY i) END AS clause
                      FROM kept),
         alternatives AS (SELECT *, row_number() OVER (PARTITION BY clause ORDER BY i) AS alt FROM numbered)
    SELECT coalesce(list({'clause': clause::INTEGER, 'alt': alt::INTEGER,
                          'n_tokens': len(list_distinct(ordered))::INTEGER,
                          'pattern': CASE WHEN len(ordered) > 1 THEN '(?:^|[^\pL\pN])'
                                          || array_to_string(ordered, '[^\pL\pN]+') || '(?:[^\pL\pN]|$)' END,
                          'negated': negated,
                          'words': list_distinct(ordered)} ORDER BY i), [])
    FROM alternatives
);

CREATE OR REPLACE MACRO search_query_terms(query) AS (
    SELECT coalesce(list({'clause': w.clause, 'alt': w.alt, 'pos': w.pos::INTEGER, 'term_id': f.term_id,
                          'negated': w.negated}), [])
           ::STRUCT(clause INTEGER, alt INTEGER, pos INTEGER, term_id INTEGER, negated BOOLEAN)[]
    FROM (SELECT a.clause, a.alt, a.negated, unnest(a.words) AS word, generate_subscripts(a.words, 1) AS pos
          FROM (SELECT unnest(search_query_alts(query), recursive := true))  a) w
    JOIN search_forms f ON f.form = w.word
);

CREATE OR REPLACE MACRO search_query_stops(query) AS (
    SELECT coalesce(list({'clause': w.clause, 'alt': w.alt, 'pos': w.pos::INTEGER, 'language': s."language"}), [])
           ::STRUCT(clause INTEGER, alt INTEGER, pos INTEGER, "language" VARCHAR)[]
    FROM (SELECT a.clause, a.alt, unnest(a.words) AS word, generate_subscripts(a.words, 1) AS pos
          FROM (SELECT unnest(search_query_alts(query), recursive := true)) a) w
    JOIN search_stopwords s ON s.word = w.word
);

CREATE OR REPLACE MACRO search_articles(query) AS TABLE
SELECT a.article_id, a.story_id, a.title, a.feed_id, a.published_at, a.canonical_url, r.score
FROM search_ranked(search_query_terms(query), search_query_stops(query),
                   [{'clause': x.clause, 'alt': x.alt, 'n_tokens': x.n_tokens, 'pattern': x.pattern,
                     'negated': x.negated} FOR x IN search_query_alts(query)]
                   ::STRUCT(clause INTEGER, alt INTEGER, n_tokens INTEGER, pattern VARCHAR, negated BOOLEAN)[]) r
JOIN articles a USING (article_id)
ORDER BY r.score DESC, a.article_id;
