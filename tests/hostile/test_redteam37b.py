"""Red team 37b: hostile feeds whose cost grows faster than their size (docs/security.md, "Red team 37b").

1. A description split into hundreds of adjacent one-letter CDATA sections cost a handler call a section in
   feedparser and a part a section in newsflow's own passes (700 a description in 1,000 items, 9.2 MB: 4.8x the
   normal feed of the same size): adjacent sections are now handed over as one, read the same.

Pure functions through `parse_feed` (no server); feedparser runs for real, a spy wrapping it sees what it reads."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest

from newsflow import feeds
from newsflow.feeds import parse_feed

NOW = datetime(2026, 12, 5, tzinfo=UTC)
FEED_URL = "https://example.org/feed"
RSS_HEAD = b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feed</title>'
RSS_TAIL = b"</channel></rss>"


@contextmanager
def read_by_feedparser() -> Iterator[list[bytes]]:
    """The feeds feedparser reads meanwhile (the real feedparser, wrapped)."""
    real, seen = feeds._feedparser, []

    def spied(utf8: bytes, headers: dict[str, str]) -> object:
        seen.append(utf8)
        return real(utf8, headers)

    feeds._feedparser = spied
    try:
        yield seen
    finally:
        feeds._feedparser = real


def _rss(descriptions: list[bytes]) -> bytes:
    items = b"".join(b"<item><title>S%d</title><link>https://example.org/%d</link><guid>g%d</guid>"
                     b"<description>%s</description></item>" % (n, n, n, text)
                     for n, text in enumerate(descriptions))
    return RSS_HEAD + items + RSS_TAIL


def _read(feed: bytes) -> list[tuple[str, str | None, str | None]]:
    parsed = parse_feed(feed, feed_id="f", feed_url=FEED_URL, now=NOW)
    return [(entry.key, entry.title, entry.summary) for entry in parsed.entries]


def test_adjacent_cdata_sections_reach_feedparser_as_one_and_read_the_same() -> None:
    split = _rss([b"".join(b"<![CDATA[%s]]>" % bytes([letter]) for letter in b"w<b>x&amp;</b> y" * 40)] * 100)
    whole = _rss([b"<![CDATA[" + b"w<b>x&amp;</b> y" * 40 + b"]]>"] * 100)
    with read_by_feedparser() as seen:
        reading = _read(split)
    assert reading == _read(whole)
    assert reading[0][2] is not None and reading[0][2].startswith("wx& ywx& y")
    assert max(utf8.count(b"<![CDATA[") for utf8 in seen) <= 100  # one section a description, not 64,000


@pytest.mark.parametrize("tail", [
    b"<![CDATA[unclosed",  # the loose parser drops an unclosed section's text: the closed ones before it stay read
    b"<!-- <![CDATA[a]]><![CDATA[b]]> -->",  # a comment's text is no section
])
def test_merging_cdata_sections_leaves_what_is_not_a_run_of_them(tail: bytes) -> None:
    description = b"".join(b"<![CDATA[%d]]>" % n for n in range(2000))
    feed = _rss([description + tail] * 40)
    with read_by_feedparser() as seen:
        reading = _read(feed)
    merged = b"<![CDATA[" + b"".join(b"%d" % n for n in range(2000)) + b"]]>"
    assert reading == _read(_rss([merged + tail] * 40))
    assert tail in seen[0]
