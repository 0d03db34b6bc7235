-- title: Stories by number of outlets
-- description: The stories carried by the most outlets (distinct sites), with the outlet that ran
-- description: the first copy and the spread in time between the first copy and the last.
-- description: `newsflow stories` runs this query.
-- param: since = 1970-01-01   (only stories whose first copy appeared on or after this day, in tz)
-- param: tz = 'UTC'   (the time zone whose day since is, e.g. America/New_York, as newsflow search --tz)
-- param: limit = 20   (rows to show)
-- columns: story_id, title, outlets, articles, first_outlet, first_published_at, spread
SELECT s.story_id,
       s.title,
       s.n_sources                          AS outlets,
       s.n_articles                         AS articles,
       first_copy.site                      AS first_outlet,
       s.first_published_at,
       max(member.lag)                      AS spread
FROM stories s
JOIN story_articles member ON member.story_id = s.story_id
JOIN story_articles first_copy ON first_copy.story_id = s.story_id AND first_copy.copy_number = 1
WHERE coalesce(s.first_published_at, s.first_seen_at) AT TIME ZONE $tz >= $since
GROUP BY ALL
ORDER BY outlets DESC, articles DESC, s.first_published_at DESC NULLS LAST, s.story_id
LIMIT $limit;
