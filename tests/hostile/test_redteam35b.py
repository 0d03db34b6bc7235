"""Red team 35b: what red team 33b left in hostile feeds (docs/security.md, "Red team 35b").

1. Attributes without values (`<x a b c/>`: no `=`) were not counted by the attributes' bound, so 49,500 elements of
   38 of them were all the loose parser's (2.2 s of CPU).

Pure functions through `parse_feed` (no server): the work is asserted as what feedparser is handed, the result as
the entries of the same items read without the junk (feedparser's own reading)."""

from __future__ import annotations

from datetime import UTC, datetime

from newsflow.feedbounds import MANY_FEED_ATTRIBUTES, bounded_markup
from newsflow.feeds import parse_feed

NOW = datetime(2026, 12, 5, tzinfo=UTC)
FEED_URL = "https://example.org/feed"
HEAD = (b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" '
        b'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:x="urn:x"><channel><title>Feed</title>')
TAIL = b"</channel></rss>"
BARE = b" ".join(b"%c" % letter for letter in b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKL")


def _parsed(feed: bytes) -> tuple[str | None, list[tuple[object, ...]]]:
    parsed = parse_feed(feed, feed_id="f", feed_url=FEED_URL, now=NOW, max_entries=200)
    return parsed.bozo_reason, [(e.url, e.key, e.title, e.summary, e.published_at) for e in parsed.entries]


def test_elements_of_many_attributes_without_values_keep_only_those_newsflow_reads() -> None:
    """Red team 33b left it: the attributes' bound counted `=`, so attributes without one were all handed over, and
    feedparser's loose parser (such a feed is not well-formed) costs some 1.2 microseconds each. Now they count: the
    first ill-formed tag stays as it is (the same parser, the same bozo reason), the others keep only the attributes
    newsflow reads, and the entries are those of the feed without the junk."""
    def item(junk: bytes, n: int) -> bytes:
        return (b"<item %s><title %s>Story %d</title><link %s href='https://example.org/%d'/>"
                b"<guid %s>g%d</guid><description>Body %d</description>%s</item>"
                % (junk, junk, n, junk, n, junk, n, n, b"<x:b %s/>" % junk * 500))
    plain = HEAD + b"<x:a z/>" + b"".join(item(b"", n) for n in range(3)) + TAIL
    hostile = HEAD + b"<x:a z/>" + b"".join(item(BARE, n) for n in range(3)) + TAIL
    reason, entries = _parsed(plain)
    assert reason is not None and "SAXParseException" in reason  # the loose parser's reading
    assert entries[0][:4] == ("https://example.org/0", "g0", "Story 0", "Body 0")
    assert hostile.count(b"=") < MANY_FEED_ATTRIBUTES < hostile.count(b" ") - plain.count(b" ")
    bounded = bounded_markup(hostile, FEED_URL)
    assert bounded.count(b"<x:b/>") == 1_500 and len(bounded) < 40_000
    assert _parsed(hostile) == (reason, entries)
