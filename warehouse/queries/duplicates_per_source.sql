-- title: Duplicates per source
-- description: Per source: articles that are copies of an earlier article's text (they share its story_id),
-- description: its originals that others copied, and feed items that pointed at an article already stored.
-- param: days = 30   (articles fetched in this many days)
-- columns: source, articles, copies, copy_share, originals_copied, repeat_items
WITH recent AS (
    SELECT article_id, story_id,
           outlet(canonical_url) AS source
    FROM articles
    WHERE fetched_at >= now() - to_days($days)
),
story_sizes AS (
    SELECT story_id, count(*) AS members FROM articles GROUP BY story_id
),
repeats AS (
    SELECT article_id, count(*) - 1 AS repeat_items FROM entries WHERE article_id IS NOT NULL GROUP BY article_id
)
SELECT r.source,
       count(*)                                                            AS articles,
       count(*) FILTER (WHERE r.story_id <> r.article_id)                   AS copies,
       round(count(*) FILTER (WHERE r.story_id <> r.article_id) / count(*), 3) AS copy_share,
       count(*) FILTER (WHERE r.story_id = r.article_id AND s.members > 1)  AS originals_copied,
       coalesce(sum(p.repeat_items), 0)                                    AS repeat_items
FROM recent r
JOIN story_sizes s USING (story_id)
LEFT JOIN repeats p USING (article_id)
GROUP BY r.source
ORDER BY copies DESC, articles DESC, r.source;
