-- title: Attention to a search over time
-- description: What `newsflow search QUERY --by day|week` lists, from SQL: per UTC day (or ISO week, from Monday),
-- description: the matching stories (each in the period of its first matching copy), articles and outlets, every
-- description: article collected then (all_articles) and the matches' share of them (empty for a period with
-- description: nothing collected), zero-filled. The search is read by the SQL macro search_articles, which finds
-- description: what newsflow search finds except prefixes and stems of unseen forms (docs/search.md, "From SQL").
-- description: It takes no feed, language or site: its all_articles and share are of every feed, language and site
-- description: (newsflow search --feed, --language, --site narrow both).
-- param: q = 'syria'   (the search, written as for newsflow search)
-- param: unit = 'day'   (day or week)
-- param: since = 1970-01-01   (the first day counted; left at 1970-01-01, the series starts at the first match)
-- param: until = 9999-12-31   (the last day counted; left as is, the series runs to the last period anything was collected in, not past today's, or to a later match)
-- columns: period, stories, articles, outlets, all_articles, share
WITH dated AS (
    SELECT article_id, story_id, coalesce(published_at, fetched_at) AT TIME ZONE 'UTC' AS appeared_at,
           lower(split_part(split_part(split_part(split_part(canonical_url, '/', 3), ':', 1), '?', 1), '#', 1)) AS host
    FROM articles
),
collected_articles AS (  -- the site as `newsflow search --by source` names it: the host less "www."
    SELECT article_id, story_id, appeared_at, CASE WHEN starts_with(host, 'www.') THEN host[5:] ELSE host END AS site
    FROM dated
    WHERE appeared_at >= $since AND appeared_at < $until + 1
      AND CASE WHEN $unit IN ('day', 'week') THEN true ELSE error('unit must be day or week, got ' || $unit) END
),
m AS (SELECT c.* FROM collected_articles c SEMI JOIN search_articles($q) s USING (article_id)),
bounds AS (
    SELECT date_trunc($unit, CASE WHEN $since = DATE '1970-01-01' THEN min(appeared_at) ELSE $since END) AS lo,
           date_trunc($unit, CASE WHEN $until = DATE '9999-12-31'
                                  THEN greatest(max(appeared_at), (SELECT max(appeared_at) FROM collected_articles
                                                                   WHERE date_trunc($unit, appeared_at)
                                                                         <= (now() AT TIME ZONE 'UTC')::DATE))
                                  ELSE $until END) AS hi
    FROM m
),
periods AS (
    SELECT unnest(generate_series(lo, hi, CASE WHEN $unit = 'week' THEN INTERVAL 7 DAY ELSE INTERVAL 1 DAY END))::DATE
           AS period
    FROM bounds WHERE lo IS NOT NULL
),
firsts AS (SELECT story_id, min(appeared_at) AS first_at FROM m GROUP BY story_id),
story_counts AS (SELECT date_trunc($unit, first_at)::DATE AS period, count(*) AS n FROM firsts GROUP BY 1),
article_counts AS (SELECT date_trunc($unit, appeared_at)::DATE AS period, count(*) AS n,
                          count(DISTINCT site) AS outlets FROM m GROUP BY 1),
collected AS (SELECT date_trunc($unit, appeared_at)::DATE AS period, count(*) AS n FROM collected_articles GROUP BY 1)
SELECT p.period, coalesce(s.n, 0) AS stories, coalesce(c.n, 0) AS articles, coalesce(c.outlets, 0) AS outlets,
       coalesce(t.n, 0) AS all_articles,
       CASE WHEN coalesce(t.n, 0) > 0 THEN round(coalesce(c.n, 0) / t.n, 6) END AS share
FROM periods p LEFT JOIN story_counts s USING (period) LEFT JOIN article_counts c USING (period)
     LEFT JOIN collected t USING (period)
ORDER BY p.period;
