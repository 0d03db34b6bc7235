"""The sites the warehouse holds, as `newsflow search --site` compares them: for the hint that names the stored sites
a --site meant (`--site reuters` matched nothing, silently, before "Analyst 50")."""

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
