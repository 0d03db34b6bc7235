"""Find the feeds of a site: `<link rel="alternate">` in its page, then the usual paths.

`find_feed_links` is pure. `discover_feeds` fetches the page with the run's `Fetcher` (so the
same limits, SSRF guard and robots.txt apply), tries the URL itself, the page's links and the
common feed paths, and keeps the candidates that parse as feeds.

A page may advertise any number of links: only the first `MAX_PAGE_LINKS` are tried (with the
URL itself and the `COMMON_PATHS`, at most 24 requests), and the result says how many were left
out. Each candidate is parsed as a run parses it, keeping its newest `max_entries` (a run's
`polling.max_entries_per_feed`): parsed whole, in the command's own process, an archive feed of
200,000 items took 36 s of it (red team 28). URLs the SSRF guard refused (private, loopback or reserved addresses not in
`fetch.allowed_networks`) are reported as blocked, not as "no feed".
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from newsflow.config import PollingSettings
from newsflow.errors import FeedParseError
from newsflow.feedlinks import FEED_TYPES, find_feed_links
from newsflow.feeds import parse_feed
from newsflow.fetch import Fetcher
from newsflow.models import FetchResult, Outcome
from newsflow.opml import feed_name

__all__ = ["FEED_TYPES", "DiscoveredFeed", "Discovery", "candidate_urls", "discover_feeds", "find_feed_links"]

COMMON_PATHS = ("/feed", "/rss", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml", "/feeds/posts/default")
MAX_PAGE_LINKS = 16
MAX_CANDIDATES = 1 + MAX_PAGE_LINKS + len(COMMON_PATHS)
DEFAULT_MAX_ENTRIES = PollingSettings().max_entries_per_feed


@dataclass(frozen=True)
class DiscoveredFeed:
    name: str  # a suggested config name, unique among the results
    url: str  # the feed's URL after redirects
    title: str | None
    entries: int


@dataclass(frozen=True)
class Discovery:
    """What `discover_feeds` found, and what it could not try."""

    found: tuple[DiscoveredFeed, ...]
    blocked: tuple[tuple[str, str], ...]  # (url, why): refused by the SSRF guard
    tried: int  # candidate URLs fetched
    left_out: int  # advertised links beyond MAX_PAGE_LINKS, not fetched


def candidate_urls(url: str, page: FetchResult) -> tuple[list[str], int]:
    """The URL itself (it may be a feed), the page's first feed links, then the common paths at its origin;
    and how many more links the page advertised (not tried)."""
    base = page.final_url if page.ok else url
    links = [link for link in find_feed_links(page.text or "", base) if link != url] if page.ok else []
    parts = urlsplit(base)
    common = [f"{parts.scheme}://{parts.netloc}{path}" for path in COMMON_PATHS]
    candidates = list(dict.fromkeys([url, *links[:MAX_PAGE_LINKS], *common]))
    return candidates, max(0, len(links) - MAX_PAGE_LINKS)


async def discover_feeds(
    url: str, fetcher: Fetcher, taken_names: Iterable[str] = (), *, max_entries: int = DEFAULT_MAX_ENTRIES
) -> Discovery:
    """The feeds found for `url`, the page's own links first; one per final feed URL.

    Suggested names avoid `taken_names` (the feeds already configured) and each other. A feed's `entries` are
    those a run would take of it, at most `max_entries`.
    """
    page = await fetcher.fetch_article(url)
    if page.outcome is Outcome.BLOCKED:
        return Discovery((), ((url, page.error or "blocked"),), 1, 0)
    candidates, left_out = candidate_urls(url, page)
    results = await asyncio.gather(*(_try_feed(candidate, fetcher, max_entries) for candidate in candidates))
    found: list[DiscoveredFeed] = []
    names = set(taken_names)
    for result in results:
        if not isinstance(result, tuple) or any(f.url == result[0] for f in found):
            continue
        final_url, title, entries = result
        name = feed_name(title or "", final_url, names)
        names.add(name)
        found.append(DiscoveredFeed(name, final_url, title, entries))
    blocked = tuple(r for r in results if isinstance(r, _Blocked))
    return Discovery(tuple(found), tuple((b.url, b.why) for b in blocked), len(candidates), left_out)


@dataclass(frozen=True)
class _Blocked:
    url: str
    why: str


async def _try_feed(url: str, fetcher: Fetcher, max_entries: int) -> tuple[str, str | None, int] | _Blocked | None:
    result = await fetcher.fetch_feed(url)
    if result.outcome is Outcome.BLOCKED:
        return _Blocked(url, result.error or "blocked")
    if result.outcome is not Outcome.OK:
        return None
    try:
        parsed = parse_feed(result.body, feed_id="discovered", feed_url=result.final_url, headers=result.headers,
                            max_entries=max_entries)
    except FeedParseError:
        return None
    return result.final_url, parsed.title, len(parsed.entries)
