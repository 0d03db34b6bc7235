-- 0096_search_apostrophes_joined: a word written with an apostrophe between letters is also indexed joined
-- (`O'Brien` also as `obrien`; newsflow.search_apostrophes, docs/search.md "Analyst 41"), so `obrien` finds
-- `O'Brien`. The views change too: the phrase check keeps a separator between two numbers (`9/11`,
-- search_separated_body), which needs no table change.
--
-- The rule (search_apostrophes.joined_word), on each word of letters with apostrophes (`'`, `’`, `‘`, `´`) between
-- them: two apostrophes or more (`rock'n'roll`); or a part before of 1-2 letters and a part after starting with a capital
-- that is no English contraction, the part before no lower-case elision (ELISIONS: `O'Brien`, `L'Oréal`; not
-- `WE'LL`, `IT'S`, `l'Inde`, `d'Alembert`); or a part before of 3 letters or more that is no elided Romance word
-- (ELIDED: `dell'`, `jusqu'`) and a part after that is no English contraction or possessive (CONTRACTIONS: `'s`,
-- `'t`, `'ll`). The articles indexed before whose title or text holds such a word are taken out of the index, as
-- 0084, 0086 and 0090 did: each run's end indexes them again (at most search.BACKLOG_PER_RUN a run; `newsflow
-- search` says how many are not indexed yet), and `newsflow search --reindex` does all of them at once. Only those:
-- `it's`, `don't`, `l'économie` change no term. tests/test_search_analyst41.py checks this SQL against the Python.
CREATE TEMP TABLE search_docs_0096 AS
SELECT doc_id FROM (SELECT d.doc_id, coalesce(a.title, '') || ' ' || coalesce(a."text", '') AS t
                    FROM search_docs d JOIN articles a USING (article_id))
WHERE regexp_matches(t, '\pL[''\x{2019}\x{2018}\x{00b4}]\pL')
  AND len(list_filter(regexp_extract_all(t, '\pL+(?:[''\x{2019}\x{2018}\x{00b4}]\pL+)+'),
                      lambda w: list_transform([regexp_split_to_array(w, '[''\x{2019}\x{2018}\x{00b4}]')], lambda p:
                          len(p) > 2
                          OR (length(p[1]) <= 2 AND regexp_matches(p[2], '^\p{Lu}')
                              AND lower(p[2]) NOT IN ('d', 'll', 'm', 're', 's', 't', 've')
                              AND NOT (regexp_matches(p[1], '^\p{Ll}')
                                       AND lower(p[1]) IN ('c', 'd', 'j', 'l', 'm', 'n', 'qu', 's', 't')))
                          OR (length(p[1]) >= 3 AND lower(p[1]) NOT IN ('all', 'bell', 'buon', 'ciascun', 'coll', 'dall', 'dell', 'entr', 'jusqu', 'lorsqu', 'nell', 'nessun', 'pell', 'presqu', 'puisqu', 'qualcun', 'quell', 'quelqu', 'quest', 'quoiqu', 'sant', 'sull', 'tutt')
                              AND lower(p[2]) NOT IN ('d', 'll', 'm', 're', 's', 't', 've')))[1])) > 0;

DELETE FROM search_postings WHERE doc_id IN (SELECT doc_id FROM search_docs_0096);
DELETE FROM search_docs WHERE doc_id IN (SELECT doc_id FROM search_docs_0096);
DROP TABLE search_docs_0096;
