"""The forty-seventh pass on dates (docs/extraction.md, "Forty-seventh pass, dates"): feed date forms the web writes
that newsflow did not read (`feeddates.zoned_local`), a zone's name of two meanings read in the item's place's
(`localtime.feed_place`), and a page's slashed day read in the other order than its feed's (`articledates._swapped`).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from newsflow.articledates import article_dates
from newsflow.extract import extract_article
from newsflow.feeddates import zoned_local
from newsflow.feeds import parse_feed
from newsflow.models import FeedEntry

NOW = datetime(2026, 12, 10, 12, 0, tzinfo=UTC)


def _rss(written: str, link: str = "https://news.example.com/story", language: str = "") -> bytes:
    channel_language = f"<language>{language}</language>" if language else ""
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{channel_language}<item><title>a</title>'
            f"<link>{link}</link><pubDate>{written}</pubDate></item></channel></rss>").encode()


def _entry(body: bytes, feed_url: str = "https://news.example.com/feed") -> FeedEntry:
    (entry,) = parse_feed(body, feed_id="f", feed_url=feed_url, now=NOW).entries
    return entry


def _z(hours: float) -> timezone:
    return timezone(timedelta(hours=hours))


@pytest.mark.parametrize(("written", "instant"), [
    # an offset with no leading zero: feedparser read "+530" two days early and "-500" two days late
    ("Sat, 05 Dec 2026 23:30:00 +530", datetime(2026, 12, 5, 23, 30, tzinfo=_z(5.5))),
    ("Sat, 05 Dec 2026 20:00:00 -500", datetime(2026, 12, 5, 20, 0, tzinfo=_z(-5))),
    ("Sat, 05 Dec 2026 20:00:00 +05", datetime(2026, 12, 5, 20, 0, tzinfo=_z(5))),  # undated before
    ("Sat, 05 Dec 2026 20:00:00 GMT-5", datetime(2026, 12, 5, 20, 0, tzinfo=_z(-5))),  # undated before
    ("Sat, 05 Dec 2026 20:00:00 UTC+05:30", datetime(2026, 12, 5, 20, 0, tzinfo=_z(5.5))),  # read as UTC before
    # ISO 8601 followed by a zone's name or such an offset: undated before
    ("2026-12-05T20:00:00 EST", datetime(2026, 12, 5, 20, 0, tzinfo=_z(-5))),
    ("2026-12-05T20:00:00EST", datetime(2026, 12, 5, 20, 0, tzinfo=_z(-5))),
    ("2026-12-05 23:30:00 MEZ", datetime(2026, 12, 5, 23, 30, tzinfo=_z(1))),
    ("2026-12-05T23:30:00+530", datetime(2026, 12, 5, 23, 30, tzinfo=_z(5.5))),
    ("2026-12-05T23:30:00.000 JST", datetime(2026, 12, 5, 23, 30, tzinfo=_z(9))),
    # more forms: a dotted day first, Java's `Date.toString()`, a two-digit year with an HHMM clock
    ("05.12.2026 20:00:00 +0100", datetime(2026, 12, 5, 20, 0, tzinfo=_z(1))),
    ("Sat Dec 05 20:00:00 CST 2026", datetime(2026, 12, 5, 20, 0, tzinfo=_z(-6))),
    ("05 Dec 26 2000 GMT", datetime(2026, 12, 5, 20, 0, tzinfo=UTC)),
    # names feedparser read as UTC at the written clock (an Indonesian 23:00 was Jakarta's next day)
    ("Sat, 05 Dec 2026 23:00:00 WIB", datetime(2026, 12, 5, 23, 0, tzinfo=_z(7))),
    ("Sat, 05 Dec 2026 20:00:00 SAST", datetime(2026, 12, 5, 20, 0, tzinfo=_z(2))),
    ("Sat, 05 Dec 2026 20:00:00 BRT", datetime(2026, 12, 5, 20, 0, tzinfo=_z(-3))),
    ("Sat, 05 Dec 2026 20:00:00 TRT", datetime(2026, 12, 5, 20, 0, tzinfo=_z(3))),
    ("Sat, 05 Dec 2026 20:00:00 NPT", datetime(2026, 12, 5, 20, 0, tzinfo=_z(5.75))),
    ("Sat, 05 Dec 2026 20:00:00 HST", datetime(2026, 12, 5, 20, 0, tzinfo=_z(-10))),
])
def test_a_feed_date_form_is_read_in_the_offset_it_names(written: str, instant: datetime) -> None:
    entry = _entry(_rss(written))
    assert (entry.published_at, entry.published_date, entry.published_zone_given) == (
        instant.astimezone(UTC), instant.date(), "offset" if instant.utcoffset() else "utc")


@pytest.mark.parametrize(("link", "feed_url", "language", "hours"), [
    ("https://news.example.in/a", "https://news.example.in/feed", "", 5.5),  # India's, as before
    ("https://news.example.com/a", "https://news.example.com/feed", "en", 5.5),  # nothing names a place
    ("https://www.example.ie/a", "https://www.example.ie/feed", "", 1),  # Irish Standard Time
    ("https://cdn.example.com/a", "https://www.example.ie/feed", "", 1),  # the feed's domain when the item's is generic
    ("https://www.example.co.il/a", "https://www.example.co.il/feed", "", 2),  # Israel Standard Time
    ("https://news.example.com/a", "https://news.example.com/feed", "he", 2),  # a Hebrew feed on a .com
    ("https://news.example.com/a", "https://news.example.com/feed", "en-IE", 1),  # an Irish English feed
])
def test_ist_is_read_in_the_meaning_of_the_items_place(link: str, feed_url: str, language: str, hours: float) -> None:
    entry = _entry(_rss("Sat, 05 Dec 2026 23:30:00 IST", link, language), feed_url)
    assert entry.published_at == datetime(2026, 12, 5, 23, 30, tzinfo=_z(hours)).astimezone(UTC)
    assert entry.published_date == date(2026, 12, 5)


@pytest.mark.parametrize(("name", "place", "hours"), [
    ("CST", "Asia/Shanghai", 8), ("CST", "America/New_York", -6), ("CST", None, -6),
    ("AST", "Asia/Riyadh", 3), ("AST", None, -4), ("BST", "Asia/Dhaka", 6), ("BST", "Europe/London", 1),
])
def test_other_names_of_two_meanings_follow_the_place(name: str, place: str | None, hours: float) -> None:
    assert zoned_local(f"Sat, 05 Dec 2026 20:00:00 {name}", place) == datetime(2026, 12, 5, 20, 0, tzinfo=_z(hours))


@pytest.mark.parametrize("written", ["Sat, 05 Dec 2026 20:00:00 XYZ", "Sat, 05 Dec 2026 20:00:00 +1500",
                                     "2026-12-05T20:00:00 QQQ", "2026-02-30T20:00:00 EST",
                                     "Sat, 05 Dec 2026 20:00:00 A"])
def test_an_unknown_zone_or_an_impossible_date_is_not_read_as_a_zoned_one(written: str) -> None:
    assert zoned_local(written) is None


def test_a_json_feeds_zone_name_and_compact_offset_are_read_with_the_feeds_language() -> None:
    items = [{"id": f"i{n}", "url": f"https://news.example.com/{n}", "date_published": written}
             for n, written in enumerate(("2026-12-05T20:00:00 EST", "2026-12-05T23:30:00+530",
                                          "2026-12-05T23:30:00 IST"))]
    body = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "t", "language": "he",
                       "items": items}).encode()
    entries = parse_feed(body, feed_id="f", feed_url="https://news.example.com/feed", now=NOW).entries
    assert [e.published_at for e in entries] == [datetime(2026, 12, 6, 1, 0, tzinfo=UTC),
                                                 datetime(2026, 12, 5, 18, 0, tzinfo=UTC),
                                                 datetime(2026, 12, 5, 21, 30, tzinfo=UTC)]  # Israel's, by "he"
    assert {e.published_date for e in entries} == {date(2026, 12, 5)}


def _slashed_page(printed: str) -> str:
    story = "".join(f"<p>The council met on Tuesday and approved the budget for schools and roads, item {n}.</p>"
                    for n in range(6))
    return (f'<html lang="en"><head><title>Budget</title></head><body><article><h2 class="date-header"><span>'
            f"{printed}</span></h2><h3>Budget</h3>{story}</article></body></html>")


@pytest.mark.parametrize(("printed", "feed_day", "stored"), [
    ("12/02/2026", date(2026, 12, 2), date(2026, 12, 2)),  # htmldate reads 12 February; the feed says 2 December
    ("12/02/2026", date(2026, 2, 12), date(2026, 2, 12)),  # the feed agrees with the page's reading: kept
    ("12/02/2026", date(2026, 12, 3), date(2026, 2, 12)),  # another day, not the swap: the page's, as before
])
def test_a_slashed_day_read_in_the_other_order_than_the_feeds_gives_way_to_it(
        printed: str, feed_day: date, stored: date) -> None:
    page = extract_article(_slashed_page(printed), "https://blog.example.com/2026/budget.html")
    assert page is not None and page.published_date == date(2026, 2, 12)  # the page alone: day first
    feed_at = datetime(feed_day.year, feed_day.month, feed_day.day, 20, 0, tzinfo=_z(-5))
    assert article_dates(page, feed_at, feed_day, NOW, "https://blog.example.com/2026/budget.html",
                         feed_zone_given="offset")[1] == stored


def _ist_page(lang: str) -> str:
    story = "".join(f"<p>The council met on Tuesday and approved the budget for schools and roads, item {n}.</p>"
                    for n in range(6))
    ld = '{"@type": "NewsArticle", "headline": "Budget", "datePublished": "2026-12-05T22:30:00Z"}'
    return (f'<html lang="{lang}"><head><title>Budget</title><script type="application/ld+json">{ld}</script></head>'
            f'<body><article><h1>Budget</h1><div class="byline">By A. Writer | 22:30 IST</div>{story}</article>'
            "</body></html>")


@pytest.mark.parametrize(("lang", "zone", "day"), [
    ("en-IE", "Europe/Dublin", date(2026, 12, 5)),  # Irish Standard Time: 22:30 on the 5th (main: India's 6th)
    ("en-IL", "Asia/Jerusalem", date(2026, 12, 6)),  # Israel's: 00:30 on the 6th
    ("en", "Asia/Kolkata", date(2026, 12, 6)),  # no region: India's, as before
])
def test_a_printed_ist_names_the_zone_of_the_pages_declared_region(lang: str, zone: str, day: date) -> None:
    page = extract_article(_ist_page(lang), "https://www.example.com/budget")
    assert page is not None and (page.publisher_zone, page.published_date) == (zone, day)
