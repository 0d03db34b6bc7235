-- story_articles: the members of each story, each with its lag behind the story's first copy.
-- The lag is measured on published_at, falling back to fetched_at when a page gave no date.
CREATE OR REPLACE VIEW story_articles AS
WITH members AS (
    SELECT
        a.story_id,
        a.article_id,
        a.title,
        a.canonical_url,
        a.feed_id,
        regexp_replace(lower(regexp_extract(a.canonical_url, '^[A-Za-z]+://([^/:?#]+)', 1)), '^www[.]', '') AS site,
        a.published_at,
        a.fetched_at,
        coalesce(a.published_at, a.fetched_at) AS appeared_at
    FROM articles a
)
SELECT
    story_id,
    article_id,
    article_id = story_id                                           AS is_first,
    title,
    site,
    canonical_url,
    feed_id,
    published_at,
    fetched_at,
    appeared_at - min(appeared_at) OVER (PARTITION BY story_id)    AS lag,
    row_number() OVER (PARTITION BY story_id ORDER BY appeared_at, article_id) AS copy_number
FROM members;
