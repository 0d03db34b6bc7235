-- 0088_reextract_progress: `newsflow reextract` resumes where an interrupted pass stopped.
--
-- A pass (one `reextract`, with its `--since`) used to start over after Ctrl-C, a kill or a power cut: each
-- batch is one transaction, so nothing was lost or doubled, but on a big warehouse it redid hours of work.
-- Now each batch records its articles in reextract_done in the transaction that writes them; the next
-- `reextract` with the same --since, by the same newsflow and trafilatura, skips them, and a pass that ends
-- empties both tables. A pass of another --since or extractor starts over (its progress is dropped).
CREATE TABLE reextract_pass (
    since       DATE,                   -- the pass's --since; NULL when it re-extracts every article
    extractor   VARCHAR     NOT NULL,   -- `newsflow <version> trafilatura <version>` of the pass
    started_at  TIMESTAMPTZ NOT NULL
);
CREATE TABLE reextract_done (
    article_id  VARCHAR     NOT NULL    -- re-extracted (or found unreadable) by the unfinished pass
);
