"""A feed's date keeps the publisher's day: the offset the feed wrote survives to `published_date`.

feedparser reports dates in UTC only, so "Fri, 20 Nov 2026 20:06:23 -0500" (the 20th in Lima) used
to become the 21st. The day now comes from the feed's own text, is stored in
`entries.published_date` (migration 0017), and an article whose page has no date takes it.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsflow import warehouse
from newsflow.articledates import best_published_at, best_published_date
from newsflow.config import FeedConfig, load_config
from newsflow.extractpool import ExtractionResult
from newsflow.feeds import parse_feed
from newsflow.models import ExtractedArticle, FeedEntry, Outcome
from newsflow.reextract import updated_row
from newsflow.runner import run_ingest
from newsflow.warehouse import Warehouse, run_read_query
from newsflow.warehouse.reads import ArticleToReextract
from tests.conftest import write_config
from tests.localserver import LocalServer, Page

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
EVENING_IN_LIMA = datetime(2026, 11, 21, 1, 6, 23, tzinfo=UTC)  # 20:06:23 on the 20th at -05:00


def rss_with_date(pub_date: str, link: str = "https://news.example.pe/a") -> bytes:
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>A</title>'
            f"<link>{link}</link><pubDate>{pub_date}</pubDate></item></channel></rss>").encode()


def first_entry(body: bytes) -> FeedEntry:
    return parse_feed(body, feed_id="f", feed_url="https://news.example.pe/feed", headers=None, now=NOW).entries[0]


@pytest.mark.parametrize(
    ("pub_date", "day"),
    [
        ("Fri, 20 Nov 2026 20:06:23 -0500", date(2026, 11, 20)),  # the evening before, in UTC the 21st
        ("Sat, 21 Nov 2026 01:06:23 GMT", date(2026, 11, 21)),  # no offset but UTC: the UTC day
        ("Sat, 21 Nov 2026 10:06:23 +0900", date(2026, 11, 21)),  # Tokyo, the same instant
        ("Fri, 20 Nov 2026 20:06:23 EST", date(2026, 11, 20)),  # an RFC 822 zone name
    ],
)
def test_an_rss_date_keeps_the_day_of_the_offset_the_feed_wrote(pub_date: str, day: date) -> None:
    entry = first_entry(rss_with_date(pub_date))
    assert entry.published_at == EVENING_IN_LIMA
    assert entry.published_at is not None and entry.published_at.utcoffset() is not None
    assert not entry.published_at.utcoffset()  # the instant itself stays in UTC
    assert entry.published_date == day


def test_an_atom_date_with_fractions_of_a_second_keeps_its_day() -> None:
    body = (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>tag:x,2026:1</id><title>e</title>'
            b'<link href="https://news.example.pe/e"/><published>2026-11-20T20:06:23.512-05:00</published>'
            b"</entry></feed>")
    entry = first_entry(body)
    assert entry.published_at == EVENING_IN_LIMA
    assert entry.published_date == date(2026, 11, 20)


def test_a_json_feed_date_keeps_its_day() -> None:
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": "t",
            "items": [{"id": "1", "url": "https://news.example.pe/j", "date_published": "2026-11-20T20:06:23-05:00"}]}
    entry = first_entry(json.dumps(feed).encode())
    assert (entry.published_at, entry.published_date) == (EVENING_IN_LIMA, date(2026, 11, 20))


def test_an_implausible_feed_date_gives_no_day() -> None:
    entry = first_entry(rss_with_date("Sun, 01 Jan 1989 20:00:00 -0500"))
    assert (entry.published_at, entry.published_date) == (None, None)


def test_without_a_page_date_the_article_takes_the_feeds_local_day() -> None:
    assert best_published_date(None, EVENING_IN_LIMA, date(2026, 11, 20)) == date(2026, 11, 20)
    assert best_published_date(None, EVENING_IN_LIMA) == date(2026, 11, 21)  # entries from before 0017
    assert best_published_date(date(2026, 11, 19), EVENING_IN_LIMA, date(2026, 11, 20)) == date(2026, 11, 19)


def test_a_bare_page_day_takes_the_feeds_time_when_it_is_the_feeds_local_day() -> None:
    # The URL says /2026/11/20/: the publisher's day, which the feed's UTC instant (the 21st) is not.
    page_day = datetime(2026, 11, 20, tzinfo=UTC)
    assert best_published_at(page_day, EVENING_IN_LIMA, date(2026, 11, 20)) == EVENING_IN_LIMA
    assert best_published_at(page_day, EVENING_IN_LIMA) == page_day


def test_the_entrys_local_day_is_stored_and_read_back_for_the_fetch(tmp_path: Path) -> None:
    store = Warehouse(tmp_path / "w.duckdb")
    with store.writing() as con:
        warehouse.sync_feeds(con, [FeedConfig("f", "https://news.example.pe/feed")])
        warehouse.begin_run(con, "r1", NOW)
    entry = first_entry(rss_with_date("Fri, 20 Nov 2026 20:06:23 -0500"))
    with store.writing() as con, warehouse.transaction(con):
        warehouse.insert_entries(con, "r1", [entry])
    assert run_read_query(store, "SELECT published_date FROM entries").rows == [(date(2026, 11, 20),)]
    with store.writing() as con:
        pending, _ = warehouse.pending_entries(con, ["f"])
    assert [(p.published_at, p.published_date) for p in pending] == [(EVENING_IN_LIMA, date(2026, 11, 20))]


UNDATED_PAGE = (
    "<html><head><title>Council approves the budget</title></head><body><article><h1>Council approves the budget"
    "</h1>" + "<p>The council met and approved the budget for schools, roads and the library after a long debate "
    "that ran well into the evening.</p>" * 4 + "</article></body></html>"
)


def rss_items(items: list[tuple[str, str]]) -> bytes:
    body = "".join(f"<item><title>{link}</title><link>{link}</link><pubDate>{when}</pubDate></item>"
                   for link, when in items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{body}</channel></rss>'.encode()


def test_a_run_dates_an_undated_or_utc_only_page_on_the_feeds_local_day(tmp_path: Path, server: LocalServer) -> None:
    # 01:06 UTC today is 20:06 yesterday in Lima: the publisher's day is yesterday.
    instant = datetime.now(UTC).replace(hour=1, minute=6, second=23, microsecond=0)
    in_lima = instant - timedelta(hours=5)
    written = in_lima.strftime("%a, %d %b %Y %H:%M:%S -0500")
    utc_only = UNDATED_PAGE.replace("<head>", '<head><script type="application/ld+json">'
                                    + json.dumps({"@type": "NewsArticle", "datePublished": instant.isoformat()})
                                    + "</script>")
    server.add("/a/budget", Page(UNDATED_PAGE.encode()))
    server.add("/a/council", Page(utc_only.replace("budget", "council").encode()))
    feed = rss_items([(f"{server.base_url}/a/budget", written), (f"{server.base_url}/a/council", written)])
    server.add("/feed.xml", Page(feed, "application/rss+xml"))
    config = load_config(write_config(tmp_path, server.base_url, {"lima": "/feed.xml"}))
    asyncio.run(run_ingest(config, "run-1"))
    sql = "SELECT url, published_at, published_date FROM articles ORDER BY url"
    rows = run_read_query(Warehouse(config.warehouse_path), sql).rows
    assert [tuple(row[1:]) for row in rows] == [(instant, in_lima.date()), (instant, in_lima.date())]


def test_a_utc_only_page_time_takes_the_day_the_feed_gives_the_same_instant() -> None:
    utc_day = date(2026, 11, 21)
    assert best_published_date(utc_day, EVENING_IN_LIMA, date(2026, 11, 20), page_at=EVENING_IN_LIMA) == date(
        2026, 11, 20)
    seconds_apart = EVENING_IN_LIMA + timedelta(seconds=37)
    assert best_published_date(utc_day, EVENING_IN_LIMA, date(2026, 11, 20), page_at=seconds_apart) == date(
        2026, 11, 20)


def test_a_page_day_with_its_own_offset_or_another_instant_is_kept() -> None:
    # The page wrote its own offset (its day is not the UTC day of its time): the page says.
    assert best_published_date(date(2026, 11, 20), EVENING_IN_LIMA, date(2026, 11, 21), page_at=EVENING_IN_LIMA) == (
        date(2026, 11, 20))
    # Another instant (an update, a republication) says nothing about the page's.
    later = EVENING_IN_LIMA + timedelta(hours=3)
    assert best_published_date(date(2026, 11, 21), EVENING_IN_LIMA, date(2026, 11, 20), page_at=later) == date(
        2026, 11, 21)
    # A bare day (midnight) is the publisher's day, from the URL or a date-only meta.
    midnight = datetime(2026, 11, 21, tzinfo=UTC)
    assert best_published_date(date(2026, 11, 21), midnight, date(2026, 11, 20), page_at=midnight) == date(
        2026, 11, 21)


@settings(max_examples=200, deadline=None)
@given(
    instant=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2026, 11, 1), timezones=st.just(UTC)),
    minutes=st.integers(min_value=-12 * 60, max_value=14 * 60).map(lambda m: m - m % 15),
    iso=st.booleans(),
)
def test_any_feed_offset_keeps_the_instant_and_gives_its_local_day(instant: datetime, minutes: int, iso: bool) -> None:
    instant = instant.replace(microsecond=0)
    local = instant.astimezone(timezone(timedelta(minutes=minutes)))
    if iso:
        body = (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>tag:x,1</id><title>e</title>'
                b'<link href="https://news.example.pe/e"/><updated>' + local.isoformat().encode() +
                b"</updated></entry></feed>")
    else:
        body = rss_with_date(local.strftime("%a, %d %b %Y %H:%M:%S %z"))
    entry = first_entry(body)
    assert (entry.published_at, entry.published_date) == (instant, local.date())


def test_a_reextract_of_an_undated_page_keeps_the_stored_local_day() -> None:
    target = ArticleToReextract("id1", "https://news.example.pe/a", "A", EVENING_IN_LIMA, "h", True,
                                published_date=date(2026, 11, 20))
    undated = ExtractionResult("id1", Outcome.OK, ExtractedArticle(text="The council met."), None, 5)
    row = updated_row(target, undated)
    assert row is not None and (row[3], row[10]) == (EVENING_IN_LIMA, date(2026, 11, 20))


def dated_page(published: str) -> bytes:
    ld = json.dumps({"@type": "NewsArticle", "datePublished": published})
    return UNDATED_PAGE.replace("<head>", f'<head><script type="application/ld+json">{ld}</script>').encode()


def test_a_run_stores_the_pages_date_when_the_feed_gives_none_or_another_day(tmp_path: Path,
                                                                             server: LocalServer) -> None:
    # No pubDate at all: the page's date (its instant, its own day) is what is stored.
    server.add("/a/undated-item", Page(dated_page("2026-11-20T20:06:23-05:00")))
    # The feed dates the item two days later (a re-sent item): the page's own date still wins.
    server.add("/a/resent-item", Page(dated_page("2026-11-18T09:30:00+09:00")))
    # Neither says: no date is invented.
    server.add("/a/no-date", Page(UNDATED_PAGE.encode()))
    items = "".join(f"<item><title>{path}</title><link>{server.base_url}/a/{path}</link>{extra}</item>"
                    for path, extra in [("undated-item", ""), ("no-date", ""),
                                        ("resent-item", "<pubDate>Fri, 20 Nov 2026 10:00:00 +0900</pubDate>")])
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
    server.add("/feed.xml", Page(feed.encode(), "application/rss+xml"))
    config = load_config(write_config(tmp_path, server.base_url, {"mixed": "/feed.xml"}))
    asyncio.run(run_ingest(config, "run-1"))
    sql = "SELECT regexp_extract(url, '[^/]+$'), published_at, published_date FROM articles ORDER BY url"
    rows = run_read_query(Warehouse(config.warehouse_path), sql).rows
    assert [tuple(row) for row in rows] == [
        ("no-date", None, None),
        ("resent-item", datetime(2026, 11, 18, 0, 30, tzinfo=UTC), date(2026, 11, 18)),
        ("undated-item", datetime(2026, 11, 21, 1, 6, 23, tzinfo=UTC), date(2026, 11, 20)),
    ]
