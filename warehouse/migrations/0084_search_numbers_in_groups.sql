-- 0084_search_numbers_in_groups: a number written with its digits in groups is found by the number.
--
-- The index cut `1,000` into the words `1` and `000`, so `newsflow search 1000` missed every article
-- that wrote it `1,000` (and `1,000` missed `1000`); Indian `1,00,000` was found by neither `100000`
-- nor `100,000`. A number written in groups of 3 digits after one separator (`,` `.` `'` `’`; not a space,
-- as the stored text has every space as a plain one), or Indian groups, is now one word, its digits
-- (newsflow.search_text.numbers_joined, views/search.sql's search_numbers_joined). The articles indexed
-- before whose title or text holds such a number (no other: a decimal `3.5`, a time `10.30`, a date
-- `12.05.2026` change no word: 100 of the 209 fundus-news texts hold a digit, a separator and a digit,
-- 61 such a number) are taken out of the index here, as 0052 and 0081 did: each run's end indexes them
-- again (at most search.BACKLOG_PER_RUN a run; `newsflow search` says how many are not indexed yet), and
-- `newsflow search --reindex` does all of them at once. Other articles' entries are unchanged.

-- The pattern is search_text.NUMBER_GROUPS with a non-digit or an end on each side, full-width digits as
-- digits (the index folds them to ASCII): it matches exactly the texts numbers_joined changes. A German
-- date `12.05.2026` holds `05.202` but no number in groups, and stays indexed.
CREATE TEMP TABLE search_docs_0084 AS
SELECT d.doc_id FROM search_docs d JOIN articles a USING (article_id)
WHERE regexp_matches(coalesce(a.title, '') || ' ' || coalesce(a."text", ''),
                     '(?:^|[^0-9\x{ff10}-\x{ff19}])(?:[0-9\x{ff10}-\x{ff19}]{1,2}(?:,[0-9\x{ff10}-\x{ff19}]{2})+,[0-9\x{ff10}-\x{ff19}]{3}|[0-9\x{ff10}-\x{ff19}]{1,3}(?:'
                     || '(?:,[0-9\x{ff10}-\x{ff19}]{3})+|(?:\.[0-9\x{ff10}-\x{ff19}]{3})+|(?:''[0-9\x{ff10}-\x{ff19}]{3})+|(?:\x{2019}[0-9\x{ff10}-\x{ff19}]{3})+))'
                     || '(?:[^0-9\x{ff10}-\x{ff19}]|$)');

DELETE FROM search_postings WHERE doc_id IN (SELECT doc_id FROM search_docs_0084);
DELETE FROM search_docs WHERE doc_id IN (SELECT doc_id FROM search_docs_0084);
DROP TABLE search_docs_0084;
