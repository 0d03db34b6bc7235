-- 0006_story_window: when each article entered the story index, so that a lookup scans only the
-- last `stories.window_days` days. Rows are appended in time order, so DuckDB's zone maps skip
-- the older row groups and a lookup costs what the window holds, not what the warehouse holds.

ALTER TABLE story_bands ADD COLUMN indexed_at TIMESTAMPTZ;
ALTER TABLE story_signatures ADD COLUMN indexed_at TIMESTAMPTZ;
UPDATE story_bands SET indexed_at = now();
UPDATE story_signatures SET indexed_at = now();
