"""Why a `newsflow search --site` may have found nothing (docs/search.md, "Analyst 50"): a --site that is no stored
article's site nor a subdomain's (`--site reuters` for reuters.com) filtered every article out, silently, and among
several sites it left that outlet's copies out while the counts looked complete."""

from __future__ import annotations

from collections.abc import Sequence

from newsflow.warehouse import QueryResult, Warehouse, search_sites

LISTED = 8
"""At most so many stored sites named in a hint."""


SITE_COLUMNS = ("site", "source", "first_outlet")
"""A search result's columns that name a matching article's site: a --site seen there needs no look-up."""


def site_hints(store: Warehouse, sites: Sequence[str], result: QueryResult) -> list[str]:
    """One line for each of `sites` (--site values as `cli_search.site_filter` reads them) that no stored article is
    from: the stored sites with it in their name, commonest first, or the commonest sites when none has. A site the
    search's `result` shows an article of is not looked up: the stored sites are a scan of every article's URL (about
    0.3 s over 300,000), paid only for a site unseen there."""
    unseen = _unseen(list(dict.fromkeys(sites)), result)
    if not unseen:
        return []
    with store.reading() as con:
        stored = search_sites.stored_sites(con)
    return [_hint(site, stored) for site in unseen if not _covered(site, stored)]


def _unseen(sites: list[str], result: QueryResult) -> list[str]:
    counted = result.columns.index("articles") if "articles" in result.columns else None
    matched = any(counted is None or row[counted] for row in result.rows)  # --by day's zero-filled rows match none
    if len(sites) == 1 and matched:  # every match is of the one site asked
        return []
    columns = [result.columns.index(name) for name in SITE_COLUMNS if name in result.columns]
    seen = [(str(row[i]), 0) for row in result.rows for i in columns]
    return [site for site in sites if not _covered(site, seen)]


def _covered(site: str, stored: Sequence[tuple[str, int]]) -> bool:
    """Whether an article is from `site` or a subdomain of it: what --site keeps."""
    return any(name == site or name.endswith("." + site) for name, _ in stored)


def _hint(site: str, stored: Sequence[tuple[str, int]]) -> str:
    near = [name for name, _ in stored if site in name]
    if not near:
        return (f"--site {site!r} is no stored article's site, and no stored site has {site!r} in its name; stored "
                f"sites, commonest first: {_listed([name for name, _ in stored]) or 'none'}")
    return (f"--site {site!r} is no stored article's site; stored sites with {site!r} in their name, commonest first: "
            f"{_listed(near)} (give the whole name, e.g. --site {near[0]})")


def _listed(names: Sequence[str]) -> str:
    return ", ".join(names[:LISTED]) + (", ..." if len(names) > LISTED else "")
