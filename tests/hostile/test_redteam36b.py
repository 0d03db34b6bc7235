"""Red team 36b: what red team 35b left in hostile feeds (docs/security.md, "Red team 36b").

1. The generator of raising channel shapes (red team 35b's scratch) as a property test: channel elements that make
   feedparser raise, anywhere around the items and nested in others, cost no item and no sound channel element.
2. A channel of many raising elements past the read-apart budget lost every channel element (its title, its ttl):
   those seen sound in a parse that succeeded now stay.

Pure functions through `parse_feed` (no server); feedparser runs for real, a spy wrapping it counts what it reads."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsflow import feeds
from newsflow.feeds import parse_feed

NOW = datetime(2026, 12, 5, tzinfo=UTC)
FEED_URL = "https://example.org/feed"
NAMESPACES = (b'xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/" '
              b'xmlns:media="http://search.yahoo.com/mrss/" xmlns:cc="http://web.resource.org/cc/" '
              b'xmlns:x="urn:x"')
RSS_HEAD = (b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" ' + NAMESPACES
            + b"><channel><title>Feed</title>")
RSS_TAIL = b"</channel></rss>"
ATOM_HEAD = (b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" ' + NAMESPACES
             + b"><title>Feed</title>")
ATOM_TAIL = b"</feed>"

RAISING = [  # each makes feedparser 6.0.14 raise alone in an RSS channel or an Atom feed (red team 35b's generator)
    b"<title><media:player/></title>",
    b"<title><media:thumbnail>x</media:thumbnail></title>",
    b"<tagline><width>x</width></tagline>",
    b"<copyright><width/></copyright>",
    b"<textInput><link><lastBuildDate/></link></textInput>",
    b"<textInput><atom:link><author>x</author></atom:link></textInput>",
    b"<image><cc:license><dc:subject><cloud>x</cloud></dc:subject></cc:license></image>",
    b"<subtitle><media:player>x</media:player></subtitle>",
    b"<image><url>https://example.org/i.png</url><rights><media:player/></rights></image>",
]
SOUND = [b"<x:note>n</x:note>", b"<description>About</description>", b"<generator>g</generator>",
         b"<language>en</language>", b"<image><url>https://example.org/i.png</url></image>"]
WRAPPERS = [b"x:a", b"dc:rights", b"image", b"x:b"]
TTL = b"<ttl>60</ttl>"


@contextmanager
def parsed_bytes() -> Iterator[list[int]]:
    """The sizes of the feeds feedparser reads meanwhile (the real feedparser, wrapped)."""
    real, sizes = feeds._feedparser, []

    def counted(utf8: bytes, headers: dict[str, str]) -> object:
        sizes.append(len(utf8))
        return real(utf8, headers)

    feeds._feedparser = counted  # type: ignore[assignment]
    try:
        yield sizes
    finally:
        feeds._feedparser = real  # type: ignore[assignment]


def _item(atom: bool, n: int) -> bytes:
    if atom:
        return (b"<entry><title>S%d</title><link href='https://example.org/%d'/><id>g%d</id>"
                b"<updated>2026-03-01T10:00:00Z</updated></entry>" % (n, n, n))
    return b"<item><title>S%d</title><link>https://example.org/%d</link><guid>g%d</guid></item>" % (n, n, n)


@st.composite
def channel_element(draw: st.DrawFn) -> bytes:
    """A raising or sound element, inside zero to two wrappers (a raising one nested is read apart a few levels
    down, or goes whole)."""
    element = draw(st.sampled_from(RAISING) if draw(st.booleans()) else st.sampled_from(SOUND))
    for wrapper in draw(st.lists(st.sampled_from(WRAPPERS), max_size=2)):
        element = b"<%s>%s</%s>" % (wrapper, element, wrapper)
    return element


@st.composite
def hostile_feed(draw: st.DrawFn) -> tuple[bytes, int, bool]:
    """An RSS or Atom feed of 1-4 sound items and, in each gap around them (before, between, after), 0-4 channel
    elements; a `<ttl>` (a sound element `parse_feed` reports) somewhere among them."""
    atom = draw(st.booleans())
    count = draw(st.integers(1, 4))
    gaps = [b"".join(draw(st.lists(channel_element(), max_size=4))) for _ in range(count + 1)]
    at = draw(st.integers(0, count))
    gaps[at] = TTL + gaps[at] if draw(st.booleans()) else gaps[at] + TTL
    body = gaps[0] + b"".join(_item(atom, n) + gaps[n + 1] for n in range(count))
    feed = (ATOM_HEAD + body + ATOM_TAIL) if atom else (RSS_HEAD + body + RSS_TAIL)
    return feed, count, atom


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_feed())
def test_raising_channel_elements_anywhere_cost_no_item_and_no_sound_element(case: tuple[bytes, int, bool]) -> None:
    """Red team 35b's generator (scratch, 677 raising shapes) as a property: whatever raising elements the channel
    holds, before, between and after its items, nested or not, every item is kept with its link and title, the
    channel's sound `<ttl>` stays (the budget allows it at this size), and feedparser reads a bounded number of bytes
    (the items' and the channel's budgets, 4 times the feed and 1 MB each, and the few whole parses; and, as the 1 MB
    floors dwarf feeds this small, 64 times the feed: twice the most seen)."""
    feed, count, _atom = case
    with parsed_bytes() as sizes:
        parsed = parse_feed(feed, feed_id="f", feed_url=FEED_URL, now=NOW)
    assert sorted((entry.url, entry.title) for entry in parsed.entries) == [
        (f"https://example.org/{n}", f"S{n}") for n in range(count)]
    assert parsed.ttl_seconds == 3600
    # review: the bound had a term of 4 KB a parse, always true (every parse of these feeds reads less)
    assert sum(sizes) <= 8 * len(feed) + 2 * 1_000_000 + 4 * len(feed)
    assert sum(sizes) <= 64 * len(feed)  # the floors dwarf these feeds: seeds 1-6 x 300 read at most 33x


def test_a_channel_of_many_raising_elements_past_the_budget_keeps_those_seen_sound() -> None:
    """Red team 35b left it: 400 raising elements among 400 sound ones (a 200 KB channel) pass the channel's
    read-apart budget, and every outer element of the channel went, the title and the ttl with them (its items
    stayed). Those seen whole in a parse that succeeded now stay, checked by one more parse."""
    words = b"<description>%s</description>" % (b"w " * 250)
    channel = TTL + (b"<tagline><width>x</width></tagline>" + words) * 400
    feed = RSS_HEAD + channel + b"".join(_item(False, n) for n in range(3)) + RSS_TAIL
    parsed = parse_feed(feed, feed_id="f", feed_url=FEED_URL, now=NOW)
    assert [entry.title for entry in parsed.entries] == ["S0", "S1", "S2"]
    assert parsed.title == "Feed" and parsed.ttl_seconds == 3600
    assert parsed.bozo_reason is not None and "channel element(s) read apart" in parsed.bozo_reason


RAISING_TOGETHER = {  # the property's shrunk failures on red team 35b's code: elements that raise only beside others
    "rights-then-textinput-in-rights": b"<dc:rights><description>About</description></dc:rights>"
    + b"<dc:rights><textInput><link><lastBuildDate/></link></textInput></dc:rights>" + TTL,
    "after-an-item-beside-a-raising-title": TTL + _item(False, 0)
    + b"<dc:rights><description>About</description></dc:rights><title><media:player/></title>"
    + b"<dc:rights><textInput><link><lastBuildDate/></link></textInput></dc:rights>",
}


READ_APART = {"rights-then-textinput-in-rights": 1, "after-an-item-beside-a-raising-title": 2}
"""Elements read apart: the culprit, and (review) the `<title><media:player/>` that raises alone, read apart as it
is when no pair is there (it was kept whole, the search starting from every part whole)."""


@pytest.mark.parametrize("name", sorted(RAISING_TOGETHER))
def test_channel_elements_that_raise_only_together_cost_only_the_one_that_raises(name: str) -> None:
    """The property's shrunk failures (seeds 0-4 of red team 35b's code): `<dc:rights><textInput><link>
    <lastBuildDate/>…` raises only after another `<dc:rights>`; the halving blamed the sound element after it or
    found no element alone to blame, and every outer element of the channel went (its title, its ttl). Now the
    element feedparser raised in, beside the one that set it up, is the one dropped."""
    body = RAISING_TOGETHER[name]
    feed = RSS_HEAD + body + (b"" if b"<item>" in body else _item(False, 0)) + RSS_TAIL
    with pytest.raises(Exception):  # noqa: B017 - any exception out of feedparser is the shape's
        feeds._feedparser(feed, {})
    parsed = parse_feed(feed, feed_id="f", feed_url=FEED_URL, now=NOW)
    assert [(entry.url, entry.title) for entry in parsed.entries] == [("https://example.org/0", "S0")]
    assert parsed.ttl_seconds == 3600
    assert parsed.bozo_reason is not None and f"{READ_APART[name]} channel element(s) read apart" in parsed.bozo_reason


def test_a_channel_of_elements_raising_in_pairs_past_the_budget_keeps_its_title_and_ttl() -> None:
    """Twenty pairs that raise only together (the shrunk failure above) pass the channel's budget while each is found
    (review: ten did only while each culprit cost a wasted parse, and no longer reached the fallback below);
    the parts seen sound raise together, and every element went. The parse that succeeded with the most parts whole
    is kept instead: the title, the ttl and the pairs found before the budget ran out."""
    _assert_pairs_past_the_budget_keep_the_title_and_ttl(pairs=20, words=250)


def test_elements_raising_together_more_than_eight_apart_cost_the_one_that_raises() -> None:
    """Review: the window between the element that sets feedparser up and the one it raises in was cut to its first
    eight parts before the last and the first were tried; with eight sound elements between the two (the ttl among
    them) the sound ones were dropped one by one, then the empty window raised IndexError out of `parse_feed`."""
    notes = b"".join(b"<x:n%d>n</x:n%d>" % (n, n) for n in range(7))
    body = (RAISING_TOGETHER["rights-then-textinput-in-rights"].replace(TTL, b"").replace(b"</dc:rights><dc:rights>",
            b"</dc:rights>" + notes + TTL + b"<dc:rights>") + b"<x:last>n</x:last>")
    feed = RSS_HEAD + body + _item(False, 0) + RSS_TAIL
    with pytest.raises(KeyError):
        feeds._feedparser(feed, {})
    parsed = parse_feed(feed, feed_id="f", feed_url=FEED_URL, now=NOW)
    assert [(entry.url, entry.title) for entry in parsed.entries] == [("https://example.org/0", "S0")]
    assert parsed.ttl_seconds == 3600
    assert parsed.bozo_reason is not None and "1 channel element(s) read apart" in parsed.bozo_reason


def test_a_channel_of_raising_pairs_past_the_budget_keeps_its_first_sound_elements_whatever_the_halving_met() -> None:
    """Review: past the budget, with the sound parts raising together, the parse that succeeded with the most parts
    whole was kept, and which that is depends on where the halving went: here (62 pairs, 13 KB) three parts in the
    middle, so the title and the ttl went (in a 10 MB channel of 2,000 pairs too: 5,999 of 6,002 elements dropped).
    The sound parts from the channel's start, halved until they parse, now stay when they are more."""
    _assert_pairs_past_the_budget_keep_the_title_and_ttl(pairs=62, words=25)


def test_a_pair_among_many_elements_raising_alone_keeps_the_sound_ones_after_them() -> None:
    """Review (the property with 0-12 elements a gap, seed 2): with a pair among elements that raise alone, the
    culprit search started from every part whole, so each raising alone cost it a search of some 2 log2(n) parses,
    the budget ran out, and the ttl after them went. It starts from the parts read apart now, the ones the halving
    blamed that parse alone whole again."""
    raising, note = b"<title><media:player/></title>", b"<x:note>n</x:note>"
    setter = b"<dc:rights><description>About</description></dc:rights>"
    culprit = (b"<dc:rights><x:a><image><cc:license><dc:subject><cloud>x</cloud></dc:subject></cc:license></image>"
               b"</x:a></dc:rights>")
    run = (raising + note) * 12
    feed = RSS_HEAD + run + setter + _item(False, 0) + culprit + run + TTL + RSS_TAIL
    parsed = parse_feed(feed, feed_id="f", feed_url=FEED_URL, now=NOW)
    assert [(entry.url, entry.title) for entry in parsed.entries] == [("https://example.org/0", "S0")]
    assert parsed.ttl_seconds == 3600


def _assert_pairs_past_the_budget_keep_the_title_and_ttl(pairs: int, words: int) -> None:
    """A channel of `pairs` elements raising only together, each followed by a description of `words` words."""
    pair = RAISING_TOGETHER["rights-then-textinput-in-rights"].replace(TTL, b"")
    description = b"<description>%s</description>" % (b"w " * words)
    feed = RSS_HEAD + TTL + (pair + description) * pairs + b"".join(_item(False, n) for n in range(3)) + RSS_TAIL
    parsed = parse_feed(feed, feed_id="f", feed_url=FEED_URL, now=NOW)
    assert [entry.title for entry in parsed.entries] == ["S0", "S1", "S2"]
    assert parsed.title == "Feed" and parsed.ttl_seconds == 3600
