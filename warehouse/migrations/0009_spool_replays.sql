-- 0009_spool_replays: which spooled loads have been loaded, so a replay is done once.
--
-- A run that finds the warehouse held by a reader (DBeaver, a notebook, `duckdb -readonly`)
-- writes the inputs of its loads to files beside the warehouse (newsflow.spool,
-- docs/concurrency.md). A later run loads each file, and in the same transaction inserts its row
-- here; then it deletes the file. A run killed between the commit and the delete finds the row
-- and only deletes the file. `counts` is what the load added to its run's counters beyond what
-- the run had counted when it spooled, folded into `runs` when that run's end is written.
CREATE TABLE spool_replays (
    spool_id    VARCHAR PRIMARY KEY,
    run_id      VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL,
    spooled_at  TIMESTAMPTZ NOT NULL,
    replayed_at TIMESTAMPTZ NOT NULL,
    counts      VARCHAR
);
