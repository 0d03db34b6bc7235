-- 0005_pages: the index of the raw HTML kept for `newsflow reextract`. The HTML itself is one gzip
-- file per page in the folder beside the warehouse (`news.duckdb` -> `news.pages/`).

CREATE TABLE pages (
    article_id       VARCHAR PRIMARY KEY,   -- the article extracted from this page
    fetched_at       TIMESTAMPTZ NOT NULL,
    file             VARCHAR NOT NULL,      -- path of the .html.gz, relative to the pages folder
    html_bytes       INTEGER NOT NULL,      -- size of the page as UTF-8 HTML
    compressed_bytes INTEGER NOT NULL       -- size of the file
);
