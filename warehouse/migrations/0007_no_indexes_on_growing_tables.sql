-- 0007_no_indexes_on_growing_tables: the tables that grow with every run keep no index.
--
-- DuckDB holds an ART index in memory, whole, while a transaction inserts into its table: with
-- 1,000,000 articles stored, the indexes of a batch's tables came to ~90 MiB of unevictable
-- memory, and more with every article (docs/performance.md). Without them, a lookup is a scan
-- of one column, which DuckDB streams through its buffer pool (capped for writers, see
-- newsflow/warehouse), and which costs ~15-25 ms per million rows. Uniqueness is the loader's:
-- every insert anti-joins against the stored keys, under the run lock, in one transaction.
-- article_id is a hash of canonical_url, so one key covers both. The small tables (feeds, runs,
-- story_merges) keep their keys.
--
-- DuckDB cannot drop a PRIMARY KEY or UNIQUE constraint, so each table is rebuilt with the same
-- columns, in the same order, and NOT NULL where the key implied it.

DROP INDEX IF EXISTS articles_content_hash;
DROP INDEX IF EXISTS entries_canonical_url;

CREATE TABLE articles_0007 (
    article_id VARCHAR NOT NULL, canonical_url VARCHAR NOT NULL, url VARCHAR NOT NULL, feed_id VARCHAR NOT NULL,
    title VARCHAR, author VARCHAR, published_at TIMESTAMPTZ, "language" VARCHAR, sitename VARCHAR,
    "text" VARCHAR NOT NULL, word_count INTEGER NOT NULL, content_hash VARCHAR NOT NULL, story_id VARCHAR NOT NULL,
    fetched_at TIMESTAMPTZ NOT NULL, run_id VARCHAR NOT NULL, first_seen_at TIMESTAMPTZ, ingest_latency INTERVAL
);
INSERT INTO articles_0007 SELECT * FROM articles;
DROP TABLE articles;
ALTER TABLE articles_0007 RENAME TO articles;

CREATE TABLE entries_0007 (
    feed_id VARCHAR NOT NULL, guid VARCHAR NOT NULL, url VARCHAR NOT NULL, canonical_url VARCHAR NOT NULL,
    title VARCHAR, summary VARCHAR, published_at TIMESTAMPTZ, first_seen_at TIMESTAMPTZ NOT NULL,
    run_id VARCHAR NOT NULL, article_id VARCHAR, fetch_attempts INTEGER NOT NULL DEFAULT 0, last_outcome VARCHAR
);
INSERT INTO entries_0007 SELECT * FROM entries;
DROP TABLE entries;
ALTER TABLE entries_0007 RENAME TO entries;

CREATE TABLE pages_0007 (
    article_id VARCHAR NOT NULL, fetched_at TIMESTAMPTZ NOT NULL, file VARCHAR NOT NULL,
    html_bytes INTEGER NOT NULL, compressed_bytes INTEGER NOT NULL
);
INSERT INTO pages_0007 SELECT * FROM pages;
DROP TABLE pages;
ALTER TABLE pages_0007 RENAME TO pages;

CREATE TABLE polls_0007 (
    run_id VARCHAR NOT NULL, feed_id VARCHAR NOT NULL, polled_at TIMESTAMPTZ NOT NULL, outcome VARCHAR NOT NULL,
    status VARCHAR NOT NULL, entries_seen INTEGER NOT NULL, entries_new INTEGER NOT NULL,
    possibly_missed BOOLEAN NOT NULL, poll_interval INTEGER NOT NULL, next_poll_at TIMESTAMPTZ NOT NULL
);
INSERT INTO polls_0007 SELECT * FROM polls;
DROP TABLE polls;
ALTER TABLE polls_0007 RENAME TO polls;

CREATE TABLE story_signatures_0007 (
    article_id VARCHAR NOT NULL, story_id VARCHAR NOT NULL, signature BLOB, indexed_at TIMESTAMPTZ
);
INSERT INTO story_signatures_0007 SELECT * FROM story_signatures;
DROP TABLE story_signatures;
ALTER TABLE story_signatures_0007 RENAME TO story_signatures;
