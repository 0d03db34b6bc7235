-- outlet(url): the outlet a page is from, the one definition of an outlet (a "source", a "site") for every view
-- and named query that counts or names outlets (warehouse/README.md, "Outlets"; docs/search.md, "Analyst 52"):
-- the host of the URL, lowercased, without its port, less a leading "www." (and, since 0106, a mobile or AMP
-- edition's "m.", "mobile." or "amp.", below). `www.herald.example` and
-- `herald.example` are one outlet; `news.bbc.co.uk` and `bbc.co.uk` are two (a subdomain may be another outlet:
-- abcnews.go.com and espn.go.com, alice.substack.com), and `newsflow search --site bbc.co.uk` takes both.
-- Not the page's sitename: one outlet's pages give it or not, and spell it differently ("The Herald", "Herald
-- Sport"), so counting it split one outlet in two (before 0104, seven named queries and two views counted
-- coalesce(sitename, host)). newsflow search's SQL (newsflow.warehouse.search_index._SITE) and
-- newsflow.dedup.site_of_url spell the same rule for a warehouse whose views predate this file;
-- tests/test_search_analyst52.py checks the three agree.
-- outlet_of_host(host) is the rule on a host already cut out of its URL (lower case).
-- Since 0106 (docs/search.md, "Analyst 53") a mobile or AMP edition is its outlet: after "www.", a leading "m.",
-- "mobile." or "amp." goes when what is left still has a dot, so m.bbc.co.uk and amp.theguardian.com are
-- bbc.co.uk and theguardian.com, and `m.example` (whose rest would be a top-level domain) stays itself.
-- newsflow.urls.outlet_of_host spells the same rule; tests/test_outlets53.py checks the three spellings agree.
-- Since 0107 ("Analyst 54") the fold never leaves a public suffix as newsflow.urls.site_of reads one: an edition's
-- label stays when what is left is a generic second-level label under a two-character top-level one (co.uk, com.au,
-- ne.jp) or a shared hosting suffix (blogspot.com), so m.co.uk and amp.blogspot.com are themselves (they were
-- co.uk and blogspot.com).
-- Since "Analyst 55" the rule is the fold of 0106 (newsflow.urls.EDITION_FOLD) and, when what it left is a public
-- suffix (newsflow.urls.SUFFIX_PATTERN, at most newsflow.urls.SUFFIX_CHARS characters long), the host less "www."
-- instead: 0107's one regex of two branches, each starting with the edition's label, took 2.2x the fold's time (RE2
-- cannot tell the branches apart by the next character, so it reads every host with its slower matcher), so outlet()
-- took 1.42x its time before 0107; this takes 1.03-1.10x. DuckDB computes the fold once, though it is written three
-- times (its common subexpressions), and asks the suffix's regex only of a fold of 13 characters or less.
-- tests/test_outlets54.py checks the macro is built of those very patterns.
-- The file's name starts with "_" so that it runs before the views that call it (view files run in name order).
CREATE OR REPLACE MACRO outlet_of_host(host) AS
CASE WHEN length(regexp_replace(host, '^(?:www\.)?(?:(?:m|mobile|amp)\.([^.]*\.))?', '\1')) <= 13
          AND regexp_matches(regexp_replace(host, '^(?:www\.)?(?:(?:m|mobile|amp)\.([^.]*\.))?', '\1'), '^(?:(?:ac|co|com|edu|go|gob|gov|mil|ne|net|or|org)\.[^.][^.]|appspot\.com|blogspot\.com|github\.io|gitlab\.io|herokuapp\.com|medium\.com|netlify\.app|pages\.dev|substack\.com|tumblr\.com|vercel\.app|wordpress\.com)$')
     THEN regexp_replace(host, '^www\.', '')
     ELSE regexp_replace(host, '^(?:www\.)?(?:(?:m|mobile|amp)\.([^.]*\.))?', '\1') END;

-- One regex cuts the host out (as the stories views did before 0104): 0.20 s per million URLs, where newsflow search's
-- four split_part took 0.30 s (docs/search.md, "Analyst 52"). It stops at an IPv6 literal's first colon (`[2001`), so
-- a host starting "[" is read again, as the address without brackets (dedup.site_of_url's `2001:db8::1`): one
-- regex with both forms took 3x the time on every URL (review).
CREATE OR REPLACE MACRO outlet(url) AS
outlet_of_host(lower(CASE WHEN starts_with(regexp_extract(url, '^[A-Za-z]+://([^/:?#]+)', 1), '[')
                          THEN regexp_extract(url, '^[A-Za-z]+://\[([^\]/?#]*)\]', 1)
                          ELSE regexp_extract(url, '^[A-Za-z]+://([^/:?#]+)', 1) END));
