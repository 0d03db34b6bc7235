-- 0001_core: feeds, entries, articles, fetch_events, runs.
-- Every timestamp is UTC TIMESTAMPTZ. The data dictionary is warehouse/README.md.

CREATE TABLE feeds (
    feed_id              VARCHAR PRIMARY KEY,      -- the feed's name in the config
    url                  VARCHAR NOT NULL,
    title                VARCHAR,                  -- from the feed itself
    tags                 VARCHAR[],
    enabled              BOOLEAN NOT NULL DEFAULT TRUE,
    etag                 VARCHAR,                  -- validators for the next conditional poll
    last_modified        VARCHAR,
    last_polled_at       TIMESTAMPTZ,
    last_status          VARCHAR,                  -- ok | not_modified | temporary | soft | hard
    last_outcome         VARCHAR,                  -- fetch_events.outcome of the last poll
    last_error           VARCHAR,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    last_new_entry_at    TIMESTAMPTZ
);

CREATE TABLE entries (
    feed_id        VARCHAR NOT NULL,
    guid           VARCHAR NOT NULL,               -- the entry key: GUID, or the link when there is none
    url            VARCHAR NOT NULL,               -- absolute
    canonical_url  VARCHAR NOT NULL,
    title          VARCHAR,
    summary        VARCHAR,
    published_at   TIMESTAMPTZ,
    first_seen_at  TIMESTAMPTZ NOT NULL,
    run_id         VARCHAR NOT NULL,
    article_id     VARCHAR,                        -- set once the entry's article is stored
    fetch_attempts INTEGER NOT NULL DEFAULT 0,
    last_outcome   VARCHAR,                        -- outcome of the last article fetch
    PRIMARY KEY (feed_id, guid)
);
CREATE INDEX entries_canonical_url ON entries (canonical_url);

CREATE TABLE articles (
    article_id     VARCHAR PRIMARY KEY,            -- first 16 hex digits of sha256(canonical_url)
    canonical_url  VARCHAR NOT NULL UNIQUE,
    url            VARCHAR NOT NULL,               -- final URL after redirects
    feed_id        VARCHAR NOT NULL,               -- the first feed that carried it
    title          VARCHAR,
    author         VARCHAR,
    published_at   TIMESTAMPTZ,
    language       VARCHAR,
    sitename       VARCHAR,
    text           VARCHAR NOT NULL,
    word_count     INTEGER NOT NULL,
    content_hash   VARCHAR NOT NULL,               -- sha256 of the normalised text
    story_id       VARCHAR NOT NULL,
    fetched_at     TIMESTAMPTZ NOT NULL,
    run_id         VARCHAR NOT NULL
);
CREATE INDEX articles_content_hash ON articles (content_hash);

CREATE TABLE fetch_events (
    run_id        VARCHAR NOT NULL,
    "at"          TIMESTAMPTZ NOT NULL,          -- quoted: AT is a DuckDB keyword
    kind          VARCHAR NOT NULL,                -- feed | article | robots
    feed_id       VARCHAR,
    url           VARCHAR NOT NULL,
    status_code   INTEGER,
    outcome       VARCHAR NOT NULL,
    failure_class VARCHAR,                         -- temporary | soft | hard; NULL on success
    error         VARCHAR,
    bytes         BIGINT NOT NULL DEFAULT 0,
    elapsed_ms    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE runs (
    run_id             VARCHAR PRIMARY KEY,        -- the Prefect flow run id
    started_at         TIMESTAMPTZ NOT NULL,
    finished_at        TIMESTAMPTZ,
    status             VARCHAR NOT NULL,           -- running | completed | failed
    error              VARCHAR,
    feeds_polled       INTEGER NOT NULL DEFAULT 0,
    feeds_not_modified INTEGER NOT NULL DEFAULT 0,
    feeds_failed       INTEGER NOT NULL DEFAULT 0,
    entries_new        INTEGER NOT NULL DEFAULT 0,
    articles_fetched   INTEGER NOT NULL DEFAULT 0,
    articles_stored    INTEGER NOT NULL DEFAULT 0,
    articles_failed    INTEGER NOT NULL DEFAULT 0,
    duplicates         INTEGER NOT NULL DEFAULT 0
);
