-- title: Attention to a search over time
-- description: What `newsflow search QUERY --by day|week` lists, from SQL: per day (UTC, or tz's) or ISO week,
-- description: the matching stories (each in the period of its first matching copy), articles and outlets, every
-- description: article collected then (all_articles) and the matches' share of them (empty for a period with
-- description: nothing collected), zero-filled. The search is read by the SQL macro search_articles, which finds
-- description: what newsflow search finds except prefixes and stems of unseen forms (docs/search.md, "From SQL").
-- description: feed, language and site narrow the matches and all_articles alike, as newsflow search's --feed,
-- description: --language and --site do (each takes several, comma-separated, as the option given twice does; a
-- description: value of commas alone is refused); tz is the time zone whose days since, until and the periods are
-- description: (--tz).
-- param: q = 'syria'   (the search, written as for newsflow search)
-- param: unit = 'day'   (day or week)
-- param: since = 1970-01-01   (the first day counted; left at 1970-01-01, the series starts at the first match)
-- param: until = 9999-12-31   (the last day counted; left as is, the series runs to the last period anything was collected in, not past today's, or to a later match)
-- param: tz = 'UTC'   (the time zone of the days, e.g. America/New_York, as newsflow search --tz)
-- param: feed = ''   (only the articles this feed carried, as --feed; several comma-separated, either of them: wire,herald; empty: every feed)
-- param: language = ''   (only articles in this language, as --language: en takes en-GB too, unknown those with none; several comma-separated: en,de; empty: every language)
-- param: site = ''   (only this site and its subdomains, as --site: reuters.com; several comma-separated, either of them: reuters.com,apnews.com; empty: every site)
-- columns: period, stories, articles, outlets, all_articles, share
WITH wanted AS (  -- each filter as a list (NULL: all); a feed name, language code or host has no comma
    SELECT (SELECT list(DISTINCT w) FROM (SELECT trim(unnest(string_split($feed, ','))) AS w) WHERE w <> '') AS feeds,
           (SELECT list(DISTINCT CASE WHEN lower(w) = 'unknown' THEN ''
                                      ELSE lower(split_part(replace(w, '_', '-'), '-', 1)) END)
            FROM (SELECT trim(unnest(string_split($language, ','))) AS w) WHERE w <> '') AS languages,
           (SELECT list(DISTINCT outlet(regexp_replace(  -- a site read as --site reads it: a host's trailing dot
                    CASE WHEN contains(w, '://') THEN w  -- goes (`m.example.`), before the rule sees its labels;
                         WHEN w LIKE '%:%:%' AND NOT starts_with(w, '[')  -- an IPv6 address bare,
                         THEN 'http://[' || w || ']'  -- in brackets, with a port, as a URL
                         ELSE 'http://' || w END, '^([a-z]+://[^/:?#\[]+)\.([:/?#]|$)', '\1\2')))
            FROM (SELECT trim(unnest(string_split(lower($site), ','))) AS w) WHERE w <> '') AS sites
),
checked AS (  -- `site=,` read as no site, every site, before "Analyst 51": a value of commas alone is refused
    SELECT * FROM wanted
    WHERE CASE WHEN trim($feed) <> '' AND feeds IS NULL THEN error('feed=' || $feed || ' names no feed: give one or '
                   || 'several comma-separated (wire,herald), or leave it empty for every feed')
               WHEN trim($language) <> '' AND languages IS NULL THEN error('language=' || $language || ' names no '
                   || 'language: give one or several comma-separated (en,de), or leave it empty for every language')
               WHEN trim($site) <> '' AND sites IS NULL THEN error('site=' || $site || ' names no site: give one or '
                   || 'several comma-separated (reuters.com,apnews.com), or leave it empty for every site')
               ELSE true END
),
dated AS (
    SELECT article_id, story_id, coalesce(published_at, fetched_at) AT TIME ZONE $tz AS appeared_at,
           outlet(canonical_url) AS site  -- the one outlet (warehouse/README.md, "Outlets"), an IPv6 literal's too
    FROM articles, checked
    WHERE (checked.feeds IS NULL OR list_contains(checked.feeds, feed_id)  -- a feed's articles: those it carried,
           OR article_id IN (SELECT e.article_id FROM entries e  -- not only those it carried first (Analyst 57);
                             WHERE e.article_id IS NOT NULL AND checked.feeds IS NOT NULL  -- NULLs: 176x slower
                               AND list_contains(checked.feeds, e.feed_id)))
      AND (checked.languages IS NULL
           OR list_contains(checked.languages, lower(split_part(replace(coalesce(language, ''), '_', '-'), '-', 1))))
),
collected_articles AS (  -- a site= takes its subdomains, as newsflow search's --site (search_index._IN_SITES)
    SELECT article_id, story_id, appeared_at, site
    FROM dated, checked
    WHERE appeared_at >= $since AND appeared_at < $until + 1
      AND (checked.sites IS NULL OR list_bool_or(list_transform(checked.sites, lambda s:
               site = s OR ends_with(site, '.' || s))))
      AND CASE WHEN $unit IN ('day', 'week') THEN true ELSE error('unit must be day or week, got ' || $unit) END
),
m AS (SELECT c.* FROM collected_articles c SEMI JOIN search_articles($q) s USING (article_id)),
bounds AS (
    SELECT date_trunc($unit, CASE WHEN $since = DATE '1970-01-01' THEN min(appeared_at) ELSE $since END) AS lo,
           date_trunc($unit, CASE WHEN $until = DATE '9999-12-31'
                                  THEN greatest(max(appeared_at), (SELECT max(appeared_at) FROM collected_articles
                                                                   WHERE date_trunc($unit, appeared_at)
                                                                         <= (now() AT TIME ZONE $tz)::DATE))
                                  ELSE $until END) AS hi
    FROM m
),
periods AS (
    SELECT unnest(generate_series(lo, hi, CASE WHEN $unit = 'week' THEN INTERVAL 7 DAY ELSE INTERVAL 1 DAY END))::DATE
           AS period
    FROM bounds WHERE lo IS NOT NULL
),
firsts AS (SELECT story_id, min(appeared_at) AS first_at FROM m GROUP BY story_id),
story_counts AS (SELECT date_trunc($unit, first_at)::DATE AS period, count(*) AS n FROM firsts GROUP BY 1),
article_counts AS (SELECT date_trunc($unit, appeared_at)::DATE AS period, count(*) AS n,
                          count(DISTINCT site) AS outlets FROM m GROUP BY 1),
collected AS (SELECT date_trunc($unit, appeared_at)::DATE AS period, count(*) AS n FROM collected_articles GROUP BY 1)
SELECT p.period, coalesce(s.n, 0) AS stories, coalesce(c.n, 0) AS articles, coalesce(c.outlets, 0) AS outlets,
       coalesce(t.n, 0) AS all_articles,
       CASE WHEN coalesce(t.n, 0) > 0 THEN round(coalesce(c.n, 0) / t.n, 6) END AS share
FROM periods p LEFT JOIN story_counts s USING (period) LEFT JOIN article_counts c USING (period)
     LEFT JOIN collected t USING (period)
ORDER BY p.period;
