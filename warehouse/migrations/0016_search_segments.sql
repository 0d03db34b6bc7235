-- 0016_search_segments: the search postings as sorted segments, merged as they fill (docs/search.md).
--
-- Runs appended their postings in article order, so every query scanned every term_id of
-- search_postings (~3 s at 252M postings). Now each index update appends its postings sorted by
-- (term_id, doc_id), as one segment: the doc_id range of the articles it added. Queries skip the
-- row groups of each segment whose term_id min/max cannot hold their words, and runs merge
-- segments as an LSM tree's tiers (newsflow/warehouse/search_segments.py), so there are few.
-- The postings indexed before this migration become one segment, sorted here once.

CREATE TABLE search_segments (
    doc_lo    INTEGER NOT NULL,   -- the first doc_id of the segment
    doc_hi    INTEGER NOT NULL,   -- its last
    postings  BIGINT NOT NULL     -- its postings when written (a reindexed article's may move to a later one)
);

CREATE TABLE search_postings_0016 (
    term_id     INTEGER NOT NULL,
    doc_id      INTEGER NOT NULL,
    tf          USMALLINT NOT NULL,
    doc_length  INTEGER NOT NULL
);
INSERT INTO search_postings_0016 SELECT * FROM search_postings ORDER BY term_id, doc_id;
DROP TABLE search_postings;
ALTER TABLE search_postings_0016 RENAME TO search_postings;

INSERT INTO search_segments
SELECT min(doc_id), max(doc_id), count(*) FROM search_postings HAVING count(*) > 0;
