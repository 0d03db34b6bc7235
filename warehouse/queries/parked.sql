-- title: Parked entries
-- description: Entries newsflow stopped fetching, newest first, with why: the last outcome and error, and how
-- description: many attempts failed. An entry is parked after execution.max_article_attempts failures in a
-- description: row, or at once for an outcome another try would not change (warehouse/README.md, entries).
-- param: days = 30   (entries parked in this many days)
-- columns: feed_id, url, parked_at, fetch_attempts, last_outcome, last_error
SELECT feed_id, url, parked_at, fetch_attempts, last_outcome, last_error
FROM entries
WHERE parked_at IS NOT NULL AND article_id IS NULL AND parked_at >= now() - to_days($days)
ORDER BY parked_at DESC, feed_id, url;
