"""A world feed's body in each type a feed is served as: RSS 2.0 (every world feed but world16's
`format_change`, byte for byte as before), Atom 1.0, JSON Feed 1.1 and RSS 1.0 (RDF), one item list."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from html import escape


@dataclass(frozen=True)
class Shown:
    """One item as the feed writes it."""

    title: str
    link: str
    guid: str
    published: datetime
    summary: str


def render(kind: str, entries: list[Shown], feed: int, home: str, declaration: str, extra_rss: str = "") -> bytes:
    """The feed's body; `extra_rss` (content.unfetchable_items) is RSS markup, so only an RSS 2.0 body has it."""
    if kind == "atom":
        return _atom(entries, feed, home)
    if kind == "json":
        return _json_feed(entries, feed, home)
    if kind == "rdf":
        return _rdf(entries, feed, home)
    items = "".join(
        f"<item><title>{e.title}</title><link>{escape(e.link)}</link>"
        f'<guid isPermaLink="false">{escape(e.guid)}</guid>'
        f"<pubDate>{e.published:%a, %d %b %Y %H:%M:%S +0000}</pubDate>"
        f"<description>{e.summary}</description></item>" for e in entries) + extra_rss
    return (f'{declaration}<rss version="2.0"><channel><title>World feed {feed}'
            f"</title><link>{home}</link><description>world"
            f"</description>{items}</channel></rss>").encode()


def _atom(entries: list[Shown], feed: int, home: str) -> bytes:
    items = "".join(
        f'<entry><title>{e.title}</title><link rel="alternate" href="{escape(e.link)}"/><id>{escape(e.guid)}</id>'
        f"<updated>{e.published:%Y-%m-%dT%H:%M:%SZ}</updated><summary>{e.summary}</summary></entry>"
        for e in entries)
    newest = max((e.published for e in entries), default=datetime(2026, 1, 1))
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>World feed '
            f'{feed}</title><link href="{home}"/><id>urn:world:feed:{feed}</id>'
            f"<updated>{newest:%Y-%m-%dT%H:%M:%SZ}</updated>{items}</feed>").encode()


def _json_feed(entries: list[Shown], feed: int, home: str) -> bytes:
    items = [{"id": e.guid, "url": e.link, "title": e.title, "summary": e.summary,
              "date_published": f"{e.published:%Y-%m-%dT%H:%M:%SZ}", "content_text": e.summary} for e in entries]
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": f"World feed {feed}",
                       "home_page_url": home, "items": items}).encode()


def _rdf(entries: list[Shown], feed: int, home: str) -> bytes:
    """RSS 1.0: an item's identity is its `rdf:about`, the link (no GUID)."""
    sequence = "".join(f'<rdf:li rdf:resource="{escape(e.link)}"/>' for e in entries)
    items = "".join(
        f'<item rdf:about="{escape(e.link)}"><title>{e.title}</title><link>{escape(e.link)}</link>'
        f"<description>{e.summary}</description><dc:date>{e.published:%Y-%m-%dT%H:%M:%SZ}</dc:date></item>"
        for e in entries)
    return ('<?xml version="1.0" encoding="utf-8"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
            ' xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f'<channel rdf:about="{home}"><title>World feed {feed}</title><link>{home}</link><description>world'
            f"</description><items><rdf:Seq>{sequence}</rdf:Seq></items></channel>{items}</rdf:RDF>").encode()
