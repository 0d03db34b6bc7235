-- 0106_outlets_fold_mobile_editions: a mobile or AMP edition is its outlet (docs/search.md, "Analyst 53";
-- warehouse/README.md, "Outlets").
--
-- The views change: warehouse/views/_outlets.sql's macro outlet_of_host (so outlet(url), and every view and named
-- query that counts or names outlets) drops, after "www.", a leading "m.", "mobile." or "amp." when what is left
-- still has a dot: m.bbc.co.uk, mobile.bbc.co.uk and amp.bbc.co.uk are bbc.co.uk; `m.example` stays itself. Before,
-- each was an outlet of its own in stories, story_articles, first_to_break, top_stories and the other named queries.
-- newsflow search (--site, --by source) and the story index's per-site lines (dedup.site_of_url) take the same rule.
--
-- story_lines: each line's site is stored (the furniture counts per site, newsflow.stories); an m. edition's lines
-- are made its outlet's here, as the next run writes them, so the two editions' furniture is counted together at
-- once rather than after story_lines' look-back. The stored site is already less "www.", so only the edition's
-- label goes (the rest of the macro's regex).
UPDATE story_lines SET site = regexp_replace(site, '^(?:m|mobile|amp)\.([^.]*\.)', '\1')
WHERE regexp_matches(site, '^(?:m|mobile|amp)\.[^.]*\.');
