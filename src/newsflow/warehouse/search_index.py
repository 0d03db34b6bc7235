"""The search index's queries (migration 0010, warehouse/views/search.sql): rank stories, count
attention, and the few lookups `newsflow search` needs; a warehouse without the index is one clear error.

The writes (which articles to index, their docs, terms, postings and forms) are `search_writes`'s
(split from this module by perf9, unchanged), re-exported here for the callers that name them so.
Analysis (tokens, stems, stop words) is `newsflow.search_text`'s.
Running a statement (its time zone, the words macro, errors) is `search_run`'s (split by the review of "Analyst 49").
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date
from typing import Any

import duckdb

from newsflow.errors import InputError, WarehouseError
from newsflow.urls import OUTLET_PATTERN
from newsflow.warehouse import refetches, search_run, search_topk, search_writes
from newsflow.warehouse.reads import QueryResult

ArticleText = search_writes.ArticleText
IndexedDoc = search_writes.IndexedDoc
articles_to_index = search_writes.articles_to_index
run_articles_to_index = search_writes.run_articles_to_index
run_refetched_to_index = refetches.run_refetched_to_index
read_article_texts = search_writes.read_article_texts
write_docs = search_writes.write_docs
lookup_terms = search_writes.lookup_terms
terms_around = search_writes.terms_around
terms_with_prefix = search_writes.terms_with_prefix
clear_index = search_writes.clear_index
# Running a statement (in a zone, with the words macro where it may be) is search_run's, re-exported for callers.
ranked_by_words = search_run.ranked_by_words
NO_INDEX = search_run.NO_INDEX


def _run(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> QueryResult:
    """`sql` run in its zone (search_run), without the feed's entries clause when no feed is asked."""
    if params.get("feed") is None:
        sql = sql.replace(_CARRIED, "")
    return search_run.run_in_zone(con, sql, params)


_execute = search_run.execute


def unindexed_count(con: duckdb.DuckDBPyConnection) -> int:
    """Stored articles minus indexed ones: two counts DuckDB answers from metadata."""
    row = _execute(con, "SELECT (SELECT count(*) FROM articles) - (SELECT count(*) FROM search_docs)").fetchone()
    return int(row[0]) if row else 0


def indexed_languages(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in _execute(con, "SELECT DISTINCT language FROM search_docs ORDER BY 1").fetchall()]


# --- queries ------------------------------------------------------------------------------

UTC = search_run.UTC
RANKED_TYPES = search_topk.RANKED_TYPES
# The stories view's site (the macro `outlet`), its host cut out without a regex per matching article. An IPv6
# literal (`[2001:db8::1]:8443`) is cut at its "]", not its first colon (`[2001`: every such outlet was one), and
# without brackets, as `outlet` and dedup.site_of_url spell it. A CASE choosing a regex for it took 1.6x main's time
# on every URL, this delimiter 1.3x (docs/search.md, "Search 53").
_URL_AUTHORITY = "split_part(a.canonical_url, '/', 3)"
_HOST = (f"lower(split_part(split_part(split_part(ltrim({_URL_AUTHORITY}, '['), "
         f"if(starts_with({_URL_AUTHORITY}, '['), ']', ':'), 1), '?', 1), '#', 1))")
# The host less "www." and a mobile or AMP edition's "m.", "mobile." or "amp." (since "Analyst 53"; urls.outlet_of_host
# says when, never leaving a public suffix since "Analyst 54"): the macro `outlet_of_host`'s one regex, spelt here for
# a warehouse whose views predate 0107.
_SITE = fr"regexp_replace({_HOST}, '{OUTLET_PATTERN}', '\1\2')"
_RANKED = f"""search_ranked($terms::{RANKED_TYPES['terms']}, $stops::{RANKED_TYPES['stops']},
                             $alts::{RANKED_TYPES['alts']})"""
# Each filter is a list (`--site a --site b`: either; docs/search.md "Analyst 49"): a site matches one of the
# `$site`s or is a subdomain of one.
_IN_SITES = "list_bool_or(list_transform($site::VARCHAR[], lambda s: {site} = s OR ends_with({site}, '.' || s)))"
# A feed's articles are those it carried: an entry of it leads to the article. `articles.feed_id` is only the feed
# that carried it first, so a section feed (`bbc-politics`) repeating a story the outlet's main feed listed in the
# same poll had none of it before "Analyst 57"; `a.feed_id` is kept for articles with no entry (loaded by tests).
# Without --feed the entries' clause is taken out of the statement (`_run`): DuckDB plans and runs the subquery
# whatever `$feed` is (1.1-1.3x a statement's CPU with --language alone at 100,000 articles, bench.search_feeds).
# Unlinked entries (article_id NULL: waiting, parked) are kept out, as in search_attention.sql, where their NULLs
# made the correlated subquery cost their square (28 s for 40,000 of them: "Review of analyst 57, mended").
_CARRIED = """
           OR a.article_id IN (SELECT e.article_id FROM entries e
                               WHERE e.article_id IS NOT NULL AND list_contains($feed::VARCHAR[], e.feed_id))"""
_IN_FEEDS = f"""($feed::VARCHAR[] IS NULL OR list_contains($feed::VARCHAR[], a.feed_id){_CARRIED})"""
_UNSITED_FILTERS = f"""($since IS NULL OR coalesce(a.published_at, a.fetched_at) >= $since::DATE)
      AND ($until IS NULL OR coalesce(a.published_at, a.fetched_at) < $until::DATE + 1)
      AND {_IN_FEEDS}
      AND ($language::VARCHAR[] IS NULL
           OR list_contains($language::VARCHAR[],
                            lower(split_part(replace(coalesce(a.language, ''), '_', '-'), '-', 1))))"""
_FILTERS = f"""{_UNSITED_FILTERS}
      AND ($site::VARCHAR[] IS NULL OR {_IN_SITES.format(site=_SITE)})"""
# Top stories without joining every match with `articles`: the best `$depth` matching articles
# name the candidate stories, and only those stories' copies are read. Exact whenever those
# articles hold `$limit` stories or all the matches (ranked_stories checks, and widens). Only the
# articles `$docs` are ranked (search_topk's candidates; NULL: all), so it also returns the last
# top article's score, which ranked_stories compares with the candidates' cut.
_RANKED_IN = f"""search_ranked_in($terms::{RANKED_TYPES['terms']}, $stops::{RANKED_TYPES['stops']},
                                 $alts::{RANKED_TYPES['alts']}, {{docs}}, $dfs::STRUCT(term_id INTEGER, n BIGINT)[])"""


_FILTER_KEYS = ("since", "until", "feed", "language", "site")
# The matches, filtered only when a filter is given: a search without filters is planned without the
# filters' join (binding and optimising the statement is most of a search's cost on a small store:
# the branch not taken cost ~16% of it).
_FILTERED = {False: "(SELECT * FROM ranked)",
             True: f"""(SELECT r.* FROM ranked r
      SEMI JOIN (SELECT article_id FROM articles a WHERE {_FILTERS}) f USING (article_id))"""}


# The copies of the top stories that were not ranked (not candidates): ranked_stories ranks them
# too, so that a story's copies are counted whole (with every article ranked there are none).
_COPIES = """(SELECT coalesce(list(d.doc_id), [])::INTEGER[] FROM articles a JOIN search_docs d USING (article_id)
               WHERE $docs::INTEGER[] IS NOT NULL AND a.story_id IN (SELECT story_id FROM top_stories)
                 AND d.doc_id NOT IN (SELECT unnest($docs::INTEGER[])))"""
_STORIES_SQL = f"""
WITH ranked AS (SELECT * FROM {_RANKED_IN.format(docs="$docs::INTEGER[]")}),
e0 AS {{matches}},
top_articles AS (SELECT article_id, score FROM e0 ORDER BY score DESC, article_id LIMIT $depth),
top_stories AS (SELECT a.story_id, max(t.score) AS score FROM top_articles t JOIN articles a USING (article_id)
                GROUP BY a.story_id ORDER BY score DESC, a.story_id LIMIT $limit),
e AS (SELECT * FROM e0),
m AS (SELECT a.article_id, a.story_id, a.title, {_SITE} AS site, e.score, a.canonical_url,
             coalesce(a.published_at, a.fetched_at) AS appeared_at
      FROM articles a JOIN e USING (article_id)
      WHERE a.story_id IN (SELECT story_id FROM top_stories))
SELECT story_id, arg_max(title, score) AS title, count(DISTINCT site) AS outlets, count(*) AS articles,
       arg_min(site, (appeared_at, article_id)) AS first_outlet,
       arg_min(canonical_url, (appeared_at, article_id)) AS first_url, min(appeared_at) AS first_seen,
       max(appeared_at) AS last_seen, round(max(score), 3) AS score,
       (SELECT count(*) FROM top_articles) AS considered, (SELECT count(*) FROM top_stories) AS found,
       (SELECT min(score) FROM top_articles) AS last_score, {_COPIES} AS unranked
FROM m GROUP BY story_id
ORDER BY score DESC, outlets DESC, story_id
"""
STORIES_SQL = {filtered: _STORIES_SQL.format(matches=matches) for filtered, matches in _FILTERED.items()}
"""The top stories' statement, without filters (False) and with them (True)."""
_LANGUAGE = "lower(split_part(replace(coalesce(a.language, ''), '_', '-'), '-', 1))"
_MATCHES = f"""
    SELECT a.article_id, a.story_id, a.title, a.feed_id, {_SITE} AS site, r.score,
           coalesce(a.published_at, a.fetched_at) AS appeared_at, a.canonical_url,
           CASE WHEN {_LANGUAGE} = '' THEN 'unknown' ELSE {_LANGUAGE} END AS language,
           split_part(a.canonical_url, '/', 3) AS authority
    FROM {_RANKED} r
    JOIN articles a USING (article_id)
    WHERE {_FILTERS}
"""
_PERIOD = {"day": "day", "week": "week"}


def search_params(inputs: dict[str, list[dict[str, Any]]], since: date | None, until: date | None,
                  feed: str | Sequence[str] | None, language: str | Sequence[str] | None,
                  site: str | Sequence[str] | None = None, tz: str = UTC) -> dict[str, Any]:
    """The statement's parameters; `tz` (a name `time_zone_named` returned) is no parameter but the session's
    time zone (`_run`), in which `since`, `until` and every day are read."""
    return {**inputs, "since": since, "until": until, "feed": listed(feed), "language": listed(language),
            "site": listed(site), "tz": tz}


def listed(value: str | Sequence[str] | None) -> list[str] | None:
    """A filter as the statements take it: a list of the values any of which an article may have (sorted, once
    each, so that the order given changes nothing), or None for no filter."""
    if value is None:
        return None
    return sorted({value} if isinstance(value, str) else set(value))


STORY_DEPTH = 50
"""Matching articles read per story asked for, before widening (syndication: copies per story)."""


PRUNE_WIDTH = 4
"""Anchor postings kept per top article wanted, before widening (search_topk)."""


def ranked_stories(con: duckdb.DuckDBPyConnection, params: dict[str, Any], limit: int, *,
                   prune: bool = True) -> QueryResult:
    """The `limit` best stories; widens the candidates until they hold `limit` stories or every match.

    Only the articles that can still be among the best (`search_topk.candidates`) are ranked; when
    the best of them cannot be proven the best of all, the candidates widen 8x. `prune=False`
    ranks every match (the exact reference the tests and bench/search.py compare with).
    """
    filtered = any(params[k] is not None for k in _FILTER_KEYS)
    sql = STORIES_SQL[filtered]
    fixed = {k: v for k, v in params.items() if filtered or k not in _FILTER_KEYS}
    depth = max(limit, 1) * STORY_DEPTH
    width, rank = depth * PRUNE_WIDTH, depth
    if prune:  # a rare anchor: its articles are fewer than pruning would take; rank them all
        bound = search_topk.anchor_bound(lambda sql, args: _execute(con, sql, args), params)
        # a phrase or an exclusion can leave candidates out and widen them 8x: within that, rank all
        narrowing = any(a["pattern"] is not None or a["negated"] for a in params["alts"])
        prune = bound is None or bound > width * (8 if narrowing else 1)
    while True:
        found = search_topk.candidates(lambda sql, args: _execute(con, sql, args), params, width, rank) \
            if prune else search_topk.EVERY_ARTICLE
        result = _run(con, sql, {**fixed, "limit": limit, "depth": depth, "docs": found.docs, "dfs": found.dfs})
        considered, stories, last, unranked = result.rows[0][-4:] if result.rows else (0, 0, None, [])
        if not search_topk.proven(found, considered, depth, last):
            width, rank = width * 8, rank * 8
            continue
        if unranked and not found.complete:  # the top stories' other copies: below the top, they change only counts
            found = dataclasses.replace(found, docs=[*(found.docs or []), *unranked])
            result = _run(con, sql, {**fixed, "limit": limit, "depth": depth, "docs": found.docs, "dfs": found.dfs})
        if stories >= limit or considered < depth:
            return QueryResult(result.columns[:-4], [row[:-4] for row in result.rows])
        depth *= 10
        width, rank = max(width, depth * PRUNE_WIDTH), max(rank, depth)


ARTICLE_ORDER = {"relevance": "m.score DESC, article_id", "newest": "m.appeared_at DESC NULLS LAST, article_id",
                 "oldest": "m.appeared_at NULLS LAST, article_id"}
"""`newsflow search --articles --sort`: best first, or by date (`published_at`, else `fetched_at`)."""
ARTICLES_SQL = {sort: f"""
WITH m AS ({_MATCHES})
SELECT article_id, story_id, site, feed_id, appeared_at AS published_at, language, title,
       canonical_url AS url, round(score, 3) AS score
FROM m ORDER BY {order} LIMIT $limit""" for sort, order in ARTICLE_ORDER.items()}
"""Every matching article, in each order: the export of a query's matches (`newsflow search --articles`)."""


def matching_articles(con: duckdb.DuckDBPyConnection, params: dict[str, Any], limit: int,
                      sort: str = "relevance") -> QueryResult:
    return _run(con, ARTICLES_SQL[sort], {**params, "limit": limit})


TOP_WORDS_SAMPLE = 1000
"""--by word reads the words of the best-ranked matches only, as Media Cloud's top words read a sample."""
_TOP_WORDS_SQL = f"""
WITH m AS ({_MATCHES}),
best AS (SELECT article_id, story_id FROM m ORDER BY score DESC, article_id LIMIT {{sample}}),
d AS (SELECT s.doc_id, best.story_id FROM best JOIN search_docs s USING (article_id)),
p AS (SELECT p.term_id, d.doc_id, d.story_id FROM search_postings p JOIN d USING (doc_id)),
forms AS (SELECT term_id, form FROM search_forms WHERE term_id IN (SELECT DISTINCT term_id FROM p)
          AND NOT regexp_full_match(form, '[A-Z]+')),  -- an acronym term (`US`) is its word's (`us`) again
named AS (SELECT term_id, arg_min(form, (length(form), form = search_unaccented(form), form)) AS word
          FROM forms GROUP BY term_id),
bare AS (SELECT DISTINCT a.term_id AS accented, b.term_id FROM forms a JOIN forms b
         ON b.form = search_unaccented(a.form) AND b.form <> a.form AND b.term_id <> a.term_id),
words AS (SELECT * FROM p ANTI JOIN (SELECT p.doc_id, b.term_id FROM p JOIN bare b ON p.term_id = b.accented) x
          USING (doc_id, term_id))
SELECT n.word, count(DISTINCT w.story_id) AS stories, count(DISTINCT w.doc_id) AS articles
FROM words w JOIN named n USING (term_id)
GROUP BY n.word ORDER BY articles DESC, stories DESC, n.word LIMIT $limit"""
"""The words the best `TOP_WORDS_SAMPLE` matching articles use most (`--by word`): per word (a stem's
shortest form seen), the stories and articles among them holding it. A word with accents is indexed
under its bare form too (search_text.unaccented): an article holding it counts for the accented word
only (`zürich`, not `zürich` and `zurich`)."""


# Every article collected per period under the same filters as the matches, the query aside: the denominator of
# `share` (Media Cloud's "% of stories": raw counts rise with the feeds polled); one scan of two columns.
# Without --site, its clause is left out: DuckDB worked out the site of every article for it (a scan of the whole
# warehouse here, where the matches' filters read only the matches), `$site IS NULL` notwithstanding. With --site,
# the articles are counted per URL authority first and the site's test made once per group (`_counted`).
# Each article's UTC day as a number (days since 1970, floored): integer arithmetic, where date_trunc on a
# TIMESTAMPTZ goes through ICU per row (0.17-0.27 s against 0.004-0.03 s over 300,000 articles); the few
# days are then made periods.
_DAY_NUMBER = ("(epoch_us(coalesce(a.published_at, a.fetched_at)) // 86400000000"
               " - (epoch_us(coalesce(a.published_at, a.fetched_at)) % 86400000000 < 0)::BIGINT)")
_COLLECTED = """collected AS (
    SELECT date_trunc('{unit}', DATE '1970-01-01' + key::INTEGER)::DATE AS period, sum(n)::BIGINT AS n
    FROM ({counted}) GROUP BY 1)"""
# In another time zone (--tz) the totals are counted per UTC minute, as numbers, and each minute made its local day
# once (ICU, through the session's TimeZone): per article that cost 0.11-0.14 s over 300,000 articles against
# 0.02-0.03 s so. A minute is exact where every local midnight falls on a whole UTC minute: in ICU's data, every zone
# from 1972-01-08 to 2040 (checked); before, 370 zones' midnights fall off the minute (LMT, Monrovia's -0:44:30), so an
# instant before 1972-01-08 (63,676,800 s) keeps its whole second, which every offset is.
_SECOND = ("(epoch_us(coalesce(a.published_at, a.fetched_at)) // 1000000"
           " - (epoch_us(coalesce(a.published_at, a.fetched_at)) % 1000000 < 0)::BIGINT)")
_MINUTE_OR_SECOND = f"(CASE WHEN {_SECOND} >= 63676800 THEN {_SECOND} // 60 * 60 ELSE {_SECOND} END)"
_COLLECTED_LOCAL = """collected AS (
    SELECT date_trunc('{unit}', make_timestamptz(key * 1000000)::DATE)::DATE AS period, sum(n)::BIGINT AS n
    FROM ({counted}) GROUP BY 1)"""
# Without --until a series runs to the last period anything was collected in (under the filters), not to the last
# match: every query's series then ends on the same day, and the days after its last match are 0s, not missing.
# Not past today: an article a feed dates in the future would stretch every series to its day.
_LAST_COLLECTED = "SELECT max(period) FROM collected WHERE period <= current_date"
_LANGUAGE_NAMED = "CASE WHEN {language} = '' THEN 'unknown' ELSE {language} END".format(
    language=_LANGUAGE.replace("a.language", "raw"))
_AUTHORITY = "split_part(a.canonical_url, '/', 3)"
_SITE_OF_AUTHORITY = _SITE.replace(_AUTHORITY, "raw")
_AUTHORITY_IN_SITE = _IN_SITES.format(site=_SITE_OF_AUTHORITY)
SITE_OF_AUTHORITY = _SITE_OF_AUTHORITY  # a raw URL authority's site, for search_sites' list of stored sites


def _counted(key: str, site: bool) -> str:
    """Every article under the filters, the query aside, counted per `key` (an expression of `a`): with --site
    (`site`), per key and URL authority first, so that the site's string work is done once per group: done per
    article, the --site clause made --by day|week|source|language 5-9x main's time on 300,000 articles over 3 months."""
    if not site:
        return f"SELECT {key} AS key, count(*) AS n FROM articles a WHERE {_UNSITED_FILTERS} GROUP BY 1"
    return f"""SELECT key, sum(n)::BIGINT AS n
        FROM (SELECT {key} AS key, {_AUTHORITY} AS raw, count(*) AS n FROM articles a WHERE {_UNSITED_FILTERS}
              GROUP BY 1, 2)
        WHERE {_AUTHORITY_IN_SITE} GROUP BY 1"""


# --by source|language: per site (language), the matching stories and articles, every article of that site
# (language) under the filters (`all_articles`, the query aside) and the matches' share of them. The articles are
# counted per raw URL authority (language tag) first: the site's string work is then done once per group, not per
# article (4-6x the time of the matches alone when done per article, at 300,000 articles); a period's outlets so too.
_SHARES_SQL = f"""
WITH m AS ({_MATCHES}),
counts AS (SELECT {{column}} AS key, count(DISTINCT story_id) AS stories, count(*) AS articles FROM m GROUP BY 1),
raws AS (SELECT key AS raw, n FROM ({{counted}})),
collected AS (SELECT {{key}} AS key, sum(n)::BIGINT AS n FROM raws GROUP BY 1)
SELECT key AS {{by}}, stories, articles, n AS all_articles, round(articles / n, 6) AS share
FROM counts JOIN collected USING (key) ORDER BY stories DESC, articles DESC, key"""


def attention_sql(by: str, site: bool = True, utc: bool = True, story_share: bool = False) -> str:
    """The statement of `--by` (`site`: a --site is given, its clause then in the totals' scan; `utc`: the days are
    UTC days, counted as numbers, else the session time zone's)."""
    if by == "word":  # the sample read when called, so a test can set it lower
        return _TOP_WORDS_SQL.replace("{sample}", str(int(TOP_WORDS_SAMPLE)))
    if by in ("source", "language"):
        return _SHARES_SQL.format(by=by, column="site" if by == "source" else "language",
                                  counted=_counted(_AUTHORITY if by == "source" else "a.language", site),
                                  key=_SITE_OF_AUTHORITY if by == "source" else _LANGUAGE_NAMED)
    sql = _periods_sql(by, _PERIOD[by], site, utc)
    pieces = _STORY_SHARE if story_share else dict.fromkeys(_STORY_SHARE, "")
    # without --site its clause is left out, as from the totals' scan (the site of every article was worked out)
    ctes = pieces["ctes"].replace("{unit}", _PERIOD[by]).replace("{filters}", _FILTERS if site else _UNSITED_FILTERS)
    return sql.replace("{story_share_ctes}", ctes).replace(
        "{story_share}", pieces["columns"]).replace("{story_share_joins}", pieces["joins"])


# --story-share: the matching stories' share of every story collected per period, each story on both sides counted in
# the period of its first copy under the filters (matching or not), so that a story is in one period above and below
# the line and the share never passes 1; `stories` keeps its first matching copy's period (docs/search.md).
_STORY_SHARE = {"ctes": """,
story_firsts AS (SELECT a.story_id, min(coalesce(a.published_at, a.fetched_at)) AS first_at FROM articles a
                 WHERE {filters} GROUP BY 1),
story_periods AS (SELECT story_id, date_trunc('{unit}', first_at)::DATE AS period FROM story_firsts),
all_stories AS (SELECT period, count(*) AS n FROM story_periods GROUP BY 1),
matched_stories AS (SELECT period, count(*) AS n FROM story_periods SEMI JOIN m USING (story_id) GROUP BY 1)""",
                "columns": """, coalesce(al.n, 0) AS all_stories,
       CASE WHEN coalesce(al.n, 0) > 0 THEN round(coalesce(ms.n, 0) / al.n, 6) END AS story_share""",
                "joins": " LEFT JOIN all_stories al USING (period) LEFT JOIN matched_stories ms USING (period)"}


def _periods_sql(by: str, unit: str, site: bool, utc: bool) -> str:
    return f"""
WITH m AS ({_MATCHES}),
firsts AS (SELECT story_id, min(appeared_at) AS first_at FROM m GROUP BY story_id),
{(_COLLECTED if utc else _COLLECTED_LOCAL).format(unit=unit, counted=_counted(_DAY_NUMBER if utc else _MINUTE_OR_SECOND,
                                                                                    site))},
bounds AS (SELECT date_trunc('{unit}', coalesce($since::DATE, min(appeared_at)::DATE)) AS lo,
                  date_trunc('{unit}', coalesce($until::DATE,
                                                greatest(max(appeared_at), ({_LAST_COLLECTED}))::DATE)) AS hi
           FROM m),
periods AS (SELECT unnest(generate_series(lo, hi, INTERVAL 1 {unit}))::DATE AS period FROM bounds
            WHERE lo IS NOT NULL AND CASE WHEN date_diff('{unit}', lo, hi) >= $max_periods
                THEN error('{_TOO_MANY}--by {by} would list ' || (date_diff('{unit}', lo, hi) + 1) || ' periods, '
                           || lo::DATE || ' to ' || hi::DATE || ' (at most ' || $max_periods
                           || '); narrow them with --since and --until{' or use --by week' if by == 'day' else ''}')
                ELSE true END){{story_share_ctes}},
story_counts AS (SELECT date_trunc('{unit}', first_at)::DATE AS period, count(*) AS n FROM firsts GROUP BY 1),
article_counts AS (SELECT period, sum(n)::BIGINT AS n, count(DISTINCT {_SITE_OF_AUTHORITY}) AS outlets
                   FROM (SELECT date_trunc('{unit}', appeared_at)::DATE AS period, authority AS raw, count(*) AS n
                         FROM m GROUP BY 1, 2) GROUP BY 1)
SELECT p.period, coalesce(s.n, 0) AS stories, coalesce(c.n, 0) AS articles, coalesce(c.outlets, 0) AS outlets,
       coalesce(t.n, 0) AS all_articles,
       CASE WHEN coalesce(t.n, 0) > 0 THEN round(coalesce(c.n, 0) / t.n, 6) END AS share{{story_share}}
FROM periods p LEFT JOIN story_counts s USING (period) LEFT JOIN article_counts c USING (period)
     LEFT JOIN collected t USING (period){{story_share_joins}}
ORDER BY p.period"""


MAX_PERIODS = 100_000
"""--by day|week lists at most this many periods (274 years of days): dates far apart, given or
stored (a feed that dates an article in the year 1), would otherwise print millions of zeros."""
_TOO_MANY = "newsflow: too many periods: "


def attention(con: duckdb.DuckDBPyConnection, params: dict[str, Any], by: str, limit: int = 20, *,
              story_share: bool = False) -> QueryResult:
    extra = {"max_periods": MAX_PERIODS} if by in _PERIOD else {"limit": limit} if by == "word" else {}
    try:
        return _run(con, attention_sql(by, site=params["site"] is not None, utc=params["tz"] == UTC,
                                       story_share=story_share and by in _PERIOD),
                    {**params, **extra})
    except WarehouseError as exc:
        if _TOO_MANY not in str(exc):
            raise
        raise InputError(str(exc).split(_TOO_MANY, 1)[1]) from exc


def time_zone_names() -> list[str]:
    """The time zones DuckDB's ICU (built into the wheel: no download) knows, read from an in-memory database, so
    that a --tz is checked before, and without, the warehouse."""
    with duckdb.connect() as con:
        return [str(r[0]) for r in con.execute("SELECT name FROM pg_timezone_names() ORDER BY 1").fetchall()]
