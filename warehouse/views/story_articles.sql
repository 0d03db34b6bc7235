-- story_articles: the members of each story, each with its lag behind the story's first copy.
-- The lag is measured on published_at, falling back to fetched_at when a page gave no date.
-- site is the outlet (_outlets.sql). copy_number 1 is the story's first copy: the earliest to appear, a tie going
-- to the lowest article_id, as `newsflow search` names a story's first_outlet; the `stories` and `first_to_break`
-- named queries credit that one copy's outlet (warehouse/README.md, "story_articles"; migration 0104).
-- language (migration 0104) is last: columns are only ever added, at the end.
CREATE OR REPLACE VIEW story_articles AS
WITH members AS (
    SELECT
        a.story_id,
        a.article_id,
        a.title,
        a.canonical_url,
        a.feed_id,
        outlet(a.canonical_url) AS site,
        a.published_at,
        a.fetched_at,
        coalesce(a.published_at, a.fetched_at) AS appeared_at,
        a.language
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
    row_number() OVER (PARTITION BY story_id ORDER BY appeared_at, article_id) AS copy_number,
    language
FROM members;
