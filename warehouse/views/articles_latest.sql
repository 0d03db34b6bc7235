-- articles_latest: articles newest first (by publication, else fetch time), without their text
-- (warehouse/README.md, "Views"). source is the outlet of canonical_url (_outlets.sql; the sitename, else
-- the host, before migration 0104); ingest_latency is first_seen_at - published_at (migration 0003).
CREATE OR REPLACE VIEW articles_latest AS
SELECT
    article_id,
    feed_id,
    sitename,
    outlet(canonical_url) AS source,
    title,
    published_at,
    fetched_at,
    first_seen_at,
    ingest_latency,
    url,
    canonical_url,
    language,
    word_count,
    story_id
FROM articles
ORDER BY coalesce(published_at, fetched_at) DESC, article_id;
