-- 0052_search_words_keep_marks: the search index's words keep their combining marks.
--
-- The index cut words at every combining mark (Python's \w does not match them): Hindi, Tamil,
-- Thai or vocalised Arabic words were indexed as pieces, `İstanbul` as `i stanbul`. Words now keep
-- their marks, and the optional ones are folded away (newsflow.search_text.search_tokens). The
-- articles indexed before whose title or text holds a mark, `İ`, `ı` or a tatweel are taken out of
-- the index here: each run's end indexes them again (at most search.BACKLOG_PER_RUN a run), and
-- `newsflow search --reindex` does all of them at once. Other articles' entries are unchanged.

CREATE TEMP TABLE search_docs_0052 AS
SELECT d.doc_id FROM search_docs d JOIN articles a USING (article_id)
WHERE regexp_matches(coalesce(a.title, '') || ' ' || coalesce(a."text", ''), '[\pM\x{0130}\x{0131}\x{0640}]');

DELETE FROM search_postings WHERE doc_id IN (SELECT doc_id FROM search_docs_0052);
DELETE FROM search_docs WHERE doc_id IN (SELECT doc_id FROM search_docs_0052);
DROP TABLE search_docs_0052;
