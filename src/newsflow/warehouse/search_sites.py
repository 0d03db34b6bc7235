"""The sites, feeds and languages the warehouse holds, as `newsflow search`'s filters compare them: for the hint that
names the stored sites a --site meant (`--site reuters` matched nothing, silently, before "Analyst 50"), and the
refusal of a --feed or --language nothing stored has."""

from __future__ import annotations

import duckdb

from newsflow.warehouse import search_index, search_run

# Per URL authority first (host, port, userinfo as stored), then each made its site once: a site's string work per
# article was 5-9x a search's time on 300,000 articles (search_index._counted's note).
_STORED_SITES = f"""
WITH authorities AS (SELECT split_part(a.canonical_url, '/', 3) AS raw, count(*) AS n FROM articles a GROUP BY raw)
SELECT {search_index.SITE_OF_AUTHORITY} AS site, sum(n)::BIGINT AS n FROM authorities GROUP BY site
ORDER BY n DESC, site"""


def stored_sites(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """Every stored article's site (its outlet, as the `stories` view and --site write it) with its
    number of articles, commonest first."""
    rows = search_run.execute(con, _STORED_SITES, {}).fetchall()
    return [(str(site), int(n)) for site, n in rows if site]


def feed_stored(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the warehouse knows the feed `name` (its `feeds` row, an entry or an article of it)."""
    row = search_run.execute(con, "SELECT EXISTS (SELECT 1 FROM feeds WHERE feed_id = $f) "
                                  "OR EXISTS (SELECT 1 FROM entries WHERE feed_id = $f) "
                                  "OR EXISTS (SELECT 1 FROM articles WHERE feed_id = $f)", {"f": name}).fetchone()
    return bool(row and row[0])


def stored_languages(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """The language codes (primary subtags, as --language compares them) of stored articles, commonest first."""
    rows = search_run.execute(con, "SELECT lower(split_part(replace(language, '_', '-'), '-', 1)) AS code, count(*) "
                                   "FROM articles WHERE coalesce(language, '') <> '' GROUP BY code ORDER BY 2 DESC, 1",
                              {}).fetchall()
    return [(str(code), int(n)) for code, n in rows]
