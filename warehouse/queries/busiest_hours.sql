-- title: The busiest hours
-- description: Articles by hour of publication (0-23) in a time zone, busiest first, with each hour's share.
-- description: Articles without a publication date are left out.
-- param: days = 30   (articles fetched in this many days)
-- param: tz = 'UTC'   (IANA time zone for the hour of day, e.g. Europe/Berlin)
-- columns: hour, articles, share, sources
SELECT hour(timezone($tz, published_at))                                              AS hour,
       count(*)                                                                      AS articles,
       round(count(*) / sum(count(*)) OVER (), 3)                                     AS share,
       count(DISTINCT outlet(canonical_url)) AS sources
FROM articles
WHERE published_at IS NOT NULL AND fetched_at >= now() - to_days($days)
GROUP BY ALL
ORDER BY articles DESC, hour;
