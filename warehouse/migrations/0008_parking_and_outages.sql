-- 0008_parking_and_outages: poison entries are parked, runs record what they left for later and
-- network outages. Data dictionary: warehouse/README.md.
--
-- Entry identity is now (feed_id, guid, canonical_url): a feed that reuses one GUID for items with
-- different links keeps every item. The key lives in the loader's anti-join (migration 0007 dropped
-- the table's PRIMARY KEY), so existing rows need no change for it.

ALTER TABLE entries ADD COLUMN parked_at TIMESTAMPTZ;   -- set when the entry stops being fetched
ALTER TABLE entries ADD COLUMN last_error VARCHAR;      -- the error of the last failed article attempt

-- Entries the old rules had already given up on (3 attempts, or an outcome another try won't change).
UPDATE entries SET parked_at = now(), last_error = 'parked by migration 0008 after outcome ' || last_outcome
WHERE article_id IS NULL AND last_outcome IS NOT NULL
  AND (fetch_attempts >= 3 OR last_outcome IN ('blocked', 'invalid_url', 'robots_disallowed', 'not_html',
                                                'too_large', 'extract_empty', 'extract_timeout'));

ALTER TABLE runs ADD COLUMN feeds_deferred INTEGER NOT NULL DEFAULT 0;     -- due feeds left for the next run
ALTER TABLE runs ADD COLUMN articles_deferred INTEGER NOT NULL DEFAULT 0;  -- pending articles left for the next run
ALTER TABLE runs ADD COLUMN articles_parked INTEGER NOT NULL DEFAULT 0;    -- entries parked by this run
ALTER TABLE runs ADD COLUMN network_outage BOOLEAN NOT NULL DEFAULT FALSE; -- nearly every feed was unreachable
