"""The review of the forty-seventh pass on dates (docs/extraction.md, "Forty-seventh pass, dates"): a feed's day of
the other reading replaces only a page day whose order the page leaves open (`numericorder.order_open`), never one
the page states in ISO, a /yyyy/mm/dd/ URL or words, under a later feed date (a re-publish, an Atom `<updated>`) on
the swapped day (F1); a zone's name is read by the feed's language only where `LANGUAGE_ZONES` says, and
Australia's "EST"/"CST" on an Australian site (F4); a zero offset read from a name is no 'unread' zone (F5)."""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import lxml.html
import pytest

from newsflow.articledates import article_dates
from newsflow.config import load_config
from newsflow.extract import extract_article
from newsflow.feeds import parse_feed
from newsflow.models import FeedEntry
from newsflow.numericorder import _either_reading, _in_the_source, order_open
from newsflow.printeddates import SLASHED
from newsflow.runner import run_ingest
from newsflow.warehouse import Warehouse, run_read_query
from tests.conftest import write_config
from tests.localserver import LocalServer, Page

NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)
STORY = "".join(f"<p>The council met on Tuesday and approved the budget for schools and roads, item {n}.</p>"
                for n in range(8))


def _page(ld: str | None = None, printed: str | None = None, footer: str = "") -> str:
    script = (f'<script type="application/ld+json">{{"@type":"NewsArticle","headline":"Budget","datePublished":"{ld}"}}'
              "</script>" if ld else "")
    shown = f'<p class="date"><time>{printed}</time></p>' if printed else ""
    return (f'<html lang="en"><head><title>Budget</title>{script}</head><body><article><h1>Budget</h1>{shown}{STORY}'
            f"{footer}</article></body></html>")


def _feed(tag: str, written: str, link: str) -> bytes:
    if tag == "atom":
        return (f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>x</id>'
                f'<updated>{written}</updated><entry><title>a</title><id>{link}</id><link href="{link}"/>'
                f"<updated>{written}</updated></entry></feed>").encode()
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>a</title>'
            f"<link>{link}</link><pubDate>{written}</pubDate></item></channel></rss>").encode()


def _entry(body: bytes, feed_url: str = "https://news.example.com/feed") -> FeedEntry:
    (entry,) = parse_feed(body, feed_id="f", feed_url=feed_url, now=NOW).entries
    return entry


@pytest.mark.parametrize(("html", "url", "tag", "written", "day"), [
    # the review's rows: a later feed date on the page day's swap; main stored the page's day, as now
    (_page("2026-02-12T09:15:00+00:00", "February 12, 2026"), "https://news.example.com/budget", "rss",
     "Wed, 02 Dec 2026 10:00:00 GMT", date(2026, 2, 12)),  # a re-publish
    (_page(), "https://news.example.com/2026/03/05/budget", "atom", "2026-05-03T08:00:00Z", date(2026, 3, 5)),
    (_page("2026-03-05T07:00:00Z", "5 March 2026"), "https://news.example.com/b", "atom", "2026-05-03T08:00:00Z",
     date(2026, 3, 5)),  # an Atom <updated>
    (_page("2026-04-10T12:00:00-04:00", "April 10, 2026"), "https://news.example.com/guide", "rss",
     "Sun, 04 Oct 2026 12:00:00 -0400", date(2026, 4, 10)),  # an evergreen re-promoted
    # a slashed date beside an order-free statement of its day: the order is known
    (_page("2026-02-12T09:15:00Z", "12/02/2026"), "https://news.example.com/c", "rss",
     "Wed, 02 Dec 2026 10:00:00 GMT", date(2026, 2, 12)),
    (_page(None, "12/02/2026 · 12 February 2026"), "https://news.example.com/d", "rss",
     "Wed, 02 Dec 2026 10:00:00 GMT", date(2026, 2, 12)),
])
def test_a_later_feed_date_on_the_swapped_day_never_replaces_a_day_the_page_states(
        html: str, url: str, tag: str, written: str, day: date) -> None:
    page = extract_article(html, url)
    assert page is not None and page.published_date == day and not page.published_order_open
    entry = _entry(_feed(tag, written, url))
    assert article_dates(page, entry.published_at, entry.published_date, NOW, url,
                         feed_zone_given=entry.published_zone_given, entry_url=url)[1] == day


def test_blogger_s_slashed_day_is_open_and_its_abbr_states_the_other_reading() -> None:
    """The abbr's ISO day decides the order at extraction (forty-eighth pass, `numericorder.order_read`): the
    page is no longer open; without it, "12/02/2026" alone is."""
    footer = '<abbr class="published" title="2026-12-02T14:07:00.000-05:00">14:07</abbr>'
    page = extract_article(_page(None, "12/02/2026", footer), "https://blog.example.com/2026/budget.html")
    assert page is not None and page.published_date == date(2026, 12, 2) and not page.published_order_open
    bare = extract_article(_page(None, "12/02/2026"), "https://blog.example.com/2026/budget.html")
    assert bare is not None and bare.published_date == date(2026, 2, 12) and bare.published_order_open
    source = _page(None, "12/02/2026")
    tree = lxml.html.fromstring(source)
    assert order_open(date(2026, 2, 12), tree, "https://blog.example.com/x", source)
    assert not order_open(date(2026, 2, 12), tree, "https://blog.example.com/2026/02/12/x", source)  # the URL states it
    assert not order_open(date(2026, 2, 13), tree, "https://blog.example.com/x", source)  # not its day's figures
    assert not order_open(date(2026, 2, 12), tree, "https://blog.example.com/x", "")  # not in the source: not walked


def test_the_reviews_rows_end_to_end_store_the_pages_day(extraction_stack_loaded: None) -> None:
    """The review's repro: an Atom feed of `<updated>` dates on the swapped day, served on 127.0.0.1, run into a
    real warehouse."""
    server = LocalServer()
    rows = {"/a/budget": (_page("2026-02-12T09:15:00+00:00", "February 12, 2026"), "2026-12-02T10:00:00Z"),
            "/2026/03/05/roads": (_page(), "2026-05-03T08:00:00Z"),
            "/c/guide": (_page("2026-04-10T12:00:00-04:00", "April 10, 2026"), "2026-10-04T12:00:00-04:00")}
    try:
        entries = ""
        for path, (html, updated) in rows.items():
            server.add(path, Page(html.replace("Budget</h1>", f"Budget {path}</h1>").encode()))
            url = f"{server.base_url}{path}"
            entries += (f'<entry><title>{path}</title><id>{url}</id><link href="{url}"/><updated>{updated}</updated>'
                        "</entry>")
        feed = (f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>x</id>'
                f"<updated>2026-12-02T10:00:00Z</updated>{entries}</feed>")
        server.add("/feed", Page(feed.encode(), "application/atom+xml", validators=False))
        with tempfile.TemporaryDirectory() as folder:
            config = load_config(write_config(Path(folder), server.base_url, {"w": "/feed"},
                                              extract={"workers": 1, "timeout": 60.0}))
            asyncio.run(run_ingest(config, "run-0", all_feeds=True))
            stored = run_read_query(Warehouse(config.warehouse_path), "SELECT url, published_date FROM articles").rows
    finally:
        server.close()
    assert {str(url).removeprefix(server.base_url): day for url, day in stored} == {
        "/a/budget": date(2026, 2, 12), "/2026/03/05/roads": date(2026, 3, 5), "/c/guide": date(2026, 4, 10)}


@pytest.mark.parametrize(("link", "language", "hours"), [
    ("https://www.example.com/zh/story", "zh", -6),  # a broadcaster's Chinese service: RFC 822's Central, as on main
    ("https://www.example.com/zhongwen/story", "zh", -6),
    ("https://www.example.ca/story", "zh", -6),  # a country's domain names the place first, as on main
    ("https://www.example.com/story", "zh", 8),  # a generic domain in Chinese: China's, as the pass read it
    ("https://www.example.com/story", "en-TW", 8),  # a declared region still names its zone
])
def test_a_feeds_language_names_a_cst_only_where_the_language_table_says(link: str, language: str,
                                                                        hours: int) -> None:
    rss = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><language>{language}</language>'
           f"<item><title>a</title><link>{link}</link><pubDate>Sat, 05 Dec 2026 20:00:00 CST</pubDate></item>"
           "</channel></rss>")
    entry = _entry(rss.encode(), feed_url="https://www.example.com/feed")
    assert entry.published_at == datetime(2026, 12, 5, 20, 0, tzinfo=timezone(timedelta(hours=hours)))
    assert entry.published_date == date(2026, 12, 5)


@pytest.mark.parametrize(("name", "instant"), [
    ("EST", datetime(2026, 12, 5, 10, 0, tzinfo=UTC)),  # Australian Eastern Standard, +10:00
    ("CST", datetime(2026, 12, 5, 10, 30, tzinfo=UTC)),  # Australian Central Standard, +09:30
])
def test_an_australian_sites_est_and_cst_are_australias(name: str, instant: datetime) -> None:
    entry = _entry(_feed("rss", f"Sat, 05 Dec 2026 20:00:00 {name}", "https://www.abc.net.au/news/story"))
    assert entry.published_at == instant and entry.published_date == date(2026, 12, 5)


@pytest.mark.parametrize("zone", ["WET", "GMT+0", "+0"])
def test_a_zero_offset_read_from_its_text_is_no_unread_zone(zone: str) -> None:
    entry = _entry(_feed("rss", f"Sat, 05 Dec 2026 20:00:00 {zone}", "https://news.example.com/story"))
    assert entry.published_at == datetime(2026, 12, 5, 20, 0, tzinfo=UTC)
    assert entry.published_zone_given == "utc"


@pytest.mark.parametrize(("source", "printed"), [
    ("<p>Posted 12/02/2026</p>", True), ("<p>Posted 2/12/2026 at noon</p>", True), ("<p>12-02-2026</p>", True),
    ("12/02/2026", True), ("<p>12/02-2026</p>", False), ("<p>112/02/2026</p>", False), ("<p>12/02/20261</p>", False),
    ("<p>1/12/02/2026</p>", False), ("<p>12/03/2026</p>", False), ("<p>12/02/2025</p>", False),
])
def test_the_source_search_finds_the_day_slashed_as_the_text_reading_does(source: str, printed: bool) -> None:
    """The search of the page's source that spares the tree's walk finds exactly the dates `printeddates.SLASHED`
    reads as the day (read-through 46: the walk cost 6% of extraction on every page with a day of 12 or less)."""
    day = date(2026, 2, 12)
    tree = lxml.html.fromstring(f"<html><body><div>{source}</div></body></html>")
    walked = any(_either_reading(day, match) for text in tree.itertext() for match in SLASHED.finditer(text))
    assert _in_the_source(day, source) is printed is walked
