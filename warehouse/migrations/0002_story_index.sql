-- 0002_story_index: the persistent index of src/newsflow/stories.py (see docs/stories.md).
-- A run looks up only its new articles' band keys here, so its cost follows the new articles,
-- not the size of the warehouse.

-- One row per (article, LSH band): the band's 64-bit key. Band -1 holds the one exact key of a
-- text under 50 words (a hash of its token sequence); bands 0..41 hold MinHash band keys.
CREATE TABLE story_bands (
    band        SMALLINT NOT NULL,
    band_hash   UBIGINT  NOT NULL,
    article_id  VARCHAR  NOT NULL
);
-- Candidate lookup is a join on (band, band_hash); DuckDB's hash join does not need an index,
-- and an ART index on 40+ rows per article would cost more to maintain than it saves.

-- One row per indexed article: its story and the MinHash signature used to verify candidates
-- (12-byte header + 128 x uint32; NULL for a short text, which matches on its exact key only).
CREATE TABLE story_signatures (
    article_id  VARCHAR PRIMARY KEY,
    story_id    VARCHAR NOT NULL,
    signature   BLOB
);

-- Stories retired by a bridge: an article matched two stories, so `story_id` became part of
-- `merged_into` (the one that started first). Kept so that an id seen before can be resolved.
CREATE TABLE story_merges (
    story_id             VARCHAR PRIMARY KEY,
    merged_into          VARCHAR NOT NULL,
    bridging_article_id  VARCHAR NOT NULL,
    merged_at            TIMESTAMPTZ NOT NULL,
    run_id               VARCHAR NOT NULL
);
