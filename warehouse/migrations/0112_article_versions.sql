-- 0112_article_versions: a page updated under its URL is fetched again and its versions kept (docs/search.md,
-- "Analyst 58", "Updates 58"). Data dictionary: warehouse/README.md (entries, article_versions, article_refetches).
--
-- An entry seen again records its feed's `updated` date and, when that moved forward or its title changed, when the
-- feed said it changed (`changed_at`); a run refetches the stored articles such entries lead to (a bounded number, at
-- most once per interval each), writes a changed text into `articles` (one row per URL, the current text) and keeps
-- every version, the first included, in `article_versions`. Each refetch's answer is `article_refetches`' row.
ALTER TABLE entries ADD COLUMN updated_at TIMESTAMPTZ;
ALTER TABLE entries ADD COLUMN changed_at TIMESTAMPTZ;
CREATE TABLE IF NOT EXISTS article_versions (
    article_id VARCHAR NOT NULL,
    version INTEGER NOT NULL,
    fetched_at TIMESTAMPTZ,
    title VARCHAR,
    text VARCHAR,
    content_hash VARCHAR,
    word_count INTEGER,
    run_id VARCHAR
);
CREATE TABLE IF NOT EXISTS article_refetches (
    article_id VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL,
    "at" TIMESTAMPTZ NOT NULL,
    outcome VARCHAR NOT NULL,
    status_code INTEGER,
    version INTEGER,
    etag VARCHAR,
    last_modified VARCHAR
);
