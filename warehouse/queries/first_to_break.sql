-- title: Which sources break stories first
-- description: For every story carried by at least min_sources sources, the source whose copy appeared first
-- description: (publication time, else fetch time; a tie goes to the lowest article_id): story_articles' copy 1,
-- description: the first_outlet `newsflow stories` names. A source is an outlet: the host less www. (one spelling).
-- param: days = 30   (stories whose first copy was fetched in this many days)
-- param: min_sources = 2   (a story must be carried by this many sources to count)
-- param: limit = 20   (rows to show)
-- columns: source, stories_broken, stories_carried, broken_share
WITH shared AS (
    SELECT story_id
    FROM story_articles
    GROUP BY story_id
    HAVING count(DISTINCT site) >= $min_sources AND min(fetched_at) >= now() - to_days($days)
),
carried AS (
    SELECT m.site AS source, m.story_id, bool_or(m.copy_number = 1) AS broke
    FROM story_articles m JOIN shared s USING (story_id)
    GROUP BY m.site, m.story_id
)
SELECT source,
       count(*) FILTER (WHERE broke)                          AS stories_broken,
       count(*)                                               AS stories_carried,
       round(count(*) FILTER (WHERE broke) / count(*), 3)     AS broken_share
FROM carried
GROUP BY source
ORDER BY stories_broken DESC, stories_carried DESC, source
LIMIT $limit;
