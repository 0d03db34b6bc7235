-- title: Ingest latency per source
-- description: How long after publication newsflow first saw each source's articles (articles.ingest_latency):
-- description: median and 90th percentile (to the second). A feed's first poll brings its backlog, whose latency is long.
-- param: days = 7   (articles fetched in this many days)
-- param: min_articles = 1   (only sources with at least this many dated articles)
-- columns: source, articles, median_latency, p90_latency, median_latency_s
SELECT outlet(canonical_url) AS source,
       count(*)                                                          AS articles,
       date_trunc('second', quantile_disc(ingest_latency, 0.5))           AS median_latency,
       date_trunc('second', quantile_disc(ingest_latency, 0.9))           AS p90_latency,
       round(median(epoch(ingest_latency)))                               AS median_latency_s
FROM articles
WHERE ingest_latency IS NOT NULL AND fetched_at >= now() - to_days($days)
GROUP BY source
HAVING count(*) >= $min_articles
ORDER BY median_latency_s, source;
