-- title: Feeds that went silent
-- description: Enabled feeds that brought no new item for at least `hours` hours (or never did), with
-- description: their last poll's status, so a dead feed can be told from a quiet one.
-- param: hours = 48   (silence, in hours, that counts as gone quiet)
-- columns: feed_id, last_new_item_at, hours_silent, last_polled_at, last_status, consecutive_failures, items_total
WITH items AS (
    SELECT feed_id, max(first_seen_at) AS last_new_item_at, count(*) AS items_total
    FROM entries GROUP BY feed_id
)
SELECT f.feed_id,
       i.last_new_item_at,
       round(epoch(now() - i.last_new_item_at) / 3600, 1) AS hours_silent,
       f.last_polled_at,
       coalesce(f.last_status, 'never polled')            AS last_status,
       f.consecutive_failures,
       coalesce(i.items_total, 0)                         AS items_total
FROM feeds f LEFT JOIN items i USING (feed_id)
WHERE f.enabled AND (i.last_new_item_at IS NULL OR i.last_new_item_at < now() - to_hours($hours))
ORDER BY i.last_new_item_at NULLS FIRST, f.feed_id;
