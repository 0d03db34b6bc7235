-- daily_volume: articles per UTC day x source x language (warehouse/README.md, "Views").
-- The day is the publication date, else the fetch date; the source is the outlet of canonical_url
-- (_outlets.sql; the sitename, else the host, before migration 0104); language is NULL where extraction found none.
CREATE OR REPLACE VIEW daily_volume AS
SELECT
    CAST(coalesce(published_at, fetched_at) AT TIME ZONE 'UTC' AS DATE)            AS day,
    outlet(canonical_url)   AS source,
    language,
    count(*)                                                                       AS articles,
    sum(word_count)                                                                AS words
FROM articles
GROUP BY ALL
ORDER BY day DESC, articles DESC, source, language;
