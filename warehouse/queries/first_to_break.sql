-- title: Which sources break stories first
-- description: For every story carried by at least min_sources sources, the sources whose copy appeared
-- description: first (publication time, else when newsflow first saw it); a tie credits every tied source.
-- param: days = 30   (stories whose first copy was fetched in this many days)
-- param: min_sources = 2   (a story must be carried by this many sources to count)
-- param: limit = 20   (rows to show)
-- columns: source, stories_broken, stories_carried, broken_share
WITH copies AS (
    SELECT story_id,
           coalesce(sitename, regexp_extract(canonical_url, '^[a-z]+://([^/:?#]+)', 1)) AS source,
           coalesce(published_at, first_seen_at, fetched_at) AS appeared_at,
           fetched_at
    FROM articles
),
shared AS (
    SELECT story_id, min(appeared_at) AS first_appeared_at
    FROM copies
    GROUP BY story_id
    HAVING count(DISTINCT source) >= $min_sources AND min(fetched_at) >= now() - to_days($days)
),
carried AS (
    SELECT c.source, c.story_id, bool_or(c.appeared_at = s.first_appeared_at) AS broke
    FROM copies c JOIN shared s USING (story_id)
    GROUP BY c.source, c.story_id
)
SELECT source,
       count(*) FILTER (WHERE broke)                          AS stories_broken,
       count(*)                                               AS stories_carried,
       round(count(*) FILTER (WHERE broke) / count(*), 3)     AS broken_share
FROM carried
GROUP BY source
ORDER BY stories_broken DESC, stories_carried DESC, source
LIMIT $limit;
