-- 0078_story_lines_story_id_not_null: story_lines.story_id is NOT NULL in every warehouse, as 0056
-- makes it today; 0077 filled it where an earlier 0056 had left it out. Its own migration because
-- DuckDB refuses the constraint in the transaction that updated the rows (each migration is one).
ALTER TABLE story_lines ALTER COLUMN story_id SET NOT NULL;
