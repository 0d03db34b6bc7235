-- 0078_story_lines_story_id_not_null: story_lines.story_id is NOT NULL in every warehouse, as 0056
-- makes it today. 0077 now copies story_lines into a table that declares it, so this changes
-- nothing; it stays because warehouses migrated during its development recorded it.
ALTER TABLE story_lines ALTER COLUMN story_id SET NOT NULL;
