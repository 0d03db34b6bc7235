-- 0003_article_latency: when newsflow first saw each article, and how long after publication.
--   first_seen_at   the earliest entries.first_seen_at of the entries that point at the article
--                   (same canonical URL, or linked to it by article_id)
--   ingest_latency  first_seen_at - published_at; NULL when the article has no date
-- New loads fill both (warehouse/loads.py, load_articles); this backfills existing rows.
-- IF NOT EXISTS keeps the migration safe to re-run.

ALTER TABLE articles ADD COLUMN IF NOT EXISTS first_seen_at TIMESTAMPTZ;
ALTER TABLE articles ADD COLUMN IF NOT EXISTS ingest_latency INTERVAL;

UPDATE articles
SET first_seen_at = seen.first_seen_at,
    ingest_latency = seen.first_seen_at - articles.published_at
FROM (
    SELECT article_id, min(first_seen_at) AS first_seen_at
    FROM (
        SELECT a.article_id, e.first_seen_at
        FROM articles a JOIN entries e ON e.canonical_url = a.canonical_url
        UNION ALL
        SELECT a.article_id, e.first_seen_at
        FROM articles a JOIN entries e ON e.article_id = a.article_id
    )
    GROUP BY article_id
) AS seen
WHERE articles.article_id = seen.article_id AND articles.first_seen_at IS NULL;
