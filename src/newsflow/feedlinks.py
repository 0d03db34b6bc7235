"""The feed links an HTML page advertises (`<link rel="alternate" type="application/rss+xml">`): pure.

Used by `feeds discover` (discover.py), and by the feed parser to say, when a feed URL answers
with an HTML page, which feed that page links to.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

FEED_TYPES = frozenset({
    "application/rss+xml", "application/atom+xml", "application/feed+json", "application/json",
    "application/rdf+xml",
})


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
