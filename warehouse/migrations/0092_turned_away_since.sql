-- 0092_turned_away_since: a lone site turned away by the network (NXDOMAIN, a public address refusing) backs off an
-- hour at most for a day from its first such poll (red team 35; docs/polling.md, "Red team 35"). Measured from the
-- first failure to reach it (feeds.unreachable_since) before, a VPN's kill switch refusing every connection right
-- after a weekend offline backed the feeds off in full at once: the day's grace had been spent offline.
--
-- feeds.turned_away_since: when the feed's polls began being turned away, in a row; NULL once one was not.
ALTER TABLE feeds ADD COLUMN turned_away_since TIMESTAMPTZ;
