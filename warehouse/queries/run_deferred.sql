-- title: What one run left for later
-- description: Per feed and reason, the articles still to fetch (not stored, not parked) that one run did
-- description: not try, or tried without sending a request, so no attempt counted: `not tried` (over its
-- description: cap, execution.max_articles_per_run; past its budget, execution.run_budget_seconds; held back
-- description: by a network outage; of a feed the run was not asked to poll), `robots.txt unreadable` (its
-- description: site's robots.txt answered 5xx or 429, timed out or came cut short: RFC 9309 says to assume all is
-- description: disallowed), `host asked to wait` (429, or a Retry-After pause beyond
-- description: fetch.max_retry_after, or its pauses used up that budget), `left by the budget` (fetched whole,
-- description: not extracted by the budget plus extract.timeout: `left_by_budget`), `left by the cluster` (the Dask
-- description: batch holding them never came back: a worker killed, the cluster gone: `left_by_cluster`). The next
-- description: run tries them, oldest first. Each flow run's artifact (`ingest-report`) shows this table.
-- param: run_id = latest   (a runs.run_id; "latest" means the last run recorded, by runs.run_seq)
-- columns: feed_id, articles, oldest_first_seen, why
WITH chosen AS (
    SELECT CASE WHEN $run_id = 'latest' THEN (SELECT max_by(run_id, run_seq) FROM runs) ELSE $run_id END AS run_id
), tried AS (  -- each URL's fetch events in the run: a deferral is rate_limited (uncounted), every request of it
    SELECT f.url, bool_and(f.outcome IN ('rate_limited', 'left_by_budget', 'left_by_cluster')) AS deferred,
           bool_or(f.outcome = 'left_by_budget') AS left_by_budget,
           bool_or(f.outcome = 'left_by_cluster') AS left_by_cluster, max_by(f.error, f."at") AS last_error
    FROM fetch_events f
    WHERE f.kind = 'article' AND f.run_id = (SELECT run_id FROM chosen)
    GROUP BY f.url
), by_article AS (  -- an article is tried when any entry's URL for it was (one canonical URL, many links)
    SELECT e.canonical_url,
           CASE WHEN bool_or(t.url IS NOT NULL AND NOT t.deferred) THEN NULL  -- tried: a counted attempt
                WHEN bool_or(t.last_error LIKE '%robots.txt%could not be read%') THEN 'robots.txt unreadable'
                WHEN bool_or(t.left_by_budget) THEN 'left by the budget'
                WHEN bool_or(t.left_by_cluster) THEN 'left by the cluster'
                WHEN bool_or(t.deferred) THEN 'host asked to wait'
                ELSE 'not tried' END AS why
    FROM entries e LEFT JOIN tried t ON t.url = e.url
    GROUP BY e.canonical_url
)
SELECT e.feed_id, count(DISTINCT e.canonical_url) AS articles, min(e.first_seen_at) AS oldest_first_seen, a.why
FROM entries e JOIN by_article a USING (canonical_url)
WHERE e.article_id IS NULL AND e.parked_at IS NULL AND a.why IS NOT NULL
GROUP BY e.feed_id, a.why
ORDER BY e.feed_id, a.why;
