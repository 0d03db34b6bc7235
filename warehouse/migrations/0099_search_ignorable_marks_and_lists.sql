-- 0099_search_ignorable_marks_and_lists: docs/search.md, "Analyst 44".
--
-- A default-ignorable mark written in a text (U+034F COMBINING GRAPHEME JOINER, the variation selectors U+FE00-U+FE0F,
-- Mongolian's free variation selectors U+180B-U+180D and U+180F) is nothing to search now (search_text._FOLDED,
-- views/search.sql's search_unmarked and search_apostrophes_marked): invisible, it was kept inside a word as a mark
-- (`O͏Brien` was the word `o͏brien`, which neither `obrien` nor `OBrien` found), or was a word of its own after an
-- emoji. That changes the words of every text holding one: those articles, and only those, are taken out of the
-- index, as 0084, 0096 and 0097 did: each run's end indexes them again (at most search.BACKLOG_PER_RUN a run;
-- `newsflow search` says how many are not indexed yet), and `newsflow search --reindex` does all of them at once.
--
-- A word written in lower case with an apostrophe after a part of 1-2 letters that is no elision, before a part of 3
-- letters or more (`pat o'brien`, `o'clock`), is now joined in the index as a query typed so is
-- (search_apostrophes.joined_word: `obrien` and `"pat obrien"` find it), and Italian's elided `un'` is no part of a
-- name (ELISIONS: `un'Europa` is no longer `unEuropa`, nor `v'Era`, `gl'`, `ch'`, `ç'`, `b'`, `dh'` before a capital): the texts holding either are taken out too.
--
-- The views change too (no table does): a list of numbers written without spaces (`1,2,3`) is no decimal to the
-- phrase check (search_list_commas), and a phrase reads each apostrophe a text marks its own way, a space or
-- nothing (search_marked_pattern: `"O Brien met Ann DArcy"` finds `O'Brien met Ann D'Arcy`).
CREATE TEMP TABLE search_docs_0099 AS
SELECT d.doc_id FROM search_docs d JOIN articles a USING (article_id)
WHERE list_transform([coalesce(a.title, '') || ' ' || coalesce(a."text", '')], lambda t:
          regexp_matches(t, '[\x{034f}\x{180b}-\x{180d}\x{180f}\x{fe00}-\x{fe0f}]')
          OR (regexp_matches(t, '\p{Ll}[''\x{2019}\x{2018}\x{00b4}\x{ff07}`\x{02bc}](?:\p{Ll}{3}|\p{Lu})')
              AND len(list_filter(regexp_extract_all(t, '[^\PL\x{02b9}\x{02bb}-\x{02bf}]+(?:[''\x{2019}\x{2018}\x{00b4}\x{ff07}`\x{02b9}\x{02bb}-\x{02bf}][^\PL\x{02b9}\x{02bb}-\x{02bf}]+)+'),
                                  lambda w: list_transform([regexp_split_to_array(w, '[''\x{2019}\x{2018}\x{00b4}\x{ff07}`\x{02bc}]')], lambda p:
                                      len(p) = 2 AND length(p[1]) <= 2
                                      AND ((length(p[2]) >= 3 AND p[1] = lower(p[1]) AND p[1] <> upper(p[1])
                                            AND p[2] = lower(p[2]) AND NOT regexp_matches(p[2], '^\p{Lu}')
                                            AND p[1] NOT IN ('b', 'c', 'ch', 'd', 'dh', 'gl', 'j', 'l', 'm', 'n', 'qu', 's', 't', 'un', 'v', 'ç'))
                                           OR (p[1] IN ('b', 'ch', 'dh', 'gl', 'un', 'v', 'ç') AND regexp_matches(p[2], '^\p{Lu}')
                                               AND lower(p[2]) NOT IN ('d', 'll', 'm', 're', 's', 't', 've'))))[1])) > 0))[1];

DELETE FROM search_postings WHERE doc_id IN (SELECT doc_id FROM search_docs_0099);
DELETE FROM search_docs WHERE doc_id IN (SELECT doc_id FROM search_docs_0099);
DROP TABLE search_docs_0099;
