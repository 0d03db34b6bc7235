-- 0084_search_numbers_in_groups: a number written with its digits in groups is found by the number.
--
-- The index cut `1,000` into the words `1` and `000`, so `newsflow search 1000` missed every article
-- that wrote it `1,000` (and `1,000` missed `1000`); Indian `1,00,000` was found by neither `100000`
-- nor `100,000`. A number written in groups of 3 digits after one separator (`,` `.` `'` `’`, a no-break,
-- narrow no-break or thin space), or Indian groups, is now one word, its digits
-- (newsflow.search_text.numbers_joined, views/search.sql's search_numbers_joined). The articles indexed
-- before whose title or text holds a digit, such a separator and a digit are taken out of the index
-- here, as 0052 and 0081 did: each run's end indexes them again (at most search.BACKLOG_PER_RUN a run),
-- and `newsflow search --reindex` does all of them at once. Other articles' entries are unchanged.

CREATE TEMP TABLE search_docs_0084 AS
SELECT d.doc_id FROM search_docs d JOIN articles a USING (article_id)
WHERE regexp_matches(coalesce(a.title, '') || ' ' || coalesce(a."text", ''),
                     '[0-9\x{ff10}-\x{ff19}][,.''\x{2019}\x{a0}\x{202f}\x{2009}][0-9\x{ff10}-\x{ff19}]');

DELETE FROM search_postings WHERE doc_id IN (SELECT doc_id FROM search_docs_0084);
DELETE FROM search_docs WHERE doc_id IN (SELECT doc_id FROM search_docs_0084);
DROP TABLE search_docs_0084;
