-- title: Authors per source
-- description: How many distinct bylines each source has, its most frequent ones, and the share of its
-- description: articles with no author at all.
-- param: days = 30   (articles fetched in this many days)
-- param: limit = 50   (rows to show)
-- columns: source, articles, authors, without_author, top_authors
WITH recent AS (
    SELECT outlet(canonical_url) AS source, author
    FROM articles
    WHERE fetched_at >= now() - to_days($days)
),
bylines AS (
    SELECT source, author, count(*) AS n FROM recent WHERE author IS NOT NULL GROUP BY ALL
)
SELECT r.source,
       count(*)                                                     AS articles,
       count(DISTINCT r.author)                                     AS authors,
       count(*) FILTER (WHERE r.author IS NULL)                      AS without_author,
       (SELECT string_agg(b.author, '; ' ORDER BY b.n DESC, b.author) FROM
           (SELECT * FROM bylines b WHERE b.source = r.source ORDER BY n DESC, author LIMIT 3) AS b) AS top_authors
FROM recent r
GROUP BY r.source
ORDER BY authors DESC, articles DESC, r.source
LIMIT $limit;
