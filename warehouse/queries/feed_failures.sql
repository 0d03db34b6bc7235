-- title: Feed failures by outcome
-- description: Failed fetches of feeds and articles per feed and outcome, with the latest error message, to
-- description: see which feeds fail and why (robots.txt fetches are left out: a missing one is normal).
-- param: days = 7   (fetch attempts in this many days)
-- columns: feed_id, kind, outcome, failure_class, failures, last_failure_at, last_error
SELECT feed_id, kind, outcome, failure_class,
       count(*)              AS failures,
       max("at")             AS last_failure_at,
       arg_max(error, "at")  AS last_error
FROM fetch_events
WHERE failure_class IS NOT NULL AND kind IN ('feed', 'article') AND "at" >= now() - to_days($days)
GROUP BY ALL
ORDER BY failures DESC, feed_id, kind, outcome;
