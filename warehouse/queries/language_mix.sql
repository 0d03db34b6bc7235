-- title: The language mix
-- description: Articles per language (as extracted from the page; 'unknown' where none was found), with
-- description: each language's share of the articles and how many sources publish in it.
-- param: days = 30   (articles fetched in this many days)
-- columns: language, articles, share, sources, words
SELECT coalesce(language, 'unknown')                                                  AS language,
       count(*)                                                                      AS articles,
       round(count(*) / sum(count(*)) OVER (), 3)                                     AS share,
       count(DISTINCT outlet(canonical_url)) AS sources,
       sum(word_count)                                                               AS words
FROM articles
WHERE fetched_at >= now() - to_days($days)
GROUP BY ALL
ORDER BY articles DESC, language;
