"""Find the feeds of a site: `<link rel="alternate">` in its page, then the usual paths.

`find_feed_links` is pure. `discover_feeds` fetches the page with the run's `Fetcher` (so the
same limits, SSRF guard and robots.txt apply), tries the URL itself, the page's links and the
common feed paths, and keeps the candidates that parse as feeds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from newsflow.errors import FeedParseError
from newsflow.feeds import parse_feed
from newsflow.fetch import Fetcher
from newsflow.models import FetchResult, Outcome
from newsflow.opml import feed_name

FEED_TYPES = frozenset({
    "application/rss+xml", "application/atom+xml", "application/feed+json", "application/json",
    "application/rdf+xml",
})
COMMON_PATHS = ("/feed", "/rss", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml", "/feeds/posts/default")


@dataclass(frozen=True)
class DiscoveredFeed:
    name: str  # a suggested config name, unique among the results
    url: str  # the feed's URL after redirects
    title: str | None
    entries: int


class _FeedLinkParser(HTMLParser):
    def __init__(self, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): (value or "").strip() for name, value in attrs}
        if tag == "base" and values.get("href"):
            self.base_url = urljoin(self.base_url, values["href"])
        elif tag == "link" and _is_feed_link(values):
            self.links.append(urljoin(self.base_url, values["href"]))


def _is_feed_link(attrs: dict[str, str]) -> bool:
    rels = attrs.get("rel", "").lower().split()
    kind = attrs.get("type", "").lower().split(";")[0].strip()
    return "alternate" in rels and kind in FEED_TYPES and bool(attrs.get("href"))


def find_feed_links(html: str, base_url: str) -> list[str]:
    """Absolute URLs of the feeds a page advertises, in page order, without repeats."""
    parser = _FeedLinkParser(base_url)
    parser.feed(html)
    parser.close()
    return [link for link in dict.fromkeys(parser.links) if urlsplit(link).scheme in ("http", "https")]


def candidate_urls(url: str, page: FetchResult) -> list[str]:
    """The URL itself (it may be a feed), the page's feed links, then the common paths at its origin."""
    base = page.final_url if page.ok else url
    links = find_feed_links(page.text or "", base) if page.ok else []
    parts = urlsplit(base)
    common = [f"{parts.scheme}://{parts.netloc}{path}" for path in COMMON_PATHS]
    return list(dict.fromkeys([url, *links, *common]))


async def discover_feeds(url: str, fetcher: Fetcher, taken_names: Iterable[str] = ()) -> list[DiscoveredFeed]:
    """The feeds found for `url`, the page's own links first; one per final feed URL.

    Suggested names avoid `taken_names` (the feeds already configured) and each other.
    """
    page = await fetcher.fetch_article(url)
    candidates = candidate_urls(url, page)
    results = await asyncio.gather(*(_try_feed(candidate, fetcher) for candidate in candidates))
    found: list[DiscoveredFeed] = []
    for result in results:
        if result is None or any(f.url == result[0] for f in found):
            continue
        final_url, title, entries = result
        name = feed_name(title or "", final_url, [*taken_names, *(f.name for f in found)])
        found.append(DiscoveredFeed(name, final_url, title, entries))
    return found


async def _try_feed(url: str, fetcher: Fetcher) -> tuple[str, str | None, int] | None:
    result = await fetcher.fetch_feed(url)
    if result.outcome is not Outcome.OK:
        return None
    try:
        parsed = parse_feed(result.body, feed_id="discovered", feed_url=result.final_url, headers=result.headers)
    except FeedParseError:
        return None
    return result.final_url, parsed.title, len(parsed.entries)
