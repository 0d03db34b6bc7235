"""`uv run python -m bench.nested_feeds [MB]`: what hostile feeds of read elements cost `parse_feed` (red team 32), as
ratios to a normal feed of the same size measured in the same run.

Shapes, each about MB megabytes (default 9.5, under `fetch.max_bytes`): read elements nested in themselves or in
one another (deep and wide), and repeats spread over items, prefixes, names and kinds so that no item holds more
than `KEPT_REPEATS + 1` of one (the review of red team 30 measured 9.6 MB of it at 11.8 s). The normal feed: RSS
items of a title, link, guid, date and a 2 KB description, as many as fill the size. CPU seconds of the process,
with the run's entry cap (200), best of `--repeats` (default 1).
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from bench.hostile_costs import best_cpu
from newsflow.feeds import parse_feed

HEAD = (b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" '
        b'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/" '
        b'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:x="urn:x"><channel><title>Bench</title>')
TAIL = b"</channel></rss>"
LETTERS = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKL"
ITEM = (b"<item><title>Story</title><link>https://example.org/story</link><guid>https://example.org/story</guid>"
        b"<pubDate>Mon, 02 Mar 2026 10:00:00 GMT</pubDate>")


def one_item(inner: bytes) -> bytes:
    return HEAD + ITEM + inner + b"</item>" + TAIL


def nested(size: int, opens: list[bytes], text: bytes = b"https://example.org/inner") -> bytes:
    """`opens` nested in turn, over and over, to `size` bytes."""
    names = [tag[1:].split(b">")[0].split(b" ")[0] for tag in opens]
    unit = sum(len(tag) + len(name) + 3 for tag, name in zip(opens, names, strict=True))
    rounds = size // unit
    starts = b"".join(opens) * rounds
    ends = b"".join(b"</" + name + b">" for name in reversed(names)) * rounds
    return one_item(starts + text + ends)


def wide(size: int, outer: bytes, inner: bytes) -> bytes:
    name = outer[1:].split(b">")[0]
    return one_item(outer + inner * (size // len(inner)) + b"</" + name + b">")


def spread(size: int, items: int, prefixes_used: int = 10) -> bytes:
    """Items each holding KEPT_REPEATS + 1 of every (prefix, name, kind): none past the per-item cap."""
    prefixes = [b"", b"atom:", b"dc:", b"media:", b"content:", b"x:", b"y:", b"z:", b"w:", b"v:"][:prefixes_used]
    names = [b"title", b"link", b"guid", b"id", b"date", b"updated", b"published", b"summary", b"modified", b"issued"]
    values = [b"https://example.org/a", b"words", b""]
    block = b"".join(b"<%s%s>%s</%s%s>" % (p, n, v, p, n) for p in prefixes for n in names for v in values) * 11
    per_item = max(1, size // items // len(block))
    body = b"".join(ITEM + b"<guid>g%d</guid>" % k + block * per_item + b"</item>" for k in range(items))
    return HEAD.replace(b'xmlns:x="urn:x"', b'xmlns:x="urn:x" xmlns:y="urn:y" xmlns:z="urn:z" xmlns:w="urn:w" '
                                            b'xmlns:v="urn:v"') + body + TAIL


def normal(size: int, items_wanted: int = 0) -> bytes:
    """RSS items of a title, link, guid, date and a description of 2 KB, or of the size over `items_wanted`."""
    words = size // items_wanted // 18 if items_wanted else 110
    description = b"<description>" + b"Words of a story. " * words + b"</description>"
    items = []
    for k in range(items_wanted or size // (len(ITEM) + len(description) + 40)):
        items.append(ITEM.replace(b"story<", b"story%d<" % k) + b"<guid>s%d</guid>" % k + description + b"</item>")
    return HEAD + b"".join(items) + TAIL


def shapes(size: int) -> dict[str, bytes]:
    return {
        "nested <link>": nested(size, [b"<link>"]),
        "nested <title>": nested(size, [b"<title>"], b"Title"),
        "nested <content:encoded>": nested(size, [b"<content:encoded>"], b"Body"),
        "nested <guid><link><title><pubDate>": nested(size, [b"<guid>", b"<link>", b"<title>", b"<pubDate>"]),
        "nested <link><item>": nested(size, [b"<link>", b"<item>"]),
        "nested <description><link>": nested(size, [b"<description>", b"<link>"]),
        "nested <x:a><link>": nested(size, [b"<x:a>", b"<link>"]),
        "wide <link> of <title>s": wide(size, b"<link>", b"<title>t</title>"),
        "wide <guid> of <link>s": wide(size, b"<guid>", b"<link>https://example.org/a</link>"),
        "spread, 113 items": spread(size, 113),
        "spread, 1000 items of one prefix": spread(size, 1000, 1),
        "unread elements of 38 attributes": attributes(size, b"x"),
        "links of 38 attributes, the href last": attributes(size, b"link", b' href="https://example.org/a"'),
        "unread elements of 38 attributes without values": attributes(size, b"x", valued=False),
        "unread elements of 38 namespace declarations": declarations(size),
        "unread elements of 38 known namespaces, alternating": known_declarations(size),
    }


def attributes(size: int, name: bytes, last: bytes = b"", *, valued: bool = True) -> bytes:
    """Elements of 38 attributes each, under the tags' bound (red team 33b; test_unstoppable's feed until then), or
    of 38 without values (`<x a b c/>`: no `=`, and the loose parser's, red team 35b)."""
    value = b'=""' if valued else b""
    element = b"<" + name + b" " + b" ".join(b"%c%s" % (letter, value) for letter in LETTERS)
    element += last + b"/>"
    return one_item(element * min(49_500, size // len(element)))


def declarations(size: int) -> bytes:
    """Elements each declaring 38 namespaces nothing uses (red team 35b)."""
    element = b"<x " + b" ".join(b'xmlns:%c="urn:%c"' % (letter, letter) for letter in LETTERS) + b"/>"
    return one_item(element * min(49_500, size // len(element)))


def known_declarations(size: int) -> bytes:
    """Elements each declaring 38 prefixes, every one for Dublin Core then Media RSS in turn: each changes what
    feedparser names the prefix by, so each is kept (review of red team 35b, left)."""
    uris = (b"http://purl.org/dc/elements/1.1/", b"http://search.yahoo.com/mrss/")
    pair = b"".join(b"<x " + b" ".join(b'xmlns:%c="%s"' % (letter, uris[turn]) for letter in LETTERS) + b"/>"
                    for turn in (0, 1))
    return one_item(pair * min(24_750, size // len(pair)))


def parse(body: bytes) -> Callable[[], object]:
    return lambda: parse_feed(body, feed_id="bench", feed_url="https://example.org/feed", max_entries=200)


def main() -> None:
    size = int(float(sys.argv[1]) * 1_000_000) if len(sys.argv) > 1 and sys.argv[1][0].isdigit() else 9_500_000
    repeats = int(sys.argv[sys.argv.index("--repeats") + 1]) if "--repeats" in sys.argv else 1
    bases = []
    for name, body in (("normal feed, 1000 items", normal(size, 1000)), ("normal feed, 2 KB items", normal(size))):
        bases.append(best_cpu(parse(body), repeats))
        print(f"{name}: {len(body) / 1e6:.1f} MB, {body.count(b'<'):,} tags: {bases[-1]:.2f} s CPU")
    for name, body in shapes(size).items():
        spent = best_cpu(parse(body), repeats)
        print(f"{name}: {len(body) / 1e6:.1f} MB, {body.count(b'<'):,} tags: {spent:.2f} s CPU, "
              f"{spent / bases[0]:.2f}x and {spent / bases[1]:.2f}x")


if __name__ == "__main__":
    main()
