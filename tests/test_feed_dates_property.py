"""The thirty-fourth pass on publication dates (docs/extraction.md, "Thirty-fourth pass, dates"): the feed item's
date against the page's, generated. A story published at a true instant, a page that dates it one way (an exact
byline time, a bare day as a URL gives it, an age, a month and day without a year, only its modification, or
nothing), and a feed item that dates it another (the true instant in UTC or in another offset, the time the feed was
built, a slightly future stamp, a far future or garbage one the feed reader drops, or none). The invariant: the
stored day is the one a reader of the page would name, and without page signals the feed's. Pure and fast: it drives
the function that combines them (`articledates.article_dates`) after the feed reader's plausibility check, as
`pipeline.build_article` does; `tests/test_world_feed_dates.py` runs the end-to-end cases on a real server."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from newsflow.articledates import article_dates
from newsflow.datechecks import plausible
from newsflow.models import ExtractedArticle

URL = "https://news.example/2026/story"  # a generic domain: only the page names its zone
ZONES = (None, "UTC", "America/New_York", "Asia/Tokyo", "Europe/Berlin", "America/Los_Angeles")
SIGNALS = ("byline", "bare_day", "age", "month_day", "update", "modified_meta", "none")
FEEDS = ("true_utc", "true_local", "other_offset", "build", "soon", "far_future", "garbage", "none")
START = datetime(2024, 1, 1, tzinfo=UTC)
GENERATED = settings(max_examples=200, deadline=None)


def _local_day(moment: datetime, zone: str | None) -> date:
    return moment.astimezone(ZoneInfo(zone) if zone else UTC).date()


def _rounded_age(lag: timedelta) -> timedelta:
    """The age a page prints, rounded to its unit as moment.js does ("3 days ago" from 2.5 days)."""
    for unit in (timedelta(days=1), timedelta(hours=1), timedelta(minutes=1)):
        if lag >= unit:
            return max(round(lag / unit), 1) * unit
    return timedelta(minutes=1)


def _page(signal: str, true: datetime, updated: datetime, zone: str | None, fetched: datetime) -> ExtractedArticle:
    day = _local_day(true, zone)
    if signal == "byline":
        return ExtractedArticle(text="story", published_at=true, published_date=day, publisher_zone=zone)
    if signal == "bare_day":
        return ExtractedArticle(text="story", published_at=datetime(day.year, day.month, day.day, tzinfo=UTC),
                                published_date=day, publisher_zone=zone)
    if signal == "age":
        return ExtractedArticle(text="story", published_ago=_rounded_age(fetched - true), publisher_zone=zone)
    if signal == "month_day":
        return ExtractedArticle(text="story", published_month_day=(day.month, day.day), publisher_zone=zone)
    if signal in ("update", "modified_meta"):  # "Updated ..." printed, or a `dateModified` only (review)
        return ExtractedArticle(text="story", published_at=updated, published_date=_local_day(updated, zone),
                                published_by_update=True, update_printed=signal == "update", publisher_zone=zone)
    return ExtractedArticle(text="story", publisher_zone=zone)


def _feed(kind: str, true: datetime, zone: str | None, fetched: datetime, offset_hours: int,
          build_back: float) -> datetime | None:
    """The feed item's date as the feed reader hands it on (`feeds`: an aware time in the offset it was written)."""
    raw = {
        "true_utc": true,
        "true_local": true.astimezone(ZoneInfo(zone) if zone else UTC),
        "other_offset": true.astimezone(timezone(timedelta(hours=offset_hours))),
        "build": fetched - (fetched - true) * build_back,  # rebuilt after the story, before the fetch
        "soon": fetched + timedelta(hours=12),  # a clock ahead: plausible, a day at most past the poll
        "far_future": datetime(2099, 1, 1, tzinfo=UTC),
        "garbage": datetime(1970, 1, 1, tzinfo=UTC),  # an unparsable date's epoch, or none at all
        "none": None,
    }[kind]
    return raw if plausible(raw, fetched) else None


def _reader_days(signal: str, true: datetime, updated: datetime, zone: str | None, fetched: datetime,
                 feed: datetime | None) -> set[date]:
    """The days a reader of the page names: the page's own when it prints one, the feed's day when it prints none."""
    day = _local_day(true, zone)
    if signal == "byline" and day == true.astimezone(UTC).date() and feed is not None and feed == true:
        return {day, feed.date()}  # a time on its UTC day: the feed's offset may say the publisher's (eleventh pass)
    if signal in ("byline", "bare_day", "month_day"):
        return {day}
    if signal == "age":  # "3 days ago" names the fetch's day less three; rounded, or counted in calendar days, a day
        named = _local_day(fetched - _rounded_age(fetched - true), zone)  # either way ("a day ago" from 22 to 35 h)
        return {named - timedelta(days=1), named, named + timedelta(days=1)}
    if signal == "update":  # the feed's date when it can be the publication, before the modification; else the update's
        if feed is not None and feed <= updated:
            return {feed.date(), _local_day(feed, zone)}
        return {_local_day(updated, zone)}
    if signal == "modified_meta" and (feed is None or feed > fetched):  # review: a reader sees no day; a feed
        return {_local_day(updated, zone)}  # stamp past the fetch is no publication, the modification's day stays
    return set() if feed is None else {feed.date(), _local_day(feed, zone)}


@GENERATED
@given(signal=st.sampled_from(SIGNALS), feed_kind=st.sampled_from(FEEDS), zone=st.sampled_from(ZONES),
       minutes=st.integers(0, 2 * 366 * 24 * 60), lag_minutes=st.integers(5, 20 * 24 * 60),
       update_minutes=st.integers(0, 5 * 24 * 60), offset_hours=st.integers(-11, 13),
       build_back=st.floats(0.0, 0.5))
def test_the_stored_day_is_the_readers_and_without_page_signals_the_feeds(
        signal: str, feed_kind: str, zone: str | None, minutes: int, lag_minutes: int, update_minutes: int,
        offset_hours: int, build_back: float) -> None:
    true = START + timedelta(minutes=minutes)
    updated = true + timedelta(minutes=update_minutes)
    fetched = updated + timedelta(minutes=lag_minutes)
    page = _page(signal, true, updated, zone, fetched)
    feed = _feed(feed_kind, true, zone, fetched, offset_hours, build_back)
    feed_day = feed.date() if feed is not None else None
    _, stored = article_dates(page, feed, feed_day, fetched, URL)
    expected = _reader_days(signal, true, updated, zone, fetched, feed)
    assert (stored in expected) if expected else stored is None, (stored, expected)


def test_a_feed_date_after_the_pages_modification_is_no_publication() -> None:
    """Shrunk (seeds of the property above): a page dated only by its modification ("Updated" at 11:55 on 1 January,
    or a `dateModified`) under a feed date 12 hours after the fetch (a clock ahead), or under a feed rebuilt days
    later, stored the feed's day: a modification gives way to the feed's date as its publication (seventeenth pass),
    but a publication comes before any modification, so a feed date on a later day is the feed's clock or build."""
    updated = datetime(2024, 1, 1, 11, 55, tzinfo=UTC)
    page = ExtractedArticle(text="story", published_at=updated, published_date=updated.date(),
                            published_by_update=True, update_printed=True)
    fetched = updated + timedelta(minutes=5)
    soon = fetched + timedelta(hours=12)
    assert article_dates(page, soon, soon.date(), fetched, URL)[1] == date(2024, 1, 1)
    built = datetime(2024, 1, 4, 6, 0, tzinfo=UTC)
    assert article_dates(page, built, built.date(), built + timedelta(hours=1), URL) == (updated, date(2024, 1, 1))
    berlin = ExtractedArticle(text="story", published_at=updated, published_date=updated.date(),
                              published_by_update=True, update_printed=True, publisher_zone="Europe/Berlin")
    late_evening = datetime(2024, 1, 1, 22, 30, tzinfo=UTC)  # 23:30 in Berlin: the modification's day still
    assert article_dates(berlin, late_evening, None, fetched + timedelta(days=1), URL) == (
        late_evening, date(2024, 1, 1))


def test_a_feed_date_before_the_modification_is_still_the_publication() -> None:
    """Guard: the seventeenth pass's rule stands where the feed's date can be the publication (on or before the
    modification's day): the feed's instant and day are stored."""
    updated = datetime(2024, 1, 4, 9, 0, tzinfo=UTC)
    page = ExtractedArticle(text="story", published_at=updated, published_date=updated.date(),
                            published_by_update=True)
    feed = datetime(2024, 1, 1, 8, 0, tzinfo=timezone(timedelta(hours=-5)))
    assert article_dates(page, feed, feed.date(), updated + timedelta(days=1), URL) == (feed, date(2024, 1, 1))
    same_day = datetime(2024, 1, 4, 7, 0, tzinfo=UTC)
    assert article_dates(page, same_day, None, updated + timedelta(days=1), URL) == (same_day, date(2024, 1, 4))


def test_a_feed_date_before_a_timed_modification_keeps_its_day_in_its_offset() -> None:
    """Review: a page of a generic domain dated only by a `dateModified` of 22:00 Z (its day the UTC day, 11 March;
    `extract` gives it so) under a feed item of 05:00 +09:00 on the 12th (20:00 Z on the 11th: two hours before the
    modification, so it can be the publication) stored the modification's UTC day; main stored the feed's day in
    the offset it wrote, the publisher's. A feed's day is later, its instant is not: it is the publication. A feed
    stamp past the modification's instant on a later day still gives way to the modification's day."""
    modified = datetime(2026, 3, 11, 22, 0, tzinfo=UTC)
    fetched = modified + timedelta(hours=3)
    page = ExtractedArticle(text="story", published_at=modified, published_date=modified.date(),
                            published_by_update=True)
    tokyo = datetime(2026, 3, 12, 5, 0, tzinfo=timezone(timedelta(hours=9)))
    assert article_dates(page, tokyo, tokyo.date(), fetched, URL) == (tokyo, date(2026, 3, 12))
    built = fetched + timedelta(hours=2)  # 03:00 Z on the 12th: past the modification's instant (and the fetch's)
    assert article_dates(page, built, built.date(), fetched, URL) == (modified, date(2026, 3, 11))


def test_a_modification_only_in_metadata_gives_way_to_a_later_feed_date_before_the_fetch() -> None:
    """Review: a page whose only date is a modification in its metadata (`dateModified`, `og:updated_time`; no
    "Updated" line a reader sees) under a feed date days later stored the modification's day. A WordPress post
    scheduled ahead keeps the time it was last edited as its modification (core, Yoast, Rank Math: modified before
    published), and the feed's date is then its publication; the page prints no day a reader names, so the feed's
    stands (main's rule). A feed stamp past the fetch is no publication either way: the modification's day stays."""
    modified = datetime(2026, 3, 2, 20, 33, tzinfo=UTC)  # edited and scheduled on the 2nd
    page = ExtractedArticle(text="story", published_at=modified, published_date=modified.date(),
                            published_by_update=True)
    published = datetime(2026, 3, 5, 16, 0, tzinfo=UTC)  # the feed's date: the scheduled publication
    fetched = published + timedelta(minutes=20)
    assert article_dates(page, published, published.date(), fetched, URL) == (published, date(2026, 3, 5))
    ahead = fetched + timedelta(hours=12)  # a feed's clock ahead of the fetch
    assert article_dates(page, ahead, ahead.date(), fetched, URL) == (modified, date(2026, 3, 2))
    printed = ExtractedArticle(text="story", published_at=modified, published_date=modified.date(),
                               published_by_update=True, update_printed=True)  # "Updated March 2, 2026" shown
    assert article_dates(printed, published, published.date(), fetched, URL) == (modified, date(2026, 3, 2))
