-- 0081_search_unspaced_scripts: words inside Thai, Lao, Myanmar, Khmer and Tai text can be found, and
-- letters writers use for one another are searched as one.
--
-- The index kept a run of letters and marks as one word, so a Thai, Lao, Burmese or Khmer sentence
-- (written without spaces between its words) was one term, and a word inside it found nothing. Each
-- character of those scripts, with its marks, is now a unit, indexed as overlapping bigrams with the
-- next (newsflow.search_text.index_words). Arabic and Persian letter variants (ی ى ي, ک ك, أ إ آ ٱ ا,
-- ۀ ه), Greek vowels with tonos or dialytika (ά α) and full-width Latin letters and digits are folded
-- to one form on both sides of a search (search_text.LETTER_VARIANTS), and `・` `゛` `゜` `゠` of the kana
-- block are no longer words (they are punctuation, which the phrase check dropped). The articles indexed before whose title or text holds such a
-- character are taken out of the index here, as 0052 did: each run's end indexes them again (at most
-- search.BACKLOG_PER_RUN a run), and `newsflow search --reindex` does all of them at once. Other
-- articles' entries are unchanged.

CREATE TEMP TABLE search_docs_0081 AS
SELECT d.doc_id FROM search_docs d JOIN articles a USING (article_id)
WHERE regexp_matches(coalesce(a.title, '') || ' ' || coalesce(a."text", ''),
                     '[\x{0e00}-\x{0eff}\x{1000}-\x{109f}\x{1780}-\x{17ff}\x{1950}-\x{19ff}\x{1a20}-\x{1aaf}'
                     || '\x{a9e0}-\x{a9ff}\x{aa60}-\x{aadf}\x{06cc}\x{0649}\x{06a9}\x{0623}\x{0625}\x{0622}\x{0671}'
                     || '\x{06c0}\x{03ac}-\x{03af}\x{03ca}-\x{03ce}'
                     || '\x{0386}\x{0388}-\x{038a}\x{038c}\x{038e}-\x{0390}\x{03aa}\x{03ab}\x{03b0}\x{309b}\x{309c}\x{30a0}\x{30fb}\x{ff10}-\x{ff19}\x{ff21}-\x{ff3a}\x{ff41}-\x{ff5a}]');

DELETE FROM search_postings WHERE doc_id IN (SELECT doc_id FROM search_docs_0081);
DELETE FROM search_docs WHERE doc_id IN (SELECT doc_id FROM search_docs_0081);
DROP TABLE search_docs_0081;
