-- title: What one run parked
-- description: The entries one run stopped fetching, with why: they failed execution.max_article_attempts
-- description: times in a row, or once with an outcome another try would not change. Each flow run's
-- description: artifact (`ingest-report`) lists them; `parked` lists every parked entry.
-- param: run_id = latest   (a runs.run_id; "latest" means the last run recorded, by runs.run_seq)
-- columns: feed_id, url, fetch_attempts, last_outcome, last_error
WITH chosen AS (
    SELECT CASE WHEN $run_id = 'latest' THEN (SELECT max_by(run_id, run_seq) FROM runs) ELSE $run_id END AS run_id
), span AS (  -- one run writes at a time (its run lock), so what was parked while it ran, it parked
    SELECT started_at, coalesce(finished_at, now()) AS finished_at FROM runs WHERE run_id = (SELECT run_id FROM chosen)
), attempts AS (  -- parked_at is the parking attempt's time: found by the run's own fetch events too, so a
                  -- clock set back during the run (parked_at before started_at) hides nothing
    SELECT DISTINCT e2.canonical_url, f."at"
    FROM fetch_events f JOIN entries e2 ON e2.url = f.url
    WHERE f.run_id = (SELECT run_id FROM chosen) AND f.kind = 'article'
)
SELECT e.feed_id, e.url, e.fetch_attempts, e.last_outcome, e.last_error
FROM entries e, span
WHERE e.article_id IS NULL AND (e.parked_at BETWEEN span.started_at AND span.finished_at
      OR EXISTS (SELECT 1 FROM attempts a WHERE a.canonical_url = e.canonical_url AND a."at" = e.parked_at))
ORDER BY e.feed_id, e.url;
