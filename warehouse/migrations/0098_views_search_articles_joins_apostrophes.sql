-- 0098_views_search_articles_joins_apostrophes: no table changes; the views change (migration 0087: each views
-- change comes with a migration).
--
-- warehouse/views/search.sql's search_articles (SQL) now looks a word the apostrophe rule joins up joined too, as
-- `newsflow search` does (docs/search.md, "Analyst 43"): `O'Brien` and `"Pat O'Brien"` also find `OBrien` and
-- `Pat OBrien` (search_apostrophes_joined); and it parses its query once, handing the parse to the terms, the stop
-- words and the alternatives (search_alts_terms, search_alts_stops replace search_query_terms, search_query_stops),
-- which each bound the parser again.
DROP MACRO IF EXISTS search_query_terms;
DROP MACRO IF EXISTS search_query_stops;
