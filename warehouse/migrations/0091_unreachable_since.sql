-- 0091_unreachable_since: an outage spares a feed a day at most (red team 33; docs/polling.md, "An outage that
-- lasts"). A one-feed install whose only site refused every connection for weeks was taken, run after run, for
-- the machine offline: polled every run, never backed off, `newsflow feeds` showing 0 failures.
--
-- feeds.unreachable_since: when the feed's polls began failing to reach it, in a row (resolve, connect, no byte
-- back, a portal's page), NULL once one reached it. An outage no longer spares a feed unreachable for a day.
-- runs.feeds_outage_overdue, runs.feeds_turned_away: what the run took its failures for (its report says it).
ALTER TABLE feeds ADD COLUMN unreachable_since TIMESTAMPTZ;
ALTER TABLE runs ADD COLUMN feeds_outage_overdue INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN feeds_turned_away INTEGER NOT NULL DEFAULT 0;
