-- 0086_search_words_without_accents: a word written with accents is found by the word typed without them.
--
-- Most Vietnamese readers type without tones (`ha noi` for `Hà Nội`), and anyone without the keyboard types
-- `cafe`, `sao paulo`, `lodz`: the index held only the accented words, so these found nothing. Now a word
-- with accented Latin letters is indexed under its bare form too (newsflow.search_text.unaccented; German's
-- and Spanish's stemmers drop umlauts and acute accents themselves, so there most words add no term). The
-- articles indexed before whose title or text holds such a letter, in either case (the Angstrom sign is NFC
-- `Å`), or an ASCII letter followed by a combining mark (a text stored decomposed: the analysis composes it),
-- are taken out of the index here, as 0084 did: each run's end indexes them again (at most
-- search.BACKLOG_PER_RUN a run; `newsflow search` says how many are not indexed yet), and `newsflow search
-- --reindex` does all of them at once. Other articles' entries (English, Arabic, CJK, ...) are unchanged.
CREATE TEMP TABLE search_docs_0086 AS
SELECT d.doc_id FROM search_docs d JOIN articles a USING (article_id)
WHERE regexp_matches(coalesce(a.title, '') || ' ' || coalesce(a."text", ''),
                     '[\x{00c0}-\x{00d6}\x{00d8}-\x{00dd}\x{00e0}-\x{00f6}\x{00f8}-\x{00fd}\x{00ff}-\x{012f}\x{0134}-\x{0137}'
                     || '\x{0139}-\x{013e}\x{0141}-\x{0148}\x{014c}-\x{017e}\x{01a0}-\x{01a1}\x{01af}-\x{01b0}\x{01cd}-\x{01dc}'
                     || '\x{01de}-\x{01e3}\x{01e6}-\x{01ed}\x{01f4}-\x{01f5}\x{01f8}-\x{021b}\x{021e}-\x{021f}\x{0226}-\x{0233}'
                     || '\x{1e00}-\x{1e95}\x{1e9b}\x{1ea0}-\x{1ef9}\x{212b}]|[A-Za-z][\x{0300}-\x{036f}]');

DELETE FROM search_postings WHERE doc_id IN (SELECT doc_id FROM search_docs_0086);
DELETE FROM search_docs WHERE doc_id IN (SELECT doc_id FROM search_docs_0086);
DROP TABLE search_docs_0086;
