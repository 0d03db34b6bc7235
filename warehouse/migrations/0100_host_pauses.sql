-- 0100_host_pauses: a host's Retry-After pause is kept across runs. Data dictionary: warehouse/README.md.
--
-- A 429 or 503 whose Retry-After reached past the run held the host only for that run: the next run (a schedule
-- every 15 minutes) polled its feeds and fetched its articles during the pause (red team 41). A run now writes
-- the pauses its hosts asked for, and the next runs read the ones still in force at their start. One row per
-- host, the latest end kept; rows whose pause has passed are dropped by the next write.
CREATE TABLE host_pauses (
    host      VARCHAR     NOT NULL,   -- lowercased host name or address literal, no port
    until_at  TIMESTAMPTZ NOT NULL,   -- no request goes to the host before this (capped: polling.max_interval)
    asked_at  TIMESTAMPTZ NOT NULL,   -- when the answer asking for it came
    status    INTEGER,                -- that answer's status, 429 or 503
    url       VARCHAR                 -- the URL it answered, credentials removed
);
