-- title: Which sources break stories first
-- description: For every story carried by at least min_sources sources, the source whose copy appeared first
-- description: (publication time, else fetch time; a tie goes to the lowest article_id): story_articles' copy 1,
-- description: the first_outlet `newsflow stories` names. A source is an outlet: the host less www. (one spelling)
-- description: and less a mobile or AMP edition's m., mobile. or amp. (0106). stories_tied: of the stories carried,
-- description: those whose first instant this source's copy shared with another source's: a tie, which article_id
-- description: alone credited to one of them (in its stories_broken).
-- param: days = 30   (stories whose first copy was fetched in this many days)
-- param: min_sources = 2   (a story must be carried by this many sources to count)
-- param: limit = 20   (rows to show)
-- columns: source, stories_broken, stories_carried, broken_share, stories_tied
WITH shared AS (
    SELECT story_id
    FROM story_articles
    GROUP BY story_id
    HAVING count(DISTINCT site) >= $min_sources AND min(fetched_at) >= now() - to_days($days)
),
carried AS (
    SELECT m.site AS source, m.story_id, bool_or(m.copy_number = 1) AS broke, bool_or(m.lag = INTERVAL 0 SECOND) AS at_first
    FROM story_articles m JOIN shared s USING (story_id)
    GROUP BY m.site, m.story_id
),
tied AS (  -- the stories two or more outlets appeared in at the first instant (lag 0)
    SELECT story_id FROM carried WHERE at_first GROUP BY story_id HAVING count(*) > 1
)
SELECT source,
       count(*) FILTER (WHERE broke)                          AS stories_broken,
       count(*)                                               AS stories_carried,
       round(count(*) FILTER (WHERE broke) / count(*), 3)     AS broken_share,
       count(*) FILTER (WHERE at_first AND story_id IN (SELECT story_id FROM tied)) AS stories_tied
FROM carried
GROUP BY source
ORDER BY stories_broken DESC, stories_carried DESC, source
LIMIT $limit;
