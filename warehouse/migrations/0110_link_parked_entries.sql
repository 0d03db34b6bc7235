-- 0110_link_parked_entries: a parked entry leads to the article its URL was stored as (docs/search.md, "Analyst 58").
-- Data dictionary: warehouse/README.md (entries).
--
-- Feed B's entry parked (its fetch failed for good), then feed A listed the same URL and stored it: the load linked
-- every unstored entry of the URL but the parked ones, so B's kept `article_id` NULL for good and `search --feed B`
-- missed the article. Loads now link them too (`link_parked_entries`, the same two joins limited to the batch); this
-- links the ones earlier versions left, to the article of their canonical URL or else to the one a stored entry of
-- that URL leads to (a page stored under the canonical it declared). Only `article_id` is set: they keep `parked_at`,
-- their attempts, last outcome and error, their own fetches' history.
UPDATE entries SET article_id = stored.article_id
FROM (
    SELECT canonical_url, arg_min(article_id, (rank, article_id)) AS article_id FROM (
        SELECT canonical_url, article_id, 0 AS rank FROM articles
        WHERE canonical_url IN (SELECT canonical_url FROM entries WHERE article_id IS NULL AND parked_at IS NOT NULL)
        UNION ALL
        SELECT canonical_url, article_id, 1 AS rank FROM entries
        WHERE article_id IS NOT NULL
          AND canonical_url IN (SELECT canonical_url FROM entries WHERE article_id IS NULL AND parked_at IS NOT NULL)
    ) GROUP BY canonical_url
) AS stored
WHERE entries.article_id IS NULL AND entries.parked_at IS NOT NULL AND entries.canonical_url = stored.canonical_url;

-- An article's `first_seen_at` is the earliest sighting of the entries that lead to it (warehouse/README.md): one of
-- them just linked was seen first when feed B listed the URL before A did. Lowered to it, and `ingest_latency` with
-- it, as a load does (`_fill_first_seen`); the `stories` view reads the entries and agrees.
UPDATE articles SET first_seen_at = seen.first_seen_at, ingest_latency = seen.first_seen_at - articles.published_at
FROM (
    SELECT article_id, min(first_seen_at) AS first_seen_at FROM entries
    WHERE article_id IS NOT NULL AND parked_at IS NOT NULL GROUP BY article_id
) AS seen
WHERE articles.article_id = seen.article_id AND (seen.first_seen_at < articles.first_seen_at OR articles.first_seen_at IS NULL);
