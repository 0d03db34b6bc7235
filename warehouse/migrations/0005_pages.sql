-- 0005_pages: the raw HTML of stored articles, compressed, for `newsflow reextract`.

CREATE TABLE pages (
    article_id       VARCHAR PRIMARY KEY,   -- the article extracted from this page
    fetched_at       TIMESTAMPTZ NOT NULL,
    html_zlib        BLOB NOT NULL,         -- the page as decoded text, UTF-8, zlib-compressed
    html_bytes       INTEGER NOT NULL,      -- size of the UTF-8 HTML before compression
    compressed_bytes INTEGER NOT NULL       -- size of html_zlib
);
