-- 0010_search_index: the full-text search index of `newsflow search` (docs/search.md).
-- Kept incrementally: each run indexes only the articles it stored (or whose text changed), so
-- its cost follows the new articles, not the warehouse. BM25 is computed at query time from
-- these tables; df and N are counted from them, so nothing global is rewritten per run.
-- Filled for the articles already stored by the first run after this migration (or by
-- `newsflow search --reindex`). No indexes: see 0007.

-- One row per indexed article. doc_id is a dense integer so that postings stay narrow.
CREATE TABLE search_docs (
    doc_id        INTEGER NOT NULL,
    article_id    VARCHAR NOT NULL,
    content_hash  VARCHAR NOT NULL,   -- the articles.content_hash indexed; a change means reindex
    "language"    VARCHAR NOT NULL,   -- the analyser's language: an ISO 639-1 code, or '' (no stemming)
    length        INTEGER NOT NULL    -- terms indexed (title counted twice), for BM25's length norm
);

-- The dictionary: one row per (language, stem).
CREATE TABLE search_terms (
    term_id     INTEGER NOT NULL,
    "language"  VARCHAR NOT NULL,
    term        VARCHAR NOT NULL
);

-- The surface forms seen for each term (lowercased words), so SQL can look a word up unstemmed.
CREATE TABLE search_forms (
    form     VARCHAR NOT NULL,
    term_id  INTEGER NOT NULL
);

-- One row per (term, article): how often the term occurs (title occurrences count twice), and the
-- article's length (search_docs.length, copied), so that a term's postings alone give each
-- article's BM25 impact: a query ranks a common word's best postings without joining the rest.
CREATE TABLE search_postings (
    term_id     INTEGER NOT NULL,
    doc_id      INTEGER NOT NULL,
    tf          USMALLINT NOT NULL,
    doc_length  INTEGER NOT NULL
);

-- The stop words left out of the index, per language, so queries skip them the same way.
CREATE TABLE search_stopwords (
    "language"  VARCHAR NOT NULL,
    word        VARCHAR NOT NULL
);
