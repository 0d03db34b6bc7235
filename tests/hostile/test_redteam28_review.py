"""Review of red team 28: what feedparser's sanitiser dropped stays dropped, and the rewrite past
`feedbounds.MANY_FEED_TAGS` keeps a field's text as feedparser read it whole (main's code gave the expected values).

Pure functions on small inputs (no server): the feed padded past the bound is built once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsflow.feedbounds import MANY_FEED_TAGS, bounded_markup
from newsflow.feedentries import html_to_text
from newsflow.feeds import parse_feed

NOW = datetime(2026, 12, 5, tzinfo=UTC)
PAD = "".join(f"<category>c{n}</category>" for n in range(MANY_FEED_TAGS // 2 + 1000))
RSS = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/">'
       "<channel><title>T</title>{items}</channel></rss>")


def _past_the_bound(item_body: str) -> list[tuple[str | None, str | None]]:
    items = "".join(f"<item><guid>g{n}</guid><link>https://n.example/a/{n}</link>{item_body}{PAD if n == 0 else ''}"
                    "</item>" for n in range(2))
    feed = RSS.format(items=items).encode()
    assert feed.count(b"<") > MANY_FEED_TAGS
    parsed = parse_feed(feed, feed_id="f", feed_url="https://n.example/feed/", now=NOW)
    return [(entry.title, entry.summary) for entry in parsed.entries]


@pytest.mark.parametrize(("html", "text"), [
    ("<p>Hi <applet>applet text</applet> there</p>", "Hi there"),  # the sanitiser dropped an applet's content
    ("<p>Hi</p><!-- an unclosed comment runs to the end", "Hi"),
])
def test_what_the_sanitiser_dropped_stays_out_of_a_fields_text(html: str, text: str) -> None:
    assert " ".join(html_to_text(html, enough=500).split()) == text
    assert " ".join(html_to_text(html).split()) == text


def test_cdata_whose_text_holds_the_cdata_end_stays_text_past_the_bound() -> None:
    # `]]>` in a field's text (written as two CDATA sections) must not end the section the rewrite makes
    body = "<title>t</title><description><p>x</p><![CDATA[a ]]]]><![CDATA[> b]]> tail</description>"
    assert _past_the_bound(body) == [("t", "x a ]]> b tail")] * 2


def test_cdata_beside_markup_stays_literal_text_past_the_bound() -> None:
    # in a field of markup, a CDATA section's `<b>` is text, as feedparser reads it under the bound
    body = "<title>t</title><description><p>Use</p><![CDATA[<b>not bold</b> & such]]></description>"
    assert _past_the_bound(body) == [("t", "Use <b>not bold</b> & such")] * 2


def test_media_content_is_not_a_text_element_past_the_bound() -> None:
    # feedparser takes an item's title from media:title when it has no <title>; media:content holds it
    body = "<media:content url='http://m.example/x.jpg'><media:title>Caption</media:title></media:content>"
    assert _past_the_bound(body) == [("Caption", None)] * 2
    assert b"<![CDATA[" not in bounded_markup(RSS.format(items=f"<item>{body}{PAD}</item>").encode())


def test_a_self_closed_leaf_inside_an_element_of_its_own_name_leaves_the_feed_well_formed() -> None:
    # podcasts' `<itunes:category text="Fiction"><itunes:category text="Sci-Fi"/></itunes:category>`: the leaf and
    # its parent's end tag were dropped as one element, the parent's start tag left open (the feed ill-formed)
    channel = ('<itunes:category text="Fiction">\n  <itunes:category text="Science Fiction"/>\n</itunes:category>'
               '<item><guid>g</guid><title>t</title></item>')
    feed = RSS.format(items=channel + "<item>" + PAD + "</item>").replace(
        "<rss ", '<rss xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" ').encode()
    bounded = bounded_markup(feed)
    assert b"itunes:category" not in bounded
    parsed = parse_feed(feed, feed_id="f", feed_url="https://n.example/feed/", now=NOW)
    assert not parsed.bozo, parsed.bozo_reason
