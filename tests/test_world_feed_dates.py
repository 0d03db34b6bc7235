"""The thirty-third pass on publication dates (docs/extraction.md, "Thirty-third pass, dates"): the feed item's date
and the page's, end to end. One world (a real server on 127.0.0.1: a feed and its pages, a real warehouse) where they
disagree in the ways real sites make them: a feed stamped with the time it was built, a feed date in another zone
than the page's across midnight, a page updated days after its feed item, a feed without dates. The stored day is
the one a reader sees on the page (or, where the page prints none, the feed's day in the offset it wrote)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

from newsflow.articledates import article_dates
from newsflow.config import load_config
from newsflow.models import ExtractedArticle
from newsflow.runner import run_ingest
from newsflow.warehouse import Warehouse, run_read_query
from tests.conftest import write_config
from tests.localserver import LocalServer, Page

TITLE = "Council approves the school budget"
STORY = "".join(f"<p>The council met on Tuesday and approved the budget for schools, roads and the library; item {n} "
                "gives the city's parks more money than last year.</p>" for n in range(4))
NOW = datetime.now(UTC)
DAY = (NOW - timedelta(days=3)).date()  # the stories' day: three days before the run


def _page(byline: str = "", published: str = "", modified: str = "", lang: str = "en") -> bytes:
    graph = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": TITLE}
    graph |= {"datePublished": published} if published else {}
    graph |= {"dateModified": modified} if modified else {}
    head = f'<script type="application/ld+json">{json.dumps(graph)}</script>' if published or modified else ""
    return (f'<html lang="{lang}"><head><title>{TITLE}</title>{head}</head><body><article><h1>{TITLE}</h1>'
            f'<div class="byline"><span class="author">By A. Writer</span> <span class="when">{byline}</span></div>'
            f"{STORY}</article></body></html>").encode()


def _printed(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def _rfc822(moment: datetime) -> str:
    return format_datetime(moment)


def _world() -> dict[str, tuple[bytes, str | None, date | None]]:
    """Each page: its HTML, its feed item's date as the feed writes it (None: no date), the day a reader sees (None:
    three days before the fetch's day, an age's: review, `DAY` is fixed at import and a run across midnight UTC,
    a nightly CI's, put the fetch on the next day)."""
    build = NOW - timedelta(hours=6)  # a feed rebuilt this morning stamps its few items with the build's time
    evening = datetime.combine(DAY, datetime.min.time(), UTC) + timedelta(hours=25, minutes=30)  # 20:30 at -05:00
    us = evening.astimezone(timezone(timedelta(hours=-5)))
    return {
        "build-json-ld": (_page(_printed(DAY), f"{DAY}T10:00:00+01:00"), _rfc822(build), DAY),
        "build-age": (_page("3 days ago"), _rfc822(build), None),
        "utc-feed-us-byline": (_page(_printed(DAY), evening.isoformat().replace("+00:00", "Z")),
                               _rfc822(evening), DAY),
        "us-feed-utc-page": (_page("", evening.isoformat().replace("+00:00", "Z")), _rfc822(us), DAY),
        "updated-later": (_page(f"{_printed(DAY)} · Updated {_printed(DAY + timedelta(days=3))}",
                                f"{DAY}T09:00:00Z", f"{DAY + timedelta(days=3)}T09:00:00Z"),
                          _rfc822(datetime.combine(DAY, datetime.min.time(), UTC) + timedelta(hours=9)), DAY),
        "build-month-day": (_page(f"{DAY:%b} {DAY.day}"), _rfc822(build), DAY),
        "build-updated-only": (_page(f"Updated {_printed(DAY)}", "", f"{DAY}T09:00:00Z"), _rfc822(build), DAY),
        "scheduled-modified-only": (_page("", "", f"{DAY - timedelta(days=2)}T20:33:00Z"),  # review: a WordPress
                                    _rfc822(datetime.combine(DAY, datetime.min.time(), UTC) + timedelta(hours=16)),
                                    DAY),  # post scheduled ahead: modified (in metadata only) before its publication
        "no-feed-date-age": (_page("3 days ago"), None, None),
        "no-feed-date-byline": (_page(_printed(DAY)), None, DAY),
    }


def test_the_stored_day_is_the_one_a_reader_sees_whatever_the_feed_says(tmp_path: Path, server: LocalServer) -> None:
    world = _world()
    items = ""
    for name, (html, feed_date, _) in world.items():
        server.add(f"/news/{name}", Page(html))
        stamp = f"<pubDate>{feed_date}</pubDate>" if feed_date else ""
        items += f"<item><title>{name}</title><link>{server.base_url}/news/{name}</link>{stamp}</item>"
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
    server.add("/feed.xml", Page(feed.encode(), "application/rss+xml"))
    config = load_config(write_config(tmp_path, server.base_url, {"world": "/feed.xml"}, extract={"workers": 1}))
    asyncio.run(run_ingest(config, "run-1"))
    rows = run_read_query(Warehouse(config.warehouse_path),
                          "SELECT regexp_extract(url, '[^/]+$'), published_date, fetched_at FROM articles").rows
    stored = {str(name): day for name, day, _ in rows}
    fetched = {str(name): moment.astimezone(UTC).date() for name, _, moment in rows}
    assert stored == {name: day or fetched[name] - timedelta(days=3) for name, (_, _, day) in world.items()}


def test_a_feed_date_the_age_allows_still_gives_its_time_and_a_later_one_gives_way_to_the_age() -> None:
    """The rule in `articledates.article_dates`, pure: "3 days ago" (rounded either way, or counted in calendar days:
    2 days at least) under a feed date 2 days before the fetch keeps the feed's instant; under one 1 day 20 hours
    before (younger than any 3 days rounds or counts from: a build's or an update's time), the age counts from the
    fetch (review: the allowance is the age's whole unit, no longer half of it)."""
    fetched = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
    page = ExtractedArticle(text="story", published_ago=timedelta(days=3))
    inside = fetched - timedelta(days=2)
    assert article_dates(page, inside, None, fetched, "https://news.example/story") == (inside, inside.date())
    later = fetched - timedelta(days=1, hours=20)
    assert article_dates(page, later, None, fetched, "https://news.example/story") == (
        fetched - timedelta(days=3), date(2026, 12, 2))


def test_an_age_in_hours_allows_an_hour_of_rounding() -> None:
    """"2 hours ago": a feed date 1 hour 5 minutes before the fetch is the story's (rounded up, or "less than 2
    hours"); one 20 minutes before is not."""
    fetched = datetime(2026, 12, 5, 0, 50, tzinfo=UTC)
    page = ExtractedArticle(text="story", published_ago=timedelta(hours=2))
    rounded = fetched - timedelta(hours=1, minutes=5)
    assert article_dates(page, rounded, None, fetched, "https://news.example/story")[0] == rounded
    built = fetched - timedelta(minutes=20)
    assert article_dates(page, built, None, fetched, "https://news.example/story") == (
        fetched - timedelta(hours=2), date(2026, 12, 4))


def test_a_printed_month_and_day_keeps_the_feeds_time_on_its_day_and_beats_it_on_another() -> None:
    """"Dec 2" (no year) under a feed date of 2 December keeps the feed's instant; under one of 5 December (a
    build's), the printed day is stored."""
    fetched = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
    page = ExtractedArticle(text="story", published_month_day=(12, 2))
    same = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)
    assert article_dates(page, same, None, fetched, "https://news.example/story") == (same, date(2026, 12, 2))
    built = datetime(2026, 12, 5, 6, 0, tzinfo=UTC)
    assert article_dates(page, built, None, fetched, "https://news.example/story")[1] == date(2026, 12, 2)


def test_less_than_an_hour_ago_near_midnight_keeps_the_feeds_day() -> None:
    """Review: "less than an hour ago" reads as an hour; a story at 00:10 fetched at 00:20 is not on the day before
    (half the hour's allowance put it at 23:20 the evening before, over the feed's exact time)."""
    fetched = datetime(2026, 12, 5, 0, 20, tzinfo=UTC)
    page = ExtractedArticle(text="story", published_ago=timedelta(hours=1))
    feed = datetime(2026, 12, 5, 0, 10, tzinfo=UTC)
    assert article_dates(page, feed, None, fetched, "https://news.example/story") == (feed, date(2026, 12, 5))


def test_yesterday_east_of_utc_keeps_the_feeds_day() -> None:
    """Review: "Yesterday at 18:45" (an age of one day: the day, not the time) on a Tokyo page fetched at 00:30 local
    (15:30 UTC): the feed's 18:45 +09:00 is yesterday's; half a day's allowance gave the fetch less a day, the UTC day
    before it."""
    fetched = datetime(2026, 12, 5, 15, 30, tzinfo=UTC)
    page = ExtractedArticle(text="story", published_ago=timedelta(days=1))
    feed = datetime(2026, 12, 5, 18, 45, tzinfo=timezone(timedelta(hours=9)))
    assert article_dates(page, feed, date(2026, 12, 5), fetched, "https://news.example/story")[1] == date(2026, 12, 5)


def test_a_printed_day_after_the_feeds_is_no_build_and_the_feed_keeps_its_year() -> None:
    """Review: a yearless "Dec 20" over a feed date of 2 December fetched on the 5th is no build's stamp (a build is
    after the story): it was stored as 20 December of the year before; the feed's day stands. One day after the feed's
    UTC day is the publisher's zone ahead of UTC, and the printed day wins."""
    fetched = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
    feed = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)
    later = ExtractedArticle(text="story", published_month_day=(12, 20))
    assert article_dates(later, feed, None, fetched, "https://news.example/story") == (feed, date(2026, 12, 2))
    ahead = ExtractedArticle(text="story", published_month_day=(12, 3))
    assert article_dates(ahead, feed, None, fetched, "https://news.example/story")[1] == date(2026, 12, 3)


def test_a_feed_date_after_the_fetch_does_not_give_a_printed_day_its_year() -> None:
    """Review: a feed's bogus future date (2099) under a page printing "Dec 2" fetched on 5 December 2026: the year
    nearest the feed's put the printed day in 2098; the fetch bounds the feed's day."""
    fetched = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
    page = ExtractedArticle(text="story", published_month_day=(12, 2))
    bogus = datetime(2099, 1, 5, 6, 0, tzinfo=UTC)
    assert article_dates(page, bogus, None, fetched, "https://news.example/story")[1] == date(2026, 12, 2)
