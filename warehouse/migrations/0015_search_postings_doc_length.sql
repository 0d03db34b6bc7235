-- 0015_search_postings_doc_length: postings indexed before they carried doc_length get it.
--
-- 0010 first made search_postings (term_id, doc_id, tf); it then gained doc_length in place (the
-- top-k search reads it), so a warehouse migrated with the first text kept three columns, and 0016,
-- which copies the table whole into four, failed: such a warehouse could not be opened at all
-- (tests/test_upgrades.py). Numbered before 0016 so that it runs first there; on a warehouse past
-- 0016 the column is there and nothing is NULL, so this changes nothing.

ALTER TABLE search_postings ADD COLUMN IF NOT EXISTS doc_length INTEGER;
UPDATE search_postings SET doc_length = d.length
FROM search_docs AS d
WHERE search_postings.doc_length IS NULL AND search_postings.doc_id = d.doc_id;
-- A posting of no indexed article is no search hit either.
DELETE FROM search_postings WHERE doc_length IS NULL;
