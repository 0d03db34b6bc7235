"""The forty-fifth pass's review fixes (docs/extraction.md, "Forty-fifth pass, dates", "Review fixes"): a wall clock a
page printed, put by `dates` in a guessed zone, is the page's word and never yields to a feed's other offset; only
a time the page stated in UTC does (`pagetimes.stated_in_utc`, F1). A zone the feed names that feedparser misreads
or does not know is read in its offset and marked 'offset'; one read as UTC that the text does not say is, 'unread'
(`feeddates.zoned_local`, F2)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from newsflow.articledates import article_dates
from newsflow.extract import extract_article
from newsflow.feeds import parse_feed
from newsflow.models import ExtractedArticle, FeedEntry

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def _entry(written: str, link: str = "https://news.example/story") -> FeedEntry:
    body = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>Story</title>'
            f"<link>{link}</link><pubDate>{written}</pubDate></item></channel></rss>").encode()
    entry, = parse_feed(body, feed_id="f", feed_url="https://news.example/feed", now=NOW).entries
    return entry


def _page(lang: str, published: str | None, url: str) -> ExtractedArticle:
    story = "".join(f"<p>The council met on Tuesday and approved the budget for schools and roads, item {n}.</p>"
                    for n in range(5))
    ld = (f'<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "Budget", "datePublished": '
          f'"{published}"}}</script>') if published else ""
    page = extract_article(f'<html lang="{lang}"><head><title>Budget</title>{ld}</head><body><article>'
                           f"<h1>Budget</h1>{story}</article></body></html>", url)
    assert page is not None
    return page


def _stored_day(lang: str, published: str | None, written: str, url: str = "https://news.example/story") -> date | None:
    entry = _entry(written, url)
    return article_dates(_page(lang, published, url), entry.published_at, entry.published_date, NOW, url,
                         feed_zone_given=entry.published_zone_given, entry_url=entry.url)[1]


@pytest.mark.parametrize(("lang", "printed", "written", "url", "day"), [
    ("ja", "2026-12-06T08:00:00", "Sat, 05 Dec 2026 18:00:00 -0500", "https://news.example/story", date(2026, 12, 6)),
    ("zh", "2026-12-06T09:00:00", "Sat, 05 Dec 2026 20:00:00 -0500", "https://news.example/story", date(2026, 12, 6)),
    ("en", "2026-12-05T10:00:00", "Sun, 06 Dec 2026 00:00:00 +0900", "https://news.example.us/story",
     date(2026, 12, 5)),
])
def test_a_printed_wall_clock_in_a_guessed_zone_keeps_its_day_against_a_feeds_offset(
        lang: str, printed: str, written: str, url: str, day: date) -> None:
    """The review's three (F1): the feed's offset gives the page's instant, so the guess was right and the feed's
    offset is its server's; the branch before the fix stored the feed's day, as main did not."""
    assert _stored_day(lang, printed, written, url) == day


@pytest.mark.parametrize(("lang", "published", "given"), [
    ("ja", "2026-12-07T03:00:00Z", False),  # stated in UTC, put in Tokyo by its language
    ("zh", "2026-12-07T03:00:00+00:00", False),
    ("ja", "2026-12-07T12:00:00", True),  # a wall clock the page printed, put in Tokyo: the page's own day
    ("zh", "2026-12-07T12:00:00", True),
])
def test_only_a_time_the_page_stated_in_utc_is_no_offset_of_its_own(lang: str, published: str, given: bool) -> None:
    assert _page(lang, published, "https://news.example/story").published_offset_given is given


@pytest.mark.parametrize(("written", "instant"), [
    ("Sat, 05 Dec 2026 03:00:00 +08:00", datetime(2026, 12, 4, 19, 0, tzinfo=UTC)),  # RFC 822 with a colon
    ("Sat, 05 Dec 2026 21:00:00 -05:00", datetime(2026, 12, 6, 2, 0, tzinfo=UTC)),
    ("Sat, 05 Dec 2026 23:30:00 MEZ", datetime(2026, 12, 5, 22, 30, tzinfo=UTC)),  # read as UTC by feedparser
    ("Sat, 05 Dec 2026 23:30:00 CET", datetime(2026, 12, 5, 22, 30, tzinfo=UTC)),
    ("Sat, 05 Dec 2026 23:30:00 JST", datetime(2026, 12, 5, 14, 30, tzinfo=UTC)),
    ("Sat, 05 Dec 2026 23:30:00 IST", datetime(2026, 12, 5, 18, 0, tzinfo=UTC)),  # India's (feeddates.NAMED_OFFSETS)
    ("Sat, 05 Dec 2026 23:30:00 BST", datetime(2026, 12, 5, 22, 30, tzinfo=UTC)),
    ("Sat, 05 Dec 2026 23:30:00 AEDT", datetime(2026, 12, 5, 12, 30, tzinfo=UTC)),
    ("Sat, 05 Dec 2026 23:30:00 HKT", datetime(2026, 12, 5, 15, 30, tzinfo=UTC)),
    ("Sat, 05 Dec 2026 23:30:00 MSK", datetime(2026, 12, 5, 20, 30, tzinfo=UTC)),
    ("Sat, Dec 05 2026 11:30:00 PM EST", datetime(2026, 12, 6, 4, 30, tzinfo=UTC)),  # feedparser: 11:30 UTC
    ("Sat, Dec 05 2026 11:30:00 PM PST", datetime(2026, 12, 6, 7, 30, tzinfo=UTC)),
])
def test_a_zone_feedparser_misreads_is_read_in_its_offset_on_its_written_day(written: str, instant: datetime) -> None:
    entry = _entry(written)
    assert (entry.published_at, entry.published_date, entry.published_zone_given) == (instant, date(2026, 12, 5),
                                                                                        "offset")


@pytest.mark.parametrize("written", ["Sat, 05 Dec 2026 23:30:00 A", "Sat, 05 Dec 2026 23:30:00 XYZT"])
def test_a_zone_read_as_utc_that_the_text_does_not_say_is_marked_unread(written: str) -> None:
    assert _entry(written).published_zone_given == "unread"


def test_the_chinese_new_york_outlets_colon_offset_gives_its_own_day() -> None:
    """The brief's case 2 with a colon offset (review F2): main and the branch stored Shanghai's next day."""
    assert _stored_day("zh", None, "Sat, 05 Dec 2026 21:00:00 -05:00") == date(2026, 12, 5)
    assert _stored_day("zh", "2026-12-06T02:00:00Z", "Sat, 05 Dec 2026 21:00:00 -05:00") == date(2026, 12, 5)


def test_an_undated_single_zone_page_under_a_named_zone_keeps_the_feeds_day() -> None:
    for lang, tld, written in (("ja", "jp", "JST"), ("de", "de", "MEZ"), ("en", "in", "IST")):
        day = _stored_day(lang, None, f"Sat, 05 Dec 2026 23:30:00 {written}", f"https://news.example.{tld}/story")
        assert day == date(2026, 12, 5), written


@pytest.mark.parametrize(("link", "instant"), [
    ("https://news.example.us/story", datetime(2026, 12, 6, 3, 30, tzinfo=UTC)),  # New York's, a guess (F4)
    ("https://news.example.io/story", datetime(2026, 12, 5, 22, 30, tzinfo=UTC)),  # no zone listed: UTC
    ("https://news.example.co/story", datetime(2026, 12, 5, 22, 30, tzinfo=UTC)),  # sold as generic: UTC
    ("https://news.example.com/story", datetime(2026, 12, 5, 22, 30, tzinfo=UTC)),
])
def test_a_zoneless_date_is_placed_where_the_docs_say_and_keeps_its_day(link: str, instant: datetime) -> None:
    entry = _entry("2026-12-05T22:30:00", link)
    assert (entry.published_at, entry.published_date, entry.published_zone_given) == (instant, date(2026, 12, 5),
                                                                                        "none")


def test_a_zoneless_date_redirected_to_a_page_naming_no_zone_keeps_the_item_urls_placement() -> None:
    """An item on .jp served by an English page on a .com (F4): Tokyo's placement stands, the written day too."""
    entry = _entry("2026-12-05T08:00:00", "https://news.example.jp/story")
    url = "https://news.example.com/story"
    at, day = article_dates(_page("en", None, url), entry.published_at, entry.published_date, NOW, url,
                            feed_zone_given=entry.published_zone_given, entry_url=entry.url)
    assert (at, day) == (datetime(2026, 12, 4, 23, 0, tzinfo=UTC), date(2026, 12, 5))
