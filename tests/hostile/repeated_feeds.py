"""Feeds of one item holding very many of an element newsflow reads (red team 30): the shapes, written by hand.

Each shape is `(name, make)`: `make(count)` gives the feed's bytes with `count` repeats, the item's first
link, title, guid and date the ones a small feed of the same shape gives."""

from __future__ import annotations

import json
from collections.abc import Callable

URL = "https://example.org/story"


def _rss(item_inner: bytes, *, head: bytes = b"") -> bytes:
    return (b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" '
            b'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
            b"<title>Repeats</title><link>https://example.org/</link>" + head + b"<item><title>Story</title>"
            b"<link>" + URL.encode() + b"</link><guid>" + URL.encode() + b"</guid>"
            b"<pubDate>Mon, 02 Mar 2026 10:00:00 GMT</pubDate>" + item_inner + b"</item></channel></rss>")


def _atom(entry_inner: bytes) -> bytes:
    return (b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Repeats</title>'
            b"<id>urn:feed</id><updated>2026-03-02T10:00:00Z</updated><entry><title>Story</title>"
            b'<link rel="alternate" href="' + URL.encode() + b'"/><id>' + URL.encode() + b"</id>"
            b"<updated>2026-03-02T10:00:00Z</updated>" + entry_inner + b"</entry></feed>")


def _rdf(item_inner: bytes) -> bytes:
    return (b'<?xml version="1.0" encoding="utf-8"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            b'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            b'<channel rdf:about="https://example.org/"><title>Repeats</title><link>https://example.org/</link>'
            b'</channel><item rdf:about="' + URL.encode() + b'"><title>Story</title><link>' + URL.encode() +
            b"</link><dc:date>2026-03-02T10:00:00Z</dc:date>" + item_inner + b"</item></rdf:RDF>")


def _json(item_extra: dict[str, object]) -> bytes:
    item = {"id": URL, "url": URL, "title": "Story", "date_published": "2026-03-02T10:00:00Z", **item_extra}
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Repeats", "items": [item]}).encode()


def _nested(count: int, name: bytes) -> bytes:
    return (b"<" + name + b">") * count + b"https://example.org/inner" + (b"</" + name + b">") * count


SHAPES: list[tuple[str, Callable[[int], bytes]]] = [
    ("rss-links", lambda n: _rss(b"<link>https://example.org/other</link>" * n)),
    ("rss-guids", lambda n: _rss(b"<guid>https://example.org/other</guid>" * n)),
    ("rss-titles", lambda n: _rss(b"<title>Other</title>" * n)),
    ("rss-pubdates", lambda n: _rss(b"<pubDate>Mon, 02 Mar 2026 10:00:00 GMT</pubDate>" * n)),
    ("rss-categories", lambda n: _rss(b"<category>c</category>" * n)),
    ("rss-enclosures", lambda n: _rss(b'<enclosure url="https://example.org/a.mp3" length="1" type="audio/x"/>' * n)),
    ("rss-media-content", lambda n: _rss(b'<media:content url="https://example.org/a.jpg" medium="image"/>' * n)),
    ("rss-dc-creators", lambda n: _rss(b"<dc:creator>A</dc:creator><author>a@b.c (A)</author>" * n)),
    ("rss-atom-links", lambda n: _rss(b'<atom:link rel="alternate" href="https://example.org/other"/>' * n)),
    ("rss-channel-links", lambda n: _rss(b"", head=b"<link>https://example.org/</link>" * n)),
    ("rss-nested-links", lambda n: _rss(_nested(n, b"link"))),
    ("atom-alternate-links", lambda n: _atom(b'<link rel="alternate" href="https://example.org/other"/>' * n)),
    ("atom-ids", lambda n: _atom(b"<id>urn:other</id>" * n)),
    ("atom-contents", lambda n: _atom(b"<content>x</content>" * n)),
    ("rdf-links", lambda n: _rdf(b"<link>https://example.org/other</link>" * n)),
    ("rdf-dc-dates", lambda n: _rdf(b"<dc:date>2026-03-01T10:00:00Z</dc:date>" * n)),
    ("json-tags", lambda n: _json({"tags": ["t"] * n})),
    ("json-attachments", lambda n: _json({"attachments": [{"url": "https://example.org/a.mp3",
                                                           "mime_type": "audio/mpeg"}] * n})),
]
