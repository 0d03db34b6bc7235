-- 0026_feed_moves: a feed that moved is polled at its new URL (docs/polling.md, "A feed that moved").
-- The config URL stays the feed's identity (feeds.url); a permanent redirect (301, 308) seen on
-- enough consecutive polls, to the same target, which served a valid feed, is adopted.
-- Data dictionary: warehouse/README.md.

ALTER TABLE feeds ADD COLUMN adopted_url VARCHAR;                        -- polled instead of url; NULL: url is polled
ALTER TABLE feeds ADD COLUMN redirect_url VARCHAR;                       -- the permanent redirect being watched
ALTER TABLE feeds ADD COLUMN redirect_polls INTEGER NOT NULL DEFAULT 0;  -- consecutive polls that saw it
ALTER TABLE feeds ADD COLUMN redirect_since TIMESTAMPTZ;                 -- the first of those polls
