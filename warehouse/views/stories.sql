-- stories: one row per story (docs/stories.md). A site is the outlet of the canonical URL (_outlets.sql);
-- the representative title is the first member's.
CREATE OR REPLACE VIEW stories AS
WITH members AS (
    SELECT
        a.story_id,
        a.article_id,
        a.title,
        a.published_at,
        a.fetched_at,
        outlet(a.canonical_url) AS site,
        seen.first_seen_at
    FROM articles a
    LEFT JOIN (
        SELECT article_id, min(first_seen_at) AS first_seen_at
        FROM entries WHERE article_id IS NOT NULL GROUP BY article_id
    ) seen USING (article_id)
)
SELECT
    story_id,
    min(published_at)                                           AS first_published_at,
    min(coalesce(first_seen_at, fetched_at))                    AS first_seen_at,
    count(*)                                                    AS n_articles,
    count(DISTINCT site)                                        AS n_sources,
    list(DISTINCT site ORDER BY site)                           AS sites,
    coalesce(
        max(title) FILTER (WHERE article_id = story_id),
        arg_min(title, coalesce(published_at, fetched_at))
    )                                                           AS title
FROM members
GROUP BY story_id;
