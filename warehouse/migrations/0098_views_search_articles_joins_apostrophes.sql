-- 0098_views_search_articles_joins_apostrophes: no table changes; the views change (migration 0087: each views
-- change comes with a migration). docs/search.md, "Analyst 43".
--
-- warehouse/views/search.sql's search_articles (SQL) now looks a word the apostrophe rule joins up joined too, as
-- `newsflow search` does: `O'Brien` and `"Pat O'Brien"` also find `OBrien` and `Pat OBrien`
-- (search_apostrophes_joined); and it parses its query once, handing the parse to the terms, the stop words and
-- the alternatives (search_alts_terms and search_alts_stops replace search_query_terms and search_query_stops,
-- dropped here), where each bound the parser again. The phrase check (search_ranked_in, both paths) also reads the
-- text with the words the rule joins written joined (search_apostrophes_marked): `"Pat OBrien"` finds
-- `Pat O'Brien`, and a phrase with two such words finds them written any way.
DROP MACRO IF EXISTS search_query_terms;
DROP MACRO IF EXISTS search_query_stops;
