
"""The fourteenth pass on publication dates (docs/extraction.md, "Fourteenth pass, dates"): the
Ethiopian calendar, Spanish dates with "de"/"del" before the year, Thai bylines ending in a time's "น."
and Thai dates with a Gregorian year, and the day in an AMP version's URL for a page dated nowhere else.

The batch (`tests/date_batch14.py`, hand-written pages, none copied from a site) runs through the
whole extraction, htmldate included. On main's code 26 of its 40 pages were right and 6 of the 16 of
its second set (the same classes on other days and in other forms); all are right with this pass.
A photo's upload day in an image URL gives way to the feed's date (and stays without one).
The tests after it pin each rule's edges; the run at the end serves pages under a real feed.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsflow.articledates import article_dates
from newsflow.config import load_config
from newsflow.extract import extract_article
from newsflow.extract import page_tree as load_html
from newsflow.extractpool import ExtractionResult
from newsflow.headline_date import headline_date
from newsflow.models import Outcome
from newsflow.pageblocks import is_prose
from newsflow.printeddates import first_date
from newsflow.reextract import updated_row
from newsflow.runner import run_ingest
from newsflow.warehouse import ArticleToReextract, Warehouse, run_read_query
from newsflow.worlddates import ethiopian_to_gregorian
from tests.conftest import write_config
from tests.date_batch10 import COM, ld
from tests.date_batch14 import AFTER, PAGES, amp
from tests.localserver import LocalServer, Page
from tests.test_date_classes import STORY, page, stored

CLASS_PAGES = PAGES + AFTER


@pytest.mark.parametrize(("name", "html", "url", "day"), CLASS_PAGES, ids=[entry[0] for entry in CLASS_PAGES])
def test_a_class_page_is_dated_to_its_day(name: str, html: str, url: str, day: date | None) -> None:
    assert stored(html, url)[0] == day, name


# --- the Ethiopian calendar -------------------------------------------------------------------------


@pytest.mark.parametrize(("ethiopian", "day"), [
    ((2018, 1, 1), date(2025, 9, 11)),  # Enkutatash, the new year
    ((2016, 1, 1), date(2023, 9, 12)),  # after a leap year (2015 E.C. had Pagume 6)
    ((2018, 4, 29), date(2026, 1, 7)),  # Genna, Ethiopian Christmas
    ((2018, 7, 3), date(2026, 3, 12)),
    ((2015, 13, 6), date(2023, 9, 11)),  # the sixth Pagume day of a leap year
    ((2017, 13, 6), None),  # no sixth day in another year
    ((2018, 2, 31), None),  # every month has 30 days
    ((2018, 14, 1), None),
    ((2018, 0, 1), None),
])
def test_an_ethiopian_date_is_its_gregorian_day(ethiopian: tuple[int, int, int], day: date | None) -> None:
    assert ethiopian_to_gregorian(*ethiopian) == day


@given(st.integers(1983, 2025), st.integers(0, 364))
def test_consecutive_ethiopian_days_are_consecutive_gregorian_days(year: int, index: int) -> None:
    month, day = divmod(index, 30)
    today = ethiopian_to_gregorian(year, month + 1, day + 1)
    following = ethiopian_to_gregorian(year, month + 1, day + 2) or ethiopian_to_gregorian(year, month + 2, 1) \
        or ethiopian_to_gregorian(year + 1, 1, 1)
    assert today is not None and following == today + timedelta(days=1)


@pytest.mark.parametrize(("text", "day"), [
    ("መጋቢት 3 ቀን 2018 ዓ.ም", date(2026, 3, 12)),
    ("ሐሙስ፣ መጋቢት 3, 2018", date(2026, 3, 12)),
    ("3 መጋቢት 2018", date(2026, 3, 12)),
    ("ታህሳስ 22, 2018", date(2025, 12, 31)),
    ("ጳጉሜ 6 ቀን 2017 ዓ.ም", None),  # no sixth Pagume day in 2017 E.C.
    ("መጋቢት 31 ቀን 2018", None),
    ("መጋቢት 3 ቀን 1945", None),  # a year long before news on the web: an anniversary
    ("መጋቢት 2018", None),  # a month without its day
    ("መጋቢት 3 ቀን 20180", None),
])
def test_amharic_month_names_are_read_in_the_ethiopian_calendar(text: str, day: date | None) -> None:
    found = first_date(text, named=True)
    assert (found[1] if found is not None else None) == day


# --- Spanish month first ----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "day"), [
    ("marzo 12 de 2026", date(2026, 3, 12)),
    ("Marzo 12 de 2026 - 09:15 a. m.", date(2026, 3, 12)),
    ("noviembre 9 del 2025", date(2025, 11, 9)),
    ("sept. 30 de 2025", date(2025, 9, 30)),
    ("Marzo 12, 2026", date(2026, 3, 12)),
    ("12 de marzo del 2026", date(2026, 3, 12)),  # day first, "del" before the year
    ("Jueves 12 de marzo del 2026, 09:15", date(2026, 3, 12)),
    ("March 12 delegates 2026", None),  # "de" only as a word of its own
    ("12 de marzo delante 2026", None),
    ("marzo 12 desde 2026", None),
])
def test_a_spanish_month_first_date_with_de_is_read(text: str, day: date | None) -> None:
    found = first_date(text, named=True)
    assert (found[1] if found is not None else None) == day


# --- Thai bylines -----------------------------------------------------------------------------------

_THAI_LONG = "เผยแพร่: 12 มี.ค. 2569 09:15 น. ปรับปรุง: 13 มี.ค. 2569 10:00 น."


@pytest.mark.parametrize(("line", "prose"), [
    (_THAI_LONG, False),  # twelve words ending in a time's "น.": a byline
    ("The festival runs from 15 May 2026 to 20 May, organisers said at the town hall.", True),
    ("ผู้ว่าฯ กล่าว ว่า โครงการ จะ เริ่ม ใน วันที่ 12 มีนาคม นี้ ตาม แผน.", True),  # a Thai sentence still is prose
])
def test_a_thai_time_ending_a_line_is_no_sentences_end(line: str, prose: bool) -> None:
    assert is_prose(line) is prose


def test_a_long_thai_byline_gives_its_publication_before_its_update() -> None:
    assert headline_date(load_html(page(_THAI_LONG, "th"))) == date(2026, 3, 12)


@pytest.mark.parametrize(("text", "day"), [
    ("12 มี.ค. 2569", date(2026, 3, 12)),  # the Buddhist era
    ("12 มี.ค. 69", date(2026, 3, 12)),
    ("12 มี.ค. 2026", date(2026, 3, 12)),  # the Christian era's year, as some Thai papers print it
    ("12 มีนาคม 2026 เวลา 09:15 น.", date(2026, 3, 12)),
])
def test_a_thai_date_with_a_gregorian_year_keeps_it(text: str, day: date) -> None:
    found = first_date(text, named=True)
    assert found is not None and found[1] == day


# --- the AMP version's URL --------------------------------------------------------------------------


def test_the_amp_urls_day_dates_only_a_page_dated_nowhere_else() -> None:
    assert stored(amp("/amp/2025/11/09/story"), COM)[0] == date(2025, 11, 9)
    assert stored(amp("/amp/story"), COM)[0] is None
    assert stored(amp("/amp/2025/11/09/story"), "https://www.example.com/2025/11/08/story")[0] == date(2025, 11, 8)
    declared = amp("/amp/2025/11/09/story", head=ld(datePublished="2025-11-07T09:15:00Z"))
    assert stored(declared, COM)[0] == date(2025, 11, 7)


# --- a photo's upload day in its URL, older than the feed's date ---------------------------------------

_PHOTO = '<meta property="og:image" content="https://cdn.example.com/uploads/2026/03/01/council.jpg">'
_FEED_AT = datetime(2026, 3, 12, 9, 15, tzinfo=UTC)
_FETCHED = datetime(2026, 3, 12, 10, 0, tzinfo=UTC)


def test_a_photos_upload_day_gives_way_to_the_feeds_date_and_dates_a_page_without_one() -> None:
    article = extract_article(page(head=_PHOTO), COM)
    assert article is not None and article.published_date == date(2026, 3, 1)  # htmldate reads the image's path
    assert article.published_by_image
    assert article_dates(article, _FEED_AT, date(2026, 3, 12), _FETCHED, COM) == (_FEED_AT, date(2026, 3, 12))
    no_feed = datetime(2026, 3, 1, tzinfo=UTC), date(2026, 3, 1)
    assert article_dates(article, None, None, _FETCHED, COM) == no_feed  # the photo's day, as a last resort


@pytest.mark.parametrize(("html", "url"), [
    (page("March 1, 2026", head=_PHOTO), COM),  # the byline prints the day
    (page(head=_PHOTO + ld(datePublished="2026-03-01")), COM),
    (page(head=_PHOTO), "https://www.example.com/2026/03/01/story"),
    (page(head=_PHOTO.replace("2026/03/01", "2026/03/05")), "https://www.example.com/2026/03/01/story"),
])
def test_a_day_the_page_states_besides_its_photo_is_no_upload_day(html: str, url: str) -> None:
    article = extract_article(html, url)
    assert article is not None and article.published_date == date(2026, 3, 1) and not article.published_by_image
    assert article_dates(article, _FEED_AT, date(2026, 3, 12), _FETCHED, url)[1] == date(2026, 3, 1)


def test_a_reextract_keeps_the_stored_feed_date_over_a_photos_upload_day() -> None:
    article = extract_article(page(head=_PHOTO), COM)
    assert article is not None
    target = ArticleToReextract("id1", COM, "A", _FEED_AT, "h", True, published_date=date(2026, 3, 12))
    row = updated_row(target, ExtractionResult("id1", Outcome.OK, article, None, 5))
    assert row is not None and (row[3], row[10]) == (_FEED_AT, date(2026, 3, 12))


# --- a run stores the days of the new classes ----------------------------------------------------------

RUN_CLASSES = ("am-ethiopian-ken-eth", "es-co-mdy-de-time", "th-published-updated-na", "th-gregorian-na",
               "amp-link-relative")
RUN_PAGES = {name: (html, day) for name, html, _, day in PAGES if name in RUN_CLASSES}
RUN_PAGES["photo-without-feed-date"] = (page(head=_PHOTO), date(2026, 3, 1))
_PHOTO_WITH_FEED_DATE = (page(head=_PHOTO), "Thu, 12 Mar 2026 09:15:00 GMT", date(2026, 3, 12))


def days_stored_by_a_run(
    tmp_path: Path, server: LocalServer, pages: dict[str, tuple[str, str | None]],
) -> dict[object, object]:
    """Serve each page (its HTML, the feed's pubDate or None) under /c/<name> in one RSS feed, run
    once, and return the day stored for each name."""
    items = ""
    for name, (html, when) in pages.items():
        server.add(f"/c/{name}", Page(html.encode()))
        pub_date = f"<pubDate>{when}</pubDate>" if when else ""
        items += f"<item><title>{name}</title><link>{server.base_url}/c/{name}</link>{pub_date}</item>"
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
    server.add("/feed.xml", Page(feed.encode(), "application/rss+xml"))
    config = load_config(write_config(tmp_path, server.base_url, {"feed": "/feed.xml"}, extract={"timeout": 60.0},
                                      timeout=30.0))
    asyncio.run(run_ingest(config, "run-1"))
    sql = "SELECT regexp_extract(url, '/c/(.*)$', 1), published_date FROM articles"
    return dict(run_read_query(Warehouse(config.warehouse_path), sql).rows)


def test_a_run_stores_the_day_of_each_new_class(tmp_path: Path, server: LocalServer) -> None:
    assert len(RUN_PAGES) == len(RUN_CLASSES) + 1
    html, when, _ = _PHOTO_WITH_FEED_DATE
    pages = {name: (page_html, None) for name, (page_html, _) in RUN_PAGES.items()}
    rows = days_stored_by_a_run(tmp_path, server, pages | {"photo-with-feed-date": (html, when)})
    assert rows == {name: day for name, (_, day) in RUN_PAGES.items()} | {"photo-with-feed-date": date(2026, 3, 12)}


def test_a_reextract_keeps_a_photos_day_stored_without_a_feed_date() -> None:
    # stored by a run without a feed date: the photo's day at midnight UTC; in Lima's zone that
    # instant is the evening before, which must not become the day
    url = "https://www.example.pe/a"
    article = extract_article(page(head=_PHOTO), url)
    assert article is not None and article.published_by_image
    stored_at = datetime(2026, 3, 1, tzinfo=UTC)
    target = ArticleToReextract("id1", url, "A", stored_at, "h", True, published_date=date(2026, 3, 1))
    row = updated_row(target, ExtractionResult("id1", Outcome.OK, article, None, 5))
    assert row is not None and (row[3], row[10]) == (stored_at, date(2026, 3, 1))


# --- review: a day the page states elsewhere as well as in its photo's URL is the page's -------------

_AMP_SAME_DAY = '<link rel="amphtml" href="https://www.example.com/amp/2026/03/01/story">'
_STATE_SAME_DAY = '<script>window.__STATE__={"publishedAt":"2026-03-01"}</script>'
_ABBR_SAME_DAY = '<abbr class="published" title="2026-03-01">1 March</abbr>'


@pytest.mark.parametrize("html", [
    page(head=_PHOTO + _AMP_SAME_DAY),  # its AMP version's URL (the last resort)
    page(head=_PHOTO + _STATE_SAME_DAY),  # its script state
    page(head=_PHOTO, story=_ABBR_SAME_DAY + STORY),  # a date markup htmldate reads
], ids=["amp-url", "script-state", "abbr-published"])
def test_a_photo_on_the_day_the_page_states_elsewhere_does_not_hand_the_day_to_a_later_feed(html: str) -> None:
    article = extract_article(html, COM)
    assert article is not None and article.published_date == date(2026, 3, 1)
    assert not article.published_by_image
    assert article_dates(article, _FEED_AT, date(2026, 3, 12), _FETCHED, COM)[1] == date(2026, 3, 1)


@pytest.mark.parametrize("text", [
    "marzo 12 de 2026 personas",  # "12 of 2026 people": a count, not a year
    "Hasta marzo 12 de 2000 personas se inscribieron",
    "En febrero 20 de 2026 usuarios reportaron fallas",
    "abril 3 del 2025 hinchas",
])
def test_a_spanish_count_after_a_month_and_day_is_no_year(text: str) -> None:
    assert first_date(text, named=True) is None


def test_a_spanish_count_in_a_subtitle_does_not_date_the_page() -> None:
    story = "<h2>En febrero 20 de 2026 usuarios reportaron fallas</h2>" + STORY
    assert stored(page("", "es-CO", story=story), "https://www.example.com.co/a/1")[0] is None


@pytest.mark.parametrize(("text", "day"), [
    ("ቁጥር 12 2018", None),  # "number 12", then a year: Tir (ጥር) only as a word of its own
    ("አዋጅ ቁጥር 3 2018 ዓ.ም", None),
    ("በጥር 3 ቀን 2018 ዓ.ም", date(2026, 1, 11)),  # "on Tir 3": a preposition joined to the month
    ("ከሰኔ 5 2018", date(2026, 6, 12)),
])
def test_an_ethiopian_month_inside_another_word_is_no_month(text: str, day: date | None) -> None:
    found = first_date(text, named=True)
    assert (found[1] if found is not None else None) == day
