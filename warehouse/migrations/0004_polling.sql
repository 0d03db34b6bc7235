-- 0004_polling: per-feed poll schedule, retirement, and a log of every poll.

ALTER TABLE feeds ADD COLUMN poll_interval INTEGER;       -- seconds until the next poll, as last planned
ALTER TABLE feeds ADD COLUMN next_poll_at TIMESTAMPTZ;    -- the feed is due at or after this time
ALTER TABLE feeds ADD COLUMN retired_at TIMESTAMPTZ;      -- set after repeated 410 Gone; NULL while active

CREATE TABLE polls (
    run_id          VARCHAR NOT NULL,
    feed_id         VARCHAR NOT NULL,
    polled_at       TIMESTAMPTZ NOT NULL,
    outcome         VARCHAR NOT NULL,          -- fetch_events.outcome of the poll (parse_error included)
    status          VARCHAR NOT NULL,          -- ok | not_modified | temporary | soft | hard
    entries_seen    INTEGER NOT NULL,          -- items in the feed document
    entries_new     INTEGER NOT NULL,          -- items seen for the first time
    possibly_missed BOOLEAN NOT NULL,          -- every item was new: the window rolled over since the last poll
    poll_interval   INTEGER NOT NULL,          -- seconds planned until the next poll
    next_poll_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (run_id, feed_id)
);
