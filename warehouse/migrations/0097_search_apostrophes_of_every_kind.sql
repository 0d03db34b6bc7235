-- 0097_search_apostrophes_of_every_kind: an apostrophe of any kind cuts a word and joins it alike (docs/search.md,
-- "Analyst 42"). The modifier letters written as apostrophes (`ʼ` U+02BC, Ukrainian's and Belarusian's; the
-- Hawaiian ʻokina U+02BB; transliteration's `ʾ` `ʿ` `ʽ` and the prime `ʹ`: search_apostrophes.MODIFIER_APOSTROPHES)
-- were letters, so `Hawaiʻi` was the one word `hawaiʻi`, found by neither `hawaii` nor `Hawai'i`: they are now
-- read as `'` (search_text.LETTER_VARIANTS, views/search.sql's search_unvaried), which changes the words of every
-- text holding one. A full-width apostrophe `＇` and a backtick between letters already cut a word, and now join it
-- as `'` does (search_apostrophes.APOSTROPHES: `O＇Brien`, `O`Neal` also as `obrien`, `oneal`), which changes the
-- terms of a text holding a word the rule (0096's) joins with one of them. Those articles, and only those, are
-- taken out of the index, as 0084, 0086, 0090 and 0096 did: each run's end indexes them again (at most
-- search.BACKLOG_PER_RUN a run; `newsflow search` says how many are not indexed yet), and `newsflow search
-- --reindex` does all of them at once. tests/test_search_analyst42.py checks this SQL against the Python.
CREATE TEMP TABLE search_docs_0097 AS
SELECT doc_id FROM (SELECT d.doc_id, coalesce(a.title, '') || ' ' || coalesce(a."text", '') AS t
                    FROM search_docs d JOIN articles a USING (article_id))
WHERE regexp_matches(t, '[\x{02b9}\x{02bb}-\x{02bf}]')
   OR (regexp_matches(t, '\pL[\x{ff07}`]\pL')
       AND len(list_filter(regexp_extract_all(t, '\pL+(?:[''\x{2019}\x{2018}\x{00b4}\x{ff07}`]\pL+)+'),
                           lambda w: regexp_matches(w, '[\x{ff07}`]') AND list_transform([regexp_split_to_array(w, '[''\x{2019}\x{2018}\x{00b4}\x{ff07}`]')], lambda p:
                               len(p) > 2
                               OR (length(p[1]) <= 2 AND regexp_matches(p[2], '^\p{Lu}')
                                   AND lower(p[2]) NOT IN ('d', 'll', 'm', 're', 's', 't', 've')
                                   AND NOT (regexp_matches(p[1], '^\p{Ll}')
                                            AND lower(p[1]) IN ('c', 'd', 'j', 'l', 'm', 'n', 'qu', 's', 't')))
                               OR (length(p[1]) >= 3 AND lower(p[1]) NOT IN ('all', 'bell', 'buon', 'ciascun', 'coll', 'dall', 'dell', 'entr', 'jusqu', 'lorsqu', 'nell', 'nessun', 'pell', 'presqu', 'puisqu', 'qualcun', 'quell', 'quelqu', 'quest', 'quoiqu', 'sant', 'sull', 'tutt')
                                   AND lower(p[2]) NOT IN ('d', 'll', 'm', 're', 's', 't', 've')))[1])) > 0);

DELETE FROM search_postings WHERE doc_id IN (SELECT doc_id FROM search_docs_0097);
DELETE FROM search_docs WHERE doc_id IN (SELECT doc_id FROM search_docs_0097);
DROP TABLE search_docs_0097;
