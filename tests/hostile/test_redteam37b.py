"""Red team 37b: hostile feeds whose cost grows faster than their size (docs/security.md, "Red team 37b").

1. A description split into hundreds of adjacent one-letter CDATA sections cost a handler call a section in
   feedparser and a part a section in newsflow's own passes (700 a description in 1,000 items, 9.2 MB: 4.8x the
   normal feed of the same size): adjacent sections are now handed over as one, read the same.
2. 400 `<div>`s nested in each of 1,000 entries' content (6.7x) cost Python's HTML parser every tag of every
   summary: a feed's fields now cost it a bounded count of tags, the fields after read by pattern.
3. Text of many lines cost a feedparser handler call a line (19x in a description, 30x in an unread element): past
   50,000 line breaks, those in text elements and in unread elements' text are spaces.
Review: white space next to tags (a guid's end, between elements) and unread elements' CDATA held lines too; the
line passes ran before the tags' bound; reading by pattern was quadratic and skipped past a self-closed `<script/>`.

Pure functions through `parse_feed` (no server); feedparser runs for real, a spy wrapping it sees what it reads."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest

from newsflow import feedbounds, feeds
from newsflow import feedentries as feeds_entries
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


@pytest.mark.parametrize("between", [b"", b" \n\t"])
def test_adjacent_cdata_sections_reach_feedparser_as_one_and_read_the_same(between: bytes) -> None:
    letters = b"w<b>x&amp;</b> y" * 40
    split = _rss([between.join(b"<![CDATA[%s]]>" % bytes([letter]) for letter in letters)] * 40)
    whole = _rss([b"<![CDATA[" + between.join(bytes([letter]) for letter in letters) + b"]]>"] * 40)
    with read_by_feedparser() as seen:
        reading = _read(split)
    assert reading == _read(whole)
    assert reading[0][2] is not None
    assert reading[0][2].startswith("wx& ywx& y" if not between else "w < b > x & a m p ;")
    assert max(utf8.count(b"<![CDATA[") for utf8 in seen) <= 40  # one section a description, not 25,600


@pytest.mark.parametrize(("tail", "handed_over"), [
    (b"<![CDATA[unclosed", b"]]><![CDATA[unclosed"),  # the loose parser drops an unclosed section's text
    (b"<!-- <![CDATA[a]]><![CDATA[b]]> -->", b"<!-- <![CDATA[a]]><![CDATA[b]]> -->"),  # a comment holds no section
    (b" <![CDATA[a <![CDATA[b]]>", b"1999 a <![CDATA[b]]>"),  # a section's text may hold a section's start
])
def test_merging_cdata_sections_leaves_what_is_not_a_run_of_them(tail: bytes, handed_over: bytes) -> None:
    description = b"".join(b"<![CDATA[%d]]>" % n for n in range(2000))
    feed = _rss([description + tail] * 40)
    with read_by_feedparser() as seen:
        reading = _read(feed)
    merged = b"<![CDATA[" + b"".join(b"%d" % n for n in range(2000)) + b"]]>"
    alone = _read(_rss([merged + tail]))  # 1 section and the tail's: no merging, no bound
    assert reading[0] == alone[0] and {summary for _, _, summary in reading} == {alone[0][2]}
    assert handed_over in seen[0]


def _atom(contents: list[bytes]) -> bytes:
    entries = b"".join(b"<entry><title>S%d</title><link href='https://example.org/%d'/><id>g%d</id>"
                       b"<content type='xhtml'><div xmlns='http://www.w3.org/1999/xhtml'>%s</div></content></entry>"
                       % (n, n, n, content) for n, content in enumerate(contents))
    return (b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Feed</title>'
            + entries + b"</feed>")


ORDINARY = b"<p>Hello <b>wor</b>ld &amp; more<br/>next</p><script>hidden()</script><ul><li>one</li><li>two</li></ul>"


def test_a_feeds_fields_cost_pythons_html_parser_a_bounded_count_of_tags_and_read_the_same(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """400 `<div>`s deep in each entry's content (red team 36b's hunt: 6.7x the normal feed, 14x a byte) were read
    tag by tag by Python's HTML parser in every field: past the feed's budget of tags, fields are read by pattern."""
    monkeypatch.setattr("newsflow.feedentries.MAX_FEED_FIELD_TAGS", 5_000, raising=False)
    started, real = [0], feeds_entries._TextCollector.handle_starttag

    def counted(self: object, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        started[0] += 1
        real(self, tag, attrs)  # type: ignore[arg-type]

    monkeypatch.setattr(feeds_entries._TextCollector, "handle_starttag", counted)
    deep = b"<div>" * 400 + b"x" + b"</div>" * 400
    reading = _read(_atom([deep] * 60 + [ORDINARY]))
    assert started[0] <= 5_000 + 2 * 402  # the budget and the field that spent it, not 60 x 402
    alone = _read(_atom([ORDINARY]))[0][1:]
    assert [summary for _, _, summary in reading] == ["x"] * 60 + [alone[1]]
    assert alone[1] == "Hello world & more next one two"


@pytest.mark.parametrize("section", [False, True])
def test_text_of_many_lines_reaches_feedparser_on_few_and_reads_the_same(section: bool) -> None:
    """expat hands text over a line at a time, a feedparser handler call a line: 1,000 descriptions of 4,750
    lines `x` (9.6 MB) cost 19x the normal feed, in a CDATA section too. Titles and summaries are read with their
    white space collapsed, so a line break in a text element is a space to newsflow."""
    def description(text: bytes) -> bytes:
        return b"<![CDATA[" + text + b"]]>" if section else text

    lines = b"a<b>\r\n" + b"x\xc3\xa9\n" * 1000 if section else b"a&amp;b\r\n" + b"x&#233;\n" * 1000
    feed = _rss([description(lines)] * 60)
    with read_by_feedparser() as seen:
        reading = _read(feed)
    assert max(utf8.count(b"\n") for utf8 in seen) <= 100  # not 60,000
    alone = _read(_rss([description(lines)]))  # under every bound
    assert [summary for _, _, summary in reading] == [alone[0][2]] * 60
    assert alone[0][2] is not None and alone[0][2].startswith("a xé xé" if section else "a&b xé xé")


def test_lines_in_elements_newsflow_does_not_read_reach_feedparser_on_few() -> None:
    """The same in an element newsflow does not read (an extension's): 1,000 of 4,750 lines, 9.6 MB, cost 30x."""
    _assert_unread_notes_reach_feedparser_on_few(b"x\n" * 1000)


@pytest.mark.parametrize("where", ["guid", "between", "wrapper"])
def test_lines_around_read_leaves_and_between_elements_reach_feedparser_on_few(where: str) -> None:
    """Review: the bound took lines out of text elements and unread leaves only; 1,000 items whose `<guid>` ended in
    9,000 line breaks, or with 9,000 between two elements or inside an unread wrapper, cost some 30x the normal
    feed. White space around tags is read stripped (guids, links, dates) or not at all."""
    def item(n: int, many: bytes) -> bytes:
        guid = b"g%d" % n + (many if where == "guid" else b"")
        between = many if where == "between" else b""
        wrapper = b"<x:a><x:b>1</x:b>" + many + b"</x:a>" if where == "wrapper" else b""
        return (b"<item><title>S%d</title>%s<link>https://example.org/%d</link>%s<guid>%s</guid>"
                b"<description>d</description></item>" % (n, between, n, wrapper, guid))

    head = RSS_HEAD.replace(b'version="2.0"', b'version="2.0" xmlns:x="urn:x"')
    feed = head + b"".join(item(n, b" \r\n\t" * 1000) for n in range(60)) + RSS_TAIL
    with read_by_feedparser() as seen:
        reading = _read(feed)
    assert max(utf8.count(b"\n") for utf8 in seen) <= 100
    assert reading == [(f"g{n}", f"S{n}", "d") for n in range(60)]


def test_a_feed_of_many_tags_and_lines_puts_only_the_kept_leaves_on_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """Review: the line passes ran before the tags' bound dropped the unread leaves, a Python call a leaf (1,000
    items of 700 `<x:a>1</x:a>` lines, 9.2 MB: 3.2 s, 2.3 s on main); they run on what the bound kept."""
    calls = [0]
    real = feedbounds._leaf_on_one_line

    def counted(leaf: re.Match[bytes]) -> bytes:
        calls[0] += 1
        return real(leaf)

    monkeypatch.setattr(feedbounds, "_leaf_on_one_line", counted)
    items = b"".join(b"<item><title>S%d</title><link>https://example.org/%d</link><guid>g%d</guid>%s"
                     b"<description>d</description></item>" % (n, n, n, b"<x:a>1</x:a>\n" * 1000) for n in range(60))
    feed = RSS_HEAD.replace(b'version="2.0"', b'version="2.0" xmlns:x="urn:x"') + items + RSS_TAIL
    with read_by_feedparser() as seen:
        assert _read(feed) == [(f"g{n}", f"S{n}", "d") for n in range(60)]
    assert calls[0] <= 1_000  # not 60,000
    assert max(utf8.count(b"\n") for utf8 in seen) <= 100  # and still on few lines


def _cpu(read: Callable[[], object]) -> float:
    started = time.process_time()
    read()
    return time.process_time() - started


@pytest.mark.parametrize("hostile", ["<a", "<!", "<?", "<script", "<style "])
def test_reading_by_pattern_costs_what_the_field_s_size_does(hostile: str) -> None:
    """Review: `<[a-zA-Z][^>]*>` and `<![^>]*>` scanned to the field's end from each `<` with no `>` after it:
    40 KB of `<a` cost 0.44 s once the feed's budget was spent (1 MB: minutes). Measured against ten times as much
    ordinary markup read the same way, in the same test."""
    spent = feeds_entries.MarkupBudget(0)
    field = hostile * (40_000 // len(hostile))
    ordinary = "<p>Hello <b>world</b> &amp; more</p>" * 11_000
    assert _cpu(lambda: feeds_entries.html_to_text(field, budget=spent)) < _cpu(
        lambda: feeds_entries.html_to_text(ordinary, budget=spent))


@pytest.mark.parametrize("html", [
    '<p>a</p><script src="x.js"/><p>b</p>',  # self-closed: the parser skips nothing
    "<p>a</p><style/>b <noscript/>c",
    "<p>a</p>b <i",  # an unclosed tag runs to the end
    "a<br/>b&amp;c &nbsp;d<!-- x -->e<![CDATA[f]]>",
])
def test_reading_by_pattern_reads_what_the_parser_does(html: str) -> None:
    by_pattern = feeds_entries.html_to_text(html, budget=feeds_entries.MarkupBudget(0))
    assert " ".join(by_pattern.split()) == " ".join(feeds_entries.html_to_text(html).split())


@pytest.mark.parametrize("note", [b"<![CDATA[%s]]>", b"a<![CDATA[%s]]>b<![CDATA[c]]>"])
def test_lines_in_a_cdata_section_of_an_unread_element_reach_feedparser_on_few(note: bytes) -> None:
    """Review: an unread element's text in a CDATA section kept its lines: 1,000 `<x:note>`s of 4,750 lines in a
    section (9.6 MB) cost 30x the normal feed."""
    _assert_unread_notes_reach_feedparser_on_few(note % (b"x\n" * 1000))


def _assert_unread_notes_reach_feedparser_on_few(note: bytes) -> None:
    """60 items, each with an `<x:note>` (an element newsflow does not read) holding `note`: feedparser is handed
    few line breaks, and the items read as they are."""
    items = b"".join(b"<item><title>S%d</title><link>https://example.org/%d</link><guid>g%d</guid>"
                     b"<x:note>%s</x:note><description>d</description></item>" % (n, n, n, note)
                     for n in range(60))
    feed = RSS_HEAD.replace(b'version="2.0"', b'version="2.0" xmlns:x="urn:x"') + items + RSS_TAIL
    with read_by_feedparser() as seen:
        reading = _read(feed)
    assert max(utf8.count(b"\n") for utf8 in seen) <= 100
    assert reading == [(f"g{n}", f"S{n}", "d") for n in range(60)]
