-- 0077_upgrade_leftovers: two things earlier texts of shipped migrations left in older warehouses
-- (tests/test_upgrades.py builds one at every level of the history and opens it with today's code).
--
-- story_lines: 0056 first made it without story_id, which every load now writes, so a warehouse
-- migrated with that text failed at its first load. The column is added and filled from
-- story_signatures; a line of an article with no story is dropped (it counted for nothing: furniture
-- counts stories). The table is then copied into today's column order (an added column comes last,
-- and `SELECT *` must read the same in every warehouse); on a warehouse that had the column the
-- UPDATE finds no row and the copy is the same table, once.
ALTER TABLE story_lines ADD COLUMN IF NOT EXISTS story_id VARCHAR;
UPDATE story_lines SET story_id = s.story_id
FROM story_signatures AS s
WHERE story_lines.story_id IS NULL AND story_lines.article_id = s.article_id;
CREATE TABLE story_lines_0077 (
    site        VARCHAR     NOT NULL,
    line_hash   UBIGINT     NOT NULL,
    article_id  VARCHAR     NOT NULL,
    story_id    VARCHAR     NOT NULL,  -- the article's story, as story_signatures; merges update both
    indexed_at  TIMESTAMPTZ NOT NULL
);
INSERT INTO story_lines_0077
SELECT site, line_hash, article_id, story_id, indexed_at FROM story_lines WHERE story_id IS NOT NULL;
DROP TABLE story_lines;
ALTER TABLE story_lines_0077 RENAME TO story_lines;

-- pages: 0005 first kept each page inside the file (html_zlib), then became an index of .html.gz
-- files (`file`); 0007, copying the table whole, cast those pages' compressed HTML into `file`.
-- Such a row names no file, so reextract cannot read its page, and its compressed_bytes counted
-- against pages.budget_mb, evicting pages that exist. Every kept file is a .html.gz (newsflow.pages
-- has named them so since pages became files), so no row of a kept page goes.
DELETE FROM pages WHERE file NOT LIKE '%.html.gz';
