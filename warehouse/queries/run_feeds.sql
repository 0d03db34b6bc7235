-- title: One run, per feed
-- description: What one run did for each feed it touched: the poll's status, new entries, articles
-- description: tried, stored and failed, and the time spent polling and fetching. Each flow run
-- description: publishes this table as its Prefect artifact (`ingest-report`).
-- param: run_id = latest   (a runs.run_id; "latest" means the last run recorded, by runs.run_seq)
-- columns: feed, poll, new_entries, articles_tried, stored, failed, poll_ms, fetch_ms
WITH chosen AS (
    SELECT CASE WHEN $run_id = 'latest' THEN (SELECT max_by(run_id, run_seq) FROM runs) ELSE $run_id END AS run_id
), polled AS (
    SELECT feed_id, status, entries_new FROM polls WHERE run_id = (SELECT run_id FROM chosen)
), feed_events AS (
    SELECT feed_id, sum(elapsed_ms) AS poll_ms FROM fetch_events
    WHERE run_id = (SELECT run_id FROM chosen) AND kind = 'feed' GROUP BY feed_id
), article_events AS (
    SELECT feed_id, count(*) AS tried, count(*) FILTER (WHERE outcome NOT IN ('ok', 'left_by_budget', 'left_by_cluster')) AS failed,
           sum(elapsed_ms) AS fetch_ms
    FROM fetch_events WHERE run_id = (SELECT run_id FROM chosen) AND kind = 'article' GROUP BY feed_id
), stored AS (
    SELECT feed_id, count(*) AS stored FROM articles WHERE run_id = (SELECT run_id FROM chosen) GROUP BY feed_id
)
SELECT feed_id AS feed, coalesce(p.status, 'not due') AS poll, coalesce(p.entries_new, 0) AS new_entries,
       coalesce(a.tried, 0) AS articles_tried, coalesce(s.stored, 0) AS stored, coalesce(a.failed, 0) AS failed,
       coalesce(f.poll_ms, 0) AS poll_ms, coalesce(a.fetch_ms, 0) AS fetch_ms
FROM (SELECT feed_id FROM polled UNION SELECT feed_id FROM article_events) AS ids
LEFT JOIN polled p USING (feed_id)
LEFT JOIN feed_events f USING (feed_id)
LEFT JOIN article_events a USING (feed_id)
LEFT JOIN stored s USING (feed_id)
ORDER BY feed_id;
