-- title: Top stories by number of outlets
-- description: Stories (articles sharing a story_id) carried by the most distinct sources, with the
-- description: headline of their earliest copy. A source is an outlet: the host of the URL less www. and less a
-- description: mobile or AMP edition's m., mobile. or amp. (0106).
-- param: days = 7   (how far back to look, by fetch time)
-- param: min_sources = 1   (only stories carried by at least this many sources)
-- param: limit = 20   (rows to show)
-- columns: story_id, title, sources, articles, first_published_at, source_list
WITH recent AS (
    SELECT story_id, title, coalesce(published_at, fetched_at) AS appeared_at, published_at,
           outlet(canonical_url) AS source
    FROM articles
    WHERE fetched_at >= now() - to_days($days)
)
SELECT story_id,
       arg_min(title, appeared_at)              AS title,
       count(DISTINCT source)                   AS sources,
       count(*)                                 AS articles,
       min(published_at)                        AS first_published_at,
       string_agg(DISTINCT source, ', ' ORDER BY source) AS source_list
FROM recent
GROUP BY story_id
HAVING count(DISTINCT source) >= $min_sources
ORDER BY sources DESC, articles DESC, first_published_at DESC NULLS LAST, story_id
LIMIT $limit;
