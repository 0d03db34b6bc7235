"""Red team 30: one item holding very many of an element newsflow reads (links, guids, titles, dates, Atom ids and
contents, `media:content`, `atom:link`s, RDF's `dc:date`), past `feedbounds.MANY_FEED_TAGS`, goes to feedparser as a
few of them: the first `KEPT_REPEATS` of each name and the last. On main each kept them all: 300,000 `<link>`s cost
13 s of a parse worker (docs/security.md, "Red team 30").

Pure functions (no server); the work done is asserted as the tags feedparser is handed, the result as the entries a
feed of three repeats gives."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsflow.feedbounds import KEPT_REPEATS, MANY_FEED_TAGS, bounded_markup
from newsflow.feeds import parse_feed
from tests.hostile.repeated_feeds import SHAPES

NOW = datetime(2026, 12, 5, tzinfo=UTC)
PAST_THE_BOUND = MANY_FEED_TAGS + 1000
LEFT: set[str] = set()  # every shape is bounded since red team 32 (nested read elements were left by red team 30)


def _entries(feed: bytes) -> object:
    parsed = parse_feed(feed, feed_id="f", feed_url="https://example.org/feed", now=NOW, max_entries=200)
    return parsed.title, parsed.entries, parsed.bozo


@pytest.mark.parametrize(("name", "make"), [shape for shape in SHAPES if shape[0] not in LEFT],
                         ids=[name for name, _ in SHAPES if name not in LEFT])
def test_an_item_of_many_repeats_of_an_element_is_handed_over_as_a_few_with_the_same_entries(
    name: str, make: object
) -> None:
    """The bounded bytes are what `parse_feed` hands feedparser (the raw feed goes through `parse_feed` whole in
    the CDATA test below); a JSON Feed's lists are never looked into (measured: 300,000 attachments 0.1 s)."""
    per_repeat = make(2).count(b"<") - make(1).count(b"<")  # type: ignore[operator]
    feed = make(PAST_THE_BOUND // max(per_repeat, 1))  # type: ignore[operator]
    if not name.startswith("json"):
        assert feed.count(b"<") > MANY_FEED_TAGS
        feed = bounded_markup(feed)
        assert feed.count(b"<") < 4 * (KEPT_REPEATS + 1) + 30  # the work feedparser is given
    assert _entries(feed) == _entries(make(3))  # type: ignore[operator]


def _items(count: int, links: int) -> bytes:
    body = "".join(f"<item><title>T{n}</title>" + "".join(f"<link>https://example.org/{n}/{k}</link>"
                                                           for k in range(links))
                   + f"<guid>g{n}</guid><category>a</category><category>b</category></item>" for n in range(count))
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>x</title>{body}</channel></rss>'\
        .encode()


def test_items_of_a_few_repeats_each_past_the_bound_keep_every_read_element() -> None:
    """Hostile guard: the cap counts within an item, not across the feed (1,700 items of 10 links each)."""
    feed = _items(1700, KEPT_REPEATS)
    assert feed.count(b"<") > MANY_FEED_TAGS
    bounded = bounded_markup(feed)
    assert bounded.count(b"<link>") == feed.count(b"<link>") and bounded.count(b"<guid>") == 1700
    assert b"<category>" not in bounded  # unread, dropped as since red team 28


def test_repeats_written_as_text_in_cdata_or_a_comment_are_left_alone() -> None:
    text = b"<link>https://example.org/quoted</link>" * 30
    feed = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>t</title>'
            b"<description><![CDATA[" + text + b"]]></description><!-- " + text + b" -->"
            + b"<link>https://example.org/other</link>" * (MANY_FEED_TAGS // 2) + b"<link>https://example.org/s</link>"
            b"</item></channel></rss>")
    bounded = bounded_markup(feed)
    assert bounded.count(text) == 2
    assert _entries(feed)[1][0].url == "https://example.org/s"  # type: ignore[index]


# Review (session 28): items past the bound whose read elements legitimately repeat, each beside the same feed
# under the bound (no rewrite: feedparser reads it whole). The pad is unread leaves, dropped since red team 28.
_PAD = b"<x:pad/>" * (MANY_FEED_TAGS + 1000)
_RSS = (b'<?xml version="1.0"?><rss version="2.0" xmlns:x="urn:x" xmlns:atom="http://www.w3.org/2005/Atom">'
        b"<channel><title>c</title>")
_ATOM = b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xmlns:x="urn:x"><title>c</title>'
_RELATED = b"".join(b'<link rel="related" href="https://example.org/r%d"/>' % k for k in range(12))
LEGITIMATE_REPEATS = {
    # Atom: the alternate link after a dozen related ones (and a reply link after it)
    "atom-alternate-13th": (_ATOM, b"<entry><title>T</title><id>urn:1</id>" + _RELATED
                            + b'<link rel="alternate" href="https://example.org/s"/>'
                              b'<link rel="replies" href="https://example.org/c"/></entry></feed>'),
    # feedparser reads names in any case: `<Item>`s are items, each one's counts its own
    "mixed-case-items": (_RSS, b"".join(b"<Item><title>T%d</title><link>https://example.org/%d</link></Item>"
                                        % (n, n) for n in range(30)) + b"</channel></rss>"),
    # newsflow's summary is the first content that is not blank; its title the one feedparser keeps
    "blank-contents-first": (_ATOM, b"<entry><title>T</title><id>https://example.org/s</id>"
                             + b"<content> </content>" * 11 + b"<content>real</content><content/></entry></feed>"),
    "empty-titles-first": (_RSS, b"<item>" + b"<title></title>" * 12 + b"<title>Real</title><title></title>"
                           b"<link>https://example.org/s</link></item></channel></rss>"),
    # newsflow's link is the first that resolves: a dozen `javascript:` ones before it
    "javascript-links-first": (_RSS, b"<item><title>T</title>"
                               + b'<atom:link rel="alternate" href="javascript:void(0)"/>' * 12
                               + b'<atom:link rel="alternate" href="https://example.org/s"/>'
                                 b'<atom:link rel="alternate" href="javascript:x"/></item></channel></rss>'),
}


@pytest.mark.parametrize("name", sorted(LEGITIMATE_REPEATS))
def test_legitimate_repeats_past_the_bound_give_the_entries_of_the_feed_under_it(name: str) -> None:
    head, body = LEGITIMATE_REPEATS[name]
    under, past = head + body, head + _PAD + body
    assert under.count(b"<") < MANY_FEED_TAGS < past.count(b"<")
    assert _entries(past)[1] == _entries(under)[1] != []


def test_links_each_under_a_new_prefix_bound_to_atom_are_capped_as_one_name() -> None:
    """Review: `<a1:link xmlns:a1="...Atom">`, `<a2:link ...>`: every one a `link` to feedparser (100,000 took 4.6 s
    kept whole), each a new name to a cap counting names as written."""
    links = b"".join(b'<a%d:link xmlns:a%d="http://www.w3.org/2005/Atom" rel="alternate" href="https://example.org/%d"/>'
                     % (k, k, k) for k in range(MANY_FEED_TAGS + 1000))
    feed = _RSS + b"<item><title>T</title>" + links + b"</item></channel></rss>"
    bounded = bounded_markup(feed)
    assert bounded.count(b"<") < 4 * (KEPT_REPEATS + 1) + 30
    assert _entries(bounded)[1][0].url == f"https://example.org/{MANY_FEED_TAGS + 999}"  # type: ignore[index]
