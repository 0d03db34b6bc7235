-- title: What one run left for later
-- description: Per feed, the articles still to fetch (not stored, not parked) that one run did not try:
-- description: over its cap (execution.max_articles_per_run), past its budget (execution.run_budget_seconds),
-- description: held back by a network outage, or of a feed the run was not asked to poll. The next run
-- description: tries them, oldest first. Each flow run's artifact (`ingest-report`) shows this table.
-- param: run_id = latest   (a runs.run_id; "latest" means the last run recorded, by runs.run_seq)
-- columns: feed_id, articles, oldest_first_seen
WITH chosen AS (
    SELECT CASE WHEN $run_id = 'latest' THEN (SELECT max_by(run_id, run_seq) FROM runs) ELSE $run_id END AS run_id
), tried AS (
    SELECT DISTINCT e.canonical_url FROM entries e
    JOIN fetch_events f ON f.url = e.url AND f.kind = 'article' AND f.run_id = (SELECT run_id FROM chosen)
)
SELECT feed_id, count(DISTINCT canonical_url) AS articles, min(first_seen_at) AS oldest_first_seen
FROM entries
WHERE article_id IS NULL AND parked_at IS NULL AND canonical_url NOT IN (SELECT canonical_url FROM tried)
GROUP BY feed_id
ORDER BY feed_id;
