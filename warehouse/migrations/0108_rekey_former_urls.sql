-- 0108_rekey_former_urls: rows stored before "Analyst 54" under an AMP cache's or viewer's URL, or an IPv6 host in
-- another spelling, re-keyed as today's rule keys them (docs/search.md, "Analyst 55"; warehouse/README.md,
-- `articles_rekeyed`, `entries_rekeyed`).
--
-- Before, such an article kept the cache's URL (`https://www-x-com.cdn.ampproject.org/c/s/x.com/a`) or its page's
-- spelling of the address (`[2001:0db8:0:0:0:0:0:1]`): outlet(), `newsflow search --site` and dedup saw the cache (or
-- each spelling) as an outlet of its own, the publisher's own link to the article was a second article, and an entry
-- not fetched yet was fetched from the cache. SQL cannot canonicalise the URL a copy names nor compress an address,
-- so this migration's rewrite is a Python step run after this file, in the same transaction
-- (newsflow.warehouse.rekeys): articles and entries take their new canonical URL (and article id), the rows that are
-- then one are merged, and every row rewritten or merged away is kept whole below.
CREATE TABLE articles_rekeyed AS
SELECT *, NULL::VARCHAR AS rekeyed_to, NULL::TIMESTAMPTZ AS rekeyed_at FROM articles WHERE false;
CREATE TABLE entries_rekeyed AS
SELECT *, NULL::VARCHAR AS rekeyed_to, NULL::TIMESTAMPTZ AS rekeyed_at FROM entries WHERE false;
