"""The forty-fourth pass on dates (docs/extraction.md, "Forty-fourth pass, dates"): the faults the generated world
of lying feeds found (`tests/test_dates45_world.py`), each at its own depth, pure and fast."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from newsflow.articledates import article_dates
from newsflow.extractpool import ExtractionResult
from newsflow.feeddates import foreign_rfc822
from newsflow.feeds import parse_feed
from newsflow.models import ExtractedArticle, Outcome
from newsflow.reextract import updated_row
from newsflow.warehouse import ArticleToReextract

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def _rss(*dates: str) -> bytes:
    items = "".join(f"<item><title>Story {n}</title><link>https://news.example/story-{n}</link>"
                    f"<pubDate>{written}</pubDate></item>" for n, written in enumerate(dates))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()


@pytest.mark.parametrize(("written", "instant", "day"), [
    ("Seg, 24 Set 2018 19:42:40 -0300", datetime(2018, 9, 24, 22, 42, 40, tzinfo=UTC), date(2018, 9, 24)),  # UOL
    ("mer, 16 nov 2022 00:38:15 +0100", datetime(2022, 11, 15, 23, 38, 15, tzinfo=UTC), date(2022, 11, 16)),
    ("Mo, 07 Dez 2026 08:00:00 +0100", datetime(2026, 12, 7, 7, 0, tzinfo=UTC), date(2026, 12, 7)),
    ("Di, 03 Mär 2026 23:30:00 +0100", datetime(2026, 3, 3, 22, 30, tzinfo=UTC), date(2026, 3, 3)),
    ("jeu., 4 juil. 2024 08:00:00 +0200", datetime(2024, 7, 4, 6, 0, tzinfo=UTC), date(2024, 7, 4)),
    ("4 juin 2024 08:00 GMT", datetime(2024, 6, 4, 8, 0, tzinfo=UTC), date(2024, 6, 4)),
    ("lun, 7 dic 2026 05:00:00 -0600", datetime(2026, 12, 7, 11, 0, tzinfo=UTC), date(2026, 12, 7)),
    ("ven, 11 ott 2024 10:00:00 +0200", datetime(2024, 10, 11, 8, 0, tzinfo=UTC), date(2024, 10, 11)),
])
def test_a_feed_date_naming_its_weekday_or_month_in_another_language_is_read(
        written: str, instant: datetime, day: date) -> None:
    """feedparser reads RFC 822 names in English only: each of these items was undated on main (published_at None),
    so a page with no date of its own was stored undated though its feed said the day."""
    entry, = parse_feed(_rss(written), feed_id="f", feed_url="https://news.example/feed", now=NOW).entries
    assert (entry.published_at, entry.published_date) == (instant, day)


@pytest.mark.parametrize("written", [
    "Mo, 07 Dez 2026 10:00:00 MEZ",  # a zone by a name RFC 822 does not know: it would read as UTC
    "Mo, 07 Dez 2026 10:00:00",  # a local time with no zone: no instant
    "Mo, 07 Xyz 2026 10:00:00 +0100",  # no month's name
    "07 Dez 26 10:00:00 +0100",  # a two-digit year
    "07 Dez 0026 08:00:00 +0100",  # review: a two-digit year padded to four figures read as 2026
    "ti, 3 marrask. 2026 10:00:00 +0200",  # review: Finnish November ("marraskuu") read as March by its "mar"
    "Máirt, 02 Meith 2026 10:00:00 +0100",  # review: Irish June ("Meitheamh") read as May by Dutch "mei"
    "03 Mae 2026 10:00:00 +0100",  # review: Breton May ("Mae") read as March by a German "Maerz"'s "mae"
])
def test_a_foreign_date_without_a_known_zone_or_month_is_not_read(written: str) -> None:
    assert foreign_rfc822(written) is None
    entry, = parse_feed(_rss(written), feed_id="f", feed_url="https://news.example/feed", now=NOW).entries
    assert entry.published_at is None


def test_uols_real_feed_dates_every_item(corpora: Path) -> None:
    """The real feed the catalogue found (rss-parser's `uolNoticias.rss`: "Seg, 24 Set 2018 19:42:40 -0300"): 15
    items, none dated on main."""
    body = (corpora / "feeds/real/rss-parser/uolNoticias.rss").read_bytes()
    parsed = parse_feed(body, feed_id="uol", feed_url="https://rss.uol.com.br/feed/noticias.xml",
                        now=datetime(2018, 9, 30, tzinfo=UTC))
    assert len(parsed.entries) == 15
    assert all(entry.published_at is not None for entry in parsed.entries)
    assert parsed.entries[0].published_date == date(2018, 9, 24)


def test_a_feed_giving_the_pages_utc_instant_in_another_zone_does_not_move_a_day_the_pages_zone_names() -> None:
    """Shrunk from the world: a Japanese page (its zone, Tokyo, from its language) whose JSON-LD says 03:00 Z on the
    6th (noon in Tokyo) under a feed item of the same instant written in its server's -05:00 (22:00 on the 5th)
    stored the 5th: the eleventh pass's rule took the feed's offset as the publisher's whenever the page's day was
    its time's UTC day. The page's zone says that day is the publisher's already."""
    page = ExtractedArticle(text="story", published_at=datetime(2026, 12, 6, 3, 0, tzinfo=UTC),
                            published_date=date(2026, 12, 6), publisher_zone="Asia/Tokyo")
    feed = datetime(2026, 12, 5, 22, 0, tzinfo=timezone(timedelta(hours=-5)))
    assert article_dates(page, feed, feed.date(), NOW, "http://127.0.0.1/story")[1] == date(2026, 12, 6)
    german = ExtractedArticle(text="story", published_at=datetime(2026, 12, 6, 12, 0, tzinfo=UTC),
                              published_date=date(2026, 12, 6))  # a .de URL names Berlin: 13:00 on the 6th
    ahead = datetime(2026, 12, 7, 1, 0, tzinfo=timezone(timedelta(hours=13)))  # the same instant, a server's +13:00
    assert article_dates(german, ahead, ahead.date(), NOW, "https://zeitung.de/story")[1] == date(2026, 12, 6)


def test_a_regional_feeds_own_offset_still_dates_a_page_whose_country_has_several_zones() -> None:
    """The review's counterexample from the real feeds: oren.ru writes its own +06:00 (Orenburg), where .ru names
    Moscow by guess. A page stating 19:30 Z on the 6th only in UTC (22:30 in Moscow, the 6th) under the feed's same
    instant, 01:30 +06:00 on the 7th: the publisher's day is the 7th, as on main; a guessed zone does not stop it."""
    page = ExtractedArticle(text="story", published_at=datetime(2026, 12, 6, 19, 30, tzinfo=UTC),
                            published_date=date(2026, 12, 6), publisher_zone="Europe/Moscow")
    feed = datetime(2026, 12, 7, 1, 30, tzinfo=timezone(timedelta(hours=6)))
    assert article_dates(page, feed, feed.date(), NOW + timedelta(days=2), "https://www.oren.ru/news/1")[1] == date(
        2026, 12, 7)


def test_without_a_known_zone_the_feeds_offset_still_gives_a_utc_times_day() -> None:
    """Guard (the eleventh pass's rule, kept): a page on a generic domain, no zone, stating 01:06 Z on the 8th, under a
    feed's 20:06 -05:00 on the 7th, the same instant: the feed's offset is the only word on the publisher's day."""
    page = ExtractedArticle(text="story", published_at=datetime(2026, 12, 8, 1, 6, tzinfo=UTC),
                            published_date=date(2026, 12, 8))
    feed = datetime(2026, 12, 7, 20, 6, tzinfo=timezone(timedelta(hours=-5)))
    assert article_dates(page, feed, feed.date(), NOW + timedelta(days=2), "https://news.example/story")[1] == date(
        2026, 12, 7)


def test_a_feed_giving_the_pages_instant_in_another_zone_does_not_move_a_day_the_page_wrote_in_its_own_offset() -> None:
    """Shrunk from the world: an English page on a generic host (no zone known) whose JSON-LD says 14:09 -05:00 on
    the 6th (19:09 Z, the same UTC day) under a feed item of the same instant written in its server's +09:00 (04:09 on
    the 7th) stored the feed's day: `published_at` is kept in UTC, so the page's own offset was lost to the rule for a
    page that gives its time in UTC only. The extracted page now says whether it gave an offset
    (`published_offset_given`)."""
    own = ExtractedArticle(text="story", published_at=datetime(2026, 12, 6, 19, 9, tzinfo=UTC),
                           published_date=date(2026, 12, 6), published_offset_given=True)  # 14:09 -05:00
    server = datetime(2026, 12, 7, 4, 9, tzinfo=timezone(timedelta(hours=9)))  # the same instant
    assert article_dates(own, server, server.date(), NOW, "https://news.example/story")[1] == date(2026, 12, 6)
    utc_only = ExtractedArticle(text="story", published_at=datetime(2026, 12, 6, 19, 9, tzinfo=UTC),
                                published_date=date(2026, 12, 6))  # guard: "19:09 Z", the feed's word stands
    assert article_dates(utc_only, server, server.date(), NOW, "https://news.example/story")[1] == date(2026, 12, 7)


@pytest.mark.parametrize(("published", "given"), [
    ("2026-12-06T14:09:00-05:00", True), ("2026-12-06T19:09:00Z", False), ("2026-12-06T19:09:00+00:00", False)])
def test_the_extracted_page_says_whether_its_time_came_with_an_offset(published: str, given: bool) -> None:
    from newsflow.extract import extract_article

    story = "".join(f"<p>The council met on Tuesday and approved the budget for schools and roads, item {n}.</p>"
                    for n in range(5))
    html = (f'<html lang="en"><head><title>Budget</title><script type="application/ld+json">{{"@type": '
            f'"NewsArticle", "headline": "Budget", "datePublished": "{published}"}}</script></head><body><article>'
            f"<h1>Budget</h1>{story}</article></body></html>")
    page = extract_article(html, "http://127.0.0.1:8000/story")
    assert page is not None and page.published_date == date(2026, 12, 6)
    assert page.published_offset_given is given


def test_a_reextract_gives_a_page_its_own_offsets_day_back_from_a_wrong_zone_feeds() -> None:
    """As a run now does: an article stored (before this pass) with a wrong-zone feed's day, the 7th (its page says
    14:09 -05:00 on the 6th, the feed the same instant in +09:00), gets the page's day back on a reextract:
    `updated_row` has the stored date in the feed's place, and did not pass the page's offset on."""
    page = ExtractedArticle(text="story", published_at=datetime(2026, 12, 6, 19, 9, tzinfo=UTC),
                            published_date=date(2026, 12, 6), published_offset_given=True)
    target = ArticleToReextract("id1", "https://news.example/story", "A", datetime(2026, 12, 6, 19, 9, tzinfo=UTC),
                                "h", True, published_date=date(2026, 12, 7))
    row = updated_row(target, ExtractionResult("id1", Outcome.OK, page, None, 5))
    assert row is not None and row[10] == date(2026, 12, 6)


@pytest.mark.parametrize(("utc", "zone", "url", "feed_offset", "day"), [
    # a .de page's 23:30 Z on the 5th, 00:30 on the 6th in Berlin, under the feed's same instant in +01:00: the
    # page's UTC day is not the publisher's, and the rule still takes the feed's (the zone's) day
    (datetime(2026, 12, 5, 23, 30, tzinfo=UTC), None, "https://zeitung.de/story", timedelta(hours=1),
     date(2026, 12, 6)),
    # a .in page's 20:00 Z, 01:30 on the 6th in India (a half-hour offset), under a feed in -05:00
    (datetime(2026, 12, 5, 20, 0, tzinfo=UTC), None, "https://khabar.example.in/story", timedelta(hours=-5),
     date(2026, 12, 6)),
    # New York's DST day (1 November 2026): 04:30 Z is 00:30 EDT on the 1st, under a feed still writing -05:00
    (datetime(2026, 11, 1, 4, 30, tzinfo=UTC), "America/New_York", "https://news.example/story", timedelta(hours=-5),
     date(2026, 11, 1)),
])
def test_a_utc_time_under_a_known_zone_is_dated_in_that_zone_whatever_the_feeds_offset(
        utc: datetime, zone: str | None, url: str, feed_offset: timedelta, day: date) -> None:
    """Review: both halves of `_utc_day_of_a_time`'s zone test. A mutant returning `known is None` (the rule never
    applied where a zone is known) passed every date test; the first two cases fail on it. The last failed on main
    (the feed's -05:00 put the story on 31 October)."""
    page = ExtractedArticle(text="story", published_at=utc, published_date=utc.date(), publisher_zone=zone)
    feed = utc.astimezone(timezone(feed_offset))
    assert article_dates(page, feed, feed.date(), NOW, url)[1] == day
