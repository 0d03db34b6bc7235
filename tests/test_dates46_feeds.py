"""The forty-fifth pass on dates (docs/extraction.md, "Forty-fifth pass, dates"): a feed's local time with no zone,
read and marked from the parse to the day stored (`feeddates.zoneless_local`, `feedentries.placed`,
`entries.published_zone_given`, `articledates.placed_feed_date`), and the order of evidence between a feed's own
offset and a zone guessed from the page's language (`articledates.zone_beside_the_feed`). The end-to-end world is
`tests/test_dates45_world.py` (its kept worlds hold this pass's four faults)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsflow import warehouse
from newsflow.articledates import article_dates
from newsflow.config import FeedConfig
from newsflow.extract import extract_article
from newsflow.feeddates import zoneless_local
from newsflow.feeds import parse_feed
from newsflow.models import ExtractedArticle, FeedEntry
from newsflow.warehouse import Warehouse, run_read_query

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
FEEDS = Path(__file__).parent.parent / "../shared/corpora/feeds/real"


def _rss(written: str, link: str = "https://news.example/story") -> bytes:
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>Story</title>'
            f"<link>{link}</link><pubDate>{written}</pubDate></item></channel></rss>").encode()


def _entry(body: bytes) -> FeedEntry:
    entry, = parse_feed(body, feed_id="f", feed_url="https://news.example/feed", now=NOW).entries
    return entry


@pytest.mark.parametrize(("written", "wall"), [
    ("2026-12-05T20:00:00", datetime(2026, 12, 5, 20, 0)),  # ISO 8601, no offset: read as UTC on main
    ("2026-12-5 20:00", datetime(2026, 12, 5, 20, 0)),
    ("Sat, 05 Dec 2026 20:00:00", datetime(2026, 12, 5, 20, 0)),  # RFC 822, no zone: undated on main
    ("Sat, Dec 05 2026 08:00:00 PM", datetime(2026, 12, 5, 20, 0)),  # NBC New York's: feedparser drops "PM"
    ("Sat, Dec 05 2026 12:30:00 AM", datetime(2026, 12, 5, 0, 30)),
    ("2026/12/5 20:00:00", datetime(2026, 12, 5, 20, 0)),  # a Chinese board's: undated on main
    ("2026-12-05", datetime(2026, 12, 5)),  # a day alone: its midnight, its day
])
def test_a_local_time_with_no_zone_is_dated_its_written_day_and_marked(written: str, wall: datetime) -> None:
    """On a generic host the wall clock is read as UTC, a guess the mark says; on a .jp host it is Tokyo's."""
    generic = _entry(_rss(written))
    assert (generic.published_at, generic.published_date, generic.published_zone_given) == (
        wall.replace(tzinfo=UTC), wall.date(), "none")
    tokyo = _entry(_rss(written, "https://news.example.jp/story"))
    assert (tokyo.published_at, tokyo.published_date, tokyo.published_zone_given) == (
        wall.replace(tzinfo=timezone(timedelta(hours=9))), wall.date(), "none")


@pytest.mark.parametrize(("written", "given"), [
    ("Sat, 05 Dec 2026 20:00:00 -0000", "utc"),  # RFC 2822's "UTC, local zone unknown": a zone, not none
    ("Sat, 05 Dec 2026 20:00:00 GMT", "utc"),
    ("2026-12-05T20:00:00Z", "utc"),
    ("2026-12-05T20:00:00+00:00", "utc"),
    ("2026-12-05T20:00:00-05:00", "offset"),
    ("Sat, 05 Dec 2026 20:00:00 +0900", "offset"),
])
def test_a_date_that_names_its_zone_is_no_local_time(written: str, given: str) -> None:
    assert zoneless_local(written) is None
    assert _entry(_rss(written)).published_zone_given == given


@pytest.mark.parametrize("written", [
    "2026-13-05T20:00:00", "2026/2/30 10:00:00", "Sat, Dec 05 2026 14:00:00 PM", "Sat, 05 Xyz 2026 20:00:00",
    "Mo, 07 Dez 2026 10:00:00", "2026", "2026-12", "20:00:00",
])
def test_an_impossible_or_unknown_local_time_is_not_read_as_one(written: str) -> None:
    assert zoneless_local(written) is None


def test_a_json_feeds_local_time_is_marked_too() -> None:
    document = {"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": [
        {"id": "1", "url": "https://news.example.jp/1", "date_published": "2026-12-05T20:00:00"}]}
    entry = _entry(json.dumps(document).encode())
    assert (entry.published_at, entry.published_date, entry.published_zone_given) == (
        datetime(2026, 12, 5, 11, 0, tzinfo=UTC), date(2026, 12, 5), "none")


def test_the_real_feeds_local_times_are_read() -> None:
    """NBC New York's one item of "Sat, Dec 16 2023 02:02:33 PM" was 02:02:33 Z on main (feedparser dropped the PM);
    kc0011's 20 items of "2020/1/10 14:33:00" were undated (0 of 20)."""
    nbc = parse_feed((FEEDS / "feed-rs/rss_2.0_nbcny.xml").read_bytes(), feed_id="nbc",
                     feed_url="https://www.nbcnewyork.com/feed", now=datetime(2023, 12, 17, tzinfo=UTC)).entries
    zoneless = [e for e in nbc if e.published_zone_given == "none"]
    assert [(e.published_at, e.published_date) for e in zoneless] == [
        (datetime(2023, 12, 16, 14, 2, 33, tzinfo=UTC), date(2023, 12, 16))]
    board = parse_feed((FEEDS / "rsparser/kc0011.rss").read_bytes(), feed_id="kc", feed_url="http://www.kc0011.net/rss",
                       now=datetime(2020, 1, 11, tzinfo=UTC)).entries
    assert len(board) == 20 and all(e.published_zone_given == "none" for e in board)
    assert board[0].published_date == date(2020, 1, 10)


def test_the_mark_is_stored_and_read_back_for_the_fetch(tmp_path: Path) -> None:
    """Migration 0105: the entries table keeps how the feed wrote its date's zone, and the fetch stage gets it."""
    store = Warehouse(tmp_path / "w.duckdb")
    with store.writing() as con:
        warehouse.sync_feeds(con, [FeedConfig("f", "https://news.example/feed")])
        warehouse.begin_run(con, "r1", NOW)
    entries = [_entry(_rss(written, f"https://news.example/{n}")) for n, written in enumerate(
        ("2026-12-05T20:00:00", "2026-12-05T20:00:00-05:00", "2026-12-05T20:00:00Z"))]
    with store.writing() as con, warehouse.transaction(con):
        warehouse.insert_entries(con, "r1", entries)
    rows = run_read_query(store, "SELECT url, published_zone_given FROM entries ORDER BY url").rows
    assert [given for _, given in rows] == ["none", "offset", "utc"]
    with store.writing() as con:
        pending, _ = warehouse.pending_entries(con, ["f"])
    assert sorted((p.url, p.published_zone_given) for p in pending) == sorted(rows)


def _page(lang: str, published: str | None, canonical: str = "") -> ExtractedArticle:
    story = "".join(f"<p>The council met on Tuesday and approved the budget for schools and roads, item {n}.</p>"
                    for n in range(5))
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    ld = (f'<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "Budget", "datePublished": '
          f'"{published}"}}</script>') if published else ""
    page = extract_article(f'<html lang="{lang}"><head><title>Budget</title>{link}{ld}</head><body><article>'
                           f"<h1>Budget</h1>{story}</article></body></html>", "http://127.0.0.1:8000/story")
    assert page is not None
    return page


def test_a_local_time_is_placed_in_the_pages_zone_and_keeps_its_day() -> None:
    """A Tokyo feed's "2026-12-05T20:00:00" over an undated Japanese page on a generic host: read as 20:00 UTC, it
    was stored on the 6th (Tokyo's day of that instant); it is now 20:00 in Tokyo, on the 5th. With no zone known
    (an English page) the guess stands, on the written day."""
    entry = _entry(_rss("2026-12-05T20:00:00"))
    dated = article_dates(_page("ja", None), entry.published_at, entry.published_date, NOW,
                          "http://127.0.0.1:8000/story", feed_zone_given="none", entry_url=entry.url)
    assert dated == (datetime(2026, 12, 5, 11, 0, tzinfo=UTC), date(2026, 12, 5))
    assert article_dates(_page("en", None), entry.published_at, entry.published_date, NOW,
                         "http://127.0.0.1:8000/story", feed_zone_given="none", entry_url=entry.url) == (
        datetime(2026, 12, 5, 20, 0, tzinfo=UTC), date(2026, 12, 5))


def test_a_wall_clock_placed_by_the_item_urls_country_is_placed_again_by_the_pages() -> None:
    """The feed stage placed "20:00" in Tokyo (a .jp item URL); the page, served from a .de host after a redirect, is
    German: the wall clock, not the instant, is what moves."""
    entry = _entry(_rss("2026-12-05T20:00:00", "https://news.example.jp/story"))
    dated = article_dates(_page("de", None), entry.published_at, entry.published_date, NOW,
                          "https://zeitung.de/story", feed_zone_given="none", entry_url=entry.url)
    assert dated == (datetime(2026, 12, 5, 19, 0, tzinfo=UTC), date(2026, 12, 5))


NEW_YORK_EVENING = datetime(2026, 12, 6, 22, 0, tzinfo=timezone(timedelta(hours=-5)))  # 03:00 Z on the 7th


@pytest.mark.parametrize(("lang", "canonical", "given", "day"), [
    # the brief's case: a Chinese-language New York outlet on a generic host; its language guesses Shanghai (11:00
    # on the 7th), its feed writes its own -05:00 (22:00 on the 6th): the feed's offset beats the guess (main: 7th)
    ("zh", "", "offset", date(2026, 12, 6)),
    ("zh", "", None, date(2026, 12, 6)),  # an entry seen before 0105: an offset whose day is not the UTC day
    ("ja", "", "offset", date(2026, 12, 6)),  # a Japanese page, by its language only: the same order
    # a .jp site: a country's one zone beats a feed's other offset (the forty-fourth pass's, kept)
    ("ja", "https://www.asahi.example.jp/story", "offset", date(2026, 12, 7)),
    ("en", "https://www.news.example.us/story", "offset", date(2026, 12, 6)),  # .us: New York by guess
])
def test_a_feeds_own_offset_beats_a_zone_guessed_for_a_pages_utc_time(
        lang: str, canonical: str, given: str | None, day: date) -> None:
    page = _page(lang, "2026-12-07T03:00:00Z", canonical)
    assert article_dates(page, NEW_YORK_EVENING, NEW_YORK_EVENING.date(), NOW, "http://127.0.0.1:8000/story",
                         feed_zone_given=given)[1] == day


def test_a_feeds_own_offset_beats_a_guessed_day_that_is_not_the_utc_day() -> None:
    """18:00 Z on the 6th is 13:00 in New York (the 6th) and 02:00 in Shanghai (the 7th): the page's day, put in the
    guessed zone, is neither its UTC day nor its word, and the feed's -05:00 gives the day."""
    page = _page("zh", "2026-12-06T18:00:00Z")
    feed = datetime(2026, 12, 6, 13, 0, tzinfo=timezone(timedelta(hours=-5)))
    assert page.published_date == date(2026, 12, 7)
    assert article_dates(page, feed, feed.date(), NOW, "http://127.0.0.1:8000/story",
                         feed_zone_given="offset")[1] == date(2026, 12, 6)


def test_a_feed_date_in_utc_is_still_read_in_the_zone_the_language_guesses() -> None:
    """Guard: where the feed writes UTC, nothing says the publisher's day but the guess (a Chinese page: Shanghai)."""
    utc = NEW_YORK_EVENING.astimezone(UTC)
    assert article_dates(_page("zh", None), utc, utc.date(), NOW, "http://127.0.0.1:8000/story",
                         feed_zone_given="utc")[1] == date(2026, 12, 7)
    assert article_dates(_page("zh", "2026-12-07T03:00:00Z"), utc, utc.date(), NOW, "http://127.0.0.1:8000/story",
                         feed_zone_given="utc")[1] == date(2026, 12, 7)


def test_an_undated_pages_feed_offset_is_not_moved_into_the_languages_zone() -> None:
    """A Chinese-language New York outlet's feed writing 12:00 -05:00 (17:00 Z, the same UTC day): main put the feed's
    date in Shanghai, 01:00 on the next day."""
    noon = datetime(2026, 12, 6, 12, 0, tzinfo=timezone(timedelta(hours=-5)))
    assert article_dates(_page("zh", None), noon, noon.date(), NOW, "http://127.0.0.1:8000/story",
                         feed_zone_given="offset")[1] == date(2026, 12, 6)


@pytest.mark.parametrize(("lang", "published", "given"), [
    ("ja", "2026-12-07T03:00:00Z", False),  # put in Tokyo by its language: no offset the page gave (main: True)
    ("ja", "2026-12-07T12:00:00+09:00", True),
    ("en", "2026-12-06T22:00:00-05:00", True),
])
def test_a_zone_put_on_a_utc_time_is_no_offset_the_page_gave(lang: str, published: str, given: bool) -> None:
    assert _page(lang, published).published_offset_given is given


_GUESSES = ("Asia/Shanghai", "Asia/Tokyo", "Europe/Berlin", "Asia/Kolkata", "America/New_York")
_OFFSETS = st.integers(-11 * 4, 13 * 4).filter(bool).map(lambda quarters: timezone(timedelta(minutes=15 * quarters)))
_INSTANTS = st.datetimes(datetime(2020, 1, 1), datetime(2026, 12, 1)).map(
    lambda d: d.replace(second=0, microsecond=0, tzinfo=UTC))
_TIMES = _INSTANTS.filter(lambda moment: moment.hour or moment.minute)
"""Instants a page states as a time: midnight UTC is a bare day to extraction, the page's word on its day (order 1)."""


def _as_extracted(instant: datetime, zone: str, guessed: bool) -> ExtractedArticle:
    """A page stating `instant` in UTC only, as extraction gives it: put in the page's zone by `dates`."""
    local = instant.astimezone(ZoneInfo(zone))
    return ExtractedArticle(text="story", published_at=instant, published_date=local.date(), publisher_zone=zone,
                            publisher_zone_guessed=guessed, published_offset_given=False)


@settings(max_examples=60, deadline=None)
@given(instant=_TIMES, offset=_OFFSETS, zone=st.sampled_from(_GUESSES), page_states=st.booleans())
def test_the_feeds_own_offset_beats_any_guessed_zone(instant: datetime, offset: timezone, zone: str,
                                                     page_states: bool) -> None:
    """Order 3 over 4, for any instant, any offset the feed writes its own items in and any guessed zone: the stored
    day is the feed's offset's, whether the page states the instant in UTC or states nothing."""
    page = _as_extracted(instant, zone, guessed=True) if page_states else ExtractedArticle(
        text="story", publisher_zone=zone, publisher_zone_guessed=True)
    feed = instant.astimezone(offset)
    assert article_dates(page, feed, feed.date(), NOW + timedelta(days=2000), "http://127.0.0.1:8000/story",
                         feed_zone_given="offset")[1] == feed.date()


@settings(max_examples=60, deadline=None)
@given(instant=_TIMES, offset=_OFFSETS, zone=st.sampled_from(("Asia/Tokyo", "Europe/Berlin", "Asia/Kolkata")))
def test_a_countrys_one_zone_beats_the_feeds_other_offset(instant: datetime, offset: timezone, zone: str) -> None:
    """Order 2 over 3: a page's UTC time on a single-zone country's site keeps that zone's day."""
    feed = instant.astimezone(offset)
    assert article_dates(_as_extracted(instant, zone, guessed=False), feed, feed.date(), NOW + timedelta(days=2000),
                         "http://127.0.0.1:8000/story", feed_zone_given="offset")[1] == instant.astimezone(
        ZoneInfo(zone)).date()


@settings(max_examples=60, deadline=None)
@given(wall=_INSTANTS.map(lambda d: d.replace(tzinfo=None)), zone=st.sampled_from((None, *_GUESSES)),
       host=st.sampled_from(("news.example", "news.example.jp", "news.example.de")))
def test_a_local_time_with_no_zone_keeps_its_written_day_wherever_it_is_placed(
        wall: datetime, zone: str | None, host: str) -> None:
    written = wall.isoformat()
    entry = _entry(_rss(written, f"https://{host}/story")) if wall <= NOW.replace(tzinfo=None) else None
    if entry is None:
        return
    page = ExtractedArticle(text="story", publisher_zone=zone, publisher_zone_guessed=zone is not None)
    at, day = article_dates(page, entry.published_at, entry.published_date, NOW, "http://127.0.0.1:8000/story",
                            feed_zone_given=entry.published_zone_given, entry_url=entry.url)
    assert day == wall.date() and at is not None
    if zone is not None:  # the wall clock in the page's zone (a wall clock a DST change skips: as `zoneinfo` reads it)
        assert at == wall.replace(tzinfo=ZoneInfo(zone))
