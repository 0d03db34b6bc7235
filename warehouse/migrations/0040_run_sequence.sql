-- 0040_run_sequence: the order runs began in, which the machine's clock cannot change.
--
-- The named queries' `latest` run was the one with the newest `started_at`: after the clock was set
-- back (a wrong NTP answer, a VM restored, a hand `date -s`), the run that just ran had an older
-- `started_at` than one before it, and `latest` showed the wrong run. `run_seq` is 1 for the first
-- run recorded, and each run recorded after takes the highest so far plus one (runs never overlap:
-- the run lock). Runs recorded before this migration are numbered in the order of `started_at`.

ALTER TABLE runs ADD COLUMN run_seq BIGINT;
UPDATE runs SET run_seq = ordered.n
FROM (SELECT run_id, row_number() OVER (ORDER BY started_at, run_id) AS n FROM runs) AS ordered
WHERE runs.run_id = ordered.run_id;
