-- feed_health: one row per feed, how well it is doing (warehouse/README.md, "Views").
--   polls_7d, success_rate_7d   feed polls in the last 7 days, and the share that succeeded
--                               (ok, or not_modified: a 304 is a success); NULL when not polled
--   last_new_item_at            the last time a new item of the feed was seen (max entries.first_seen_at)
--   median_items_per_day_30d    items per UTC day by publication date (first_seen_at when undated), over
--                               the days of the last 30 since the feed's first item, empty days counted as 0
--   median_latency_s            median whole seconds from publication to first sight, over the last 30 days,
--                               leaving out the backlog of the feed's first poll (its items were not new)
CREATE OR REPLACE VIEW feed_health AS
WITH polls AS (
    SELECT feed_id,
           count(*) AS polls_7d,
           count(*) FILTER (WHERE outcome IN ('ok', 'not_modified')) AS successes_7d
    FROM fetch_events
    WHERE kind = 'feed' AND "at" >= now() - INTERVAL 7 DAY
    GROUP BY feed_id
),
items AS (
    SELECT feed_id,
           first_seen_at,
           published_at,
           CAST(coalesce(published_at, first_seen_at) AT TIME ZONE 'UTC' AS DATE) AS day,
           first_seen_at = min(first_seen_at) OVER (PARTITION BY feed_id) AS in_first_poll
    FROM entries
),
window_start AS (
    SELECT CAST(now() AT TIME ZONE 'UTC' AS DATE) - 29 AS first_day, CAST(now() AT TIME ZONE 'UTC' AS DATE) AS today
),
feed_days AS (
    SELECT i.feed_id, unnest(range(greatest(w.first_day, min(i.day)), w.today + 1, INTERVAL 1 DAY))::DATE AS day
    FROM items i, window_start w
    WHERE i.day <= w.today
    GROUP BY i.feed_id, w.first_day, w.today
),
daily AS (
    SELECT d.feed_id, d.day, count(i.feed_id) AS items
    FROM feed_days d LEFT JOIN items i ON i.feed_id = d.feed_id AND i.day = d.day
    GROUP BY d.feed_id, d.day
),
rates AS (
    SELECT feed_id, median(items) AS median_items_per_day_30d FROM daily GROUP BY feed_id
),
latency AS (
    SELECT feed_id,
           max(first_seen_at) AS last_new_item_at,
           round(median(epoch(first_seen_at - published_at)) FILTER (
               WHERE NOT in_first_poll AND first_seen_at >= now() - INTERVAL 30 DAY
           )) AS median_latency_s
    FROM items
    GROUP BY feed_id
)
SELECT
    f.feed_id,
    f.url,
    f.enabled,
    f.last_status,
    f.consecutive_failures,
    f.last_polled_at,
    coalesce(p.polls_7d, 0) AS polls_7d,
    p.successes_7d / p.polls_7d AS success_rate_7d,
    l.last_new_item_at,
    coalesce(r.median_items_per_day_30d, 0) AS median_items_per_day_30d,
    l.median_latency_s
FROM feeds f
LEFT JOIN polls p USING (feed_id)
LEFT JOIN latency l USING (feed_id)
LEFT JOIN rates r USING (feed_id)
ORDER BY f.feed_id;
