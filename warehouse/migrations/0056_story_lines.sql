-- 0056_story_lines: the short lines of each indexed article, per site, so that a line that many
-- articles of one site carry is known as that site's furniture and left out before shingling
-- (src/newsflow/stories_furniture.py, docs/stories.md). One row per (article, distinct short line);
-- a lookup counts the stories of the batch's sites indexed in the last `stories.window_days` days
-- (story_id is kept here so that counting needs no join with story_signatures).
-- Rows are appended in time order, as story_bands' are, so the window skips old row groups.
-- Articles indexed before this migration have no rows: their furniture counts from the next run on.
CREATE TABLE story_lines (
    site        VARCHAR     NOT NULL,
    line_hash   UBIGINT     NOT NULL,
    article_id  VARCHAR     NOT NULL,
    story_id    VARCHAR     NOT NULL,  -- the article's story, as story_signatures; merges update both
    indexed_at  TIMESTAMPTZ NOT NULL
);
