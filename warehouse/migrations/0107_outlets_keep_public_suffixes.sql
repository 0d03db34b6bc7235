-- 0107_outlets_keep_public_suffixes: a mobile or AMP edition's fold never leaves a public suffix (docs/search.md,
-- "Analyst 54"; warehouse/README.md, "Outlets").
--
-- The views change: warehouse/views/_outlets.sql's macro outlet_of_host keeps an edition's "m.", "mobile." or
-- "amp." when what is left is a public suffix as newsflow.urls.site_of reads one (a generic second-level label under
-- a two-character top-level one, co.uk, com.au, ne.jp; or a shared hosting suffix, blogspot.com): m.co.uk,
-- amp.com.au and m.blogspot.com are themselves again, in every view and named query; under 0106 they were co.uk,
-- com.au and blogspot.com. newsflow search (--site, --by source) and the story index's per-site lines
-- (dedup.site_of_url) take the same rule.
--
-- warehouse/views/search.sql's search_phrase_pieces reads a text of ASCII, Latin-1 (less µ and ß), Latin Extended-A
-- (less İ ı ŉ ſ), € and General Punctuation by a shorter path to the same text: no search result changes, a phrase
-- search takes ~0.7x the time on English text (docs/search.md, "Analyst 54"). No table changes for it.
--
-- story_lines: 0106 rewrote such an edition's stored site to the suffix (m.co.uk's lines to co.uk); each such line is
-- given back its article's host less "www." (the views are recreated after the migrations, so the new macro cannot
-- be called here: the rule is spelt out).
UPDATE story_lines SET site = a.host
FROM (SELECT article_id,
             regexp_replace(lower(regexp_extract(canonical_url, '^[A-Za-z]+://([^/:?#]+)', 1)), '^www\.', '') AS host
      FROM articles) a
WHERE story_lines.article_id = a.article_id
  AND regexp_matches(story_lines.site, '^(?:(?:ac|co|com|edu|go|gob|gov|mil|ne|net|or|org)\.[^.][^.]|appspot\.com|blogspot\.com|github\.io|gitlab\.io|herokuapp\.com|medium\.com|netlify\.app|pages\.dev|substack\.com|tumblr\.com|vercel\.app|wordpress\.com)$')
  AND a.host IN ('m.' || story_lines.site, 'mobile.' || story_lines.site, 'amp.' || story_lines.site);
