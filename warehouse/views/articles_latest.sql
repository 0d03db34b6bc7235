-- articles_latest: articles newest first (by publication, else fetch time), without their text
-- (warehouse/README.md, "Views"). source is the sitename, else the host of canonical_url;
-- ingest_latency is first_seen_at - published_at (migration 0003).
CREATE OR REPLACE VIEW articles_latest AS
SELECT
    article_id,
    feed_id,
    sitename,
    coalesce(sitename, regexp_extract(canonical_url, '^[a-z]+://([^/:?#]+)', 1)) AS source,
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
