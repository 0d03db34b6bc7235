"""The sixth pass on publication dates: dates as the world writes them (newsflow.worlddates and the
rules in newsflow.dates, newsflow.localtime, newsflow.pagedates, newsflow.datechecks that use them).

Every page here is hand-written. The tests through `extract_article` run the whole extraction,
htmldate included, so they check what a stored article gets."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsflow.config import load_config
from newsflow.datechecks import plausible, url_day
from newsflow.dates import publication_day, published_at
from newsflow.extract import extract_article
from newsflow.extract import page_tree as load_html
from newsflow.headline_date import headline_date, numeric_date
from newsflow.runner import run_ingest
from newsflow.warehouse import Warehouse, run_read_query
from newsflow.worlddates import jalali_to_gregorian, slash_order
from tests.conftest import write_config
from tests.localserver import LocalServer, Page

TITLE = "Council approves the school budget"
STORY = "<p>" + "The council met on Tuesday and approved the budget for schools, roads and the library. " * 3 + "</p>"


def page(byline: str = "", lang: str = "en", head: str = "", aside: str = "", footer: str = "© 2024 Example") -> str:
    return (f'<html lang="{lang}"><head><title>{TITLE}</title>{head}</head><body><header><a href="/">Home</a></header>'
            f'<article><h1>{TITLE}</h1><div class="byline"><span class="author">A. Writer</span> '
            f'<span class="when">{byline}</span></div>{STORY}</article><aside>{aside}</aside>'
            f"<footer>{footer}</footer></body></html>")


def ld(**fields: object) -> str:
    article = {"@context": "https://schema.org", "@type": "NewsArticle", **fields}
    return f'<script type="application/ld+json">{json.dumps(article)}</script>'


def stored_day(html: str, url: str = "https://news.example.com/story") -> date | None:
    article = extract_article(html, url)
    assert article is not None
    return article.published_date


def test_a_run_stores_the_day_of_a_thai_a_japanese_and_a_us_page_whose_feed_gives_no_date(
        tmp_path: Path, server: LocalServer) -> None:
    us_meta = '<meta property="article:published_time" content="03/04/2024 10:00 AM">'
    pages = {"thai": page("15 มี.ค. 2567 10:30 น.", "th"), "japanese": page("令和6年3月15日 10時30分", "ja"),
             "us": page("By A. Writer", "en-US", head=us_meta, footer="")}
    for name, html in pages.items():
        server.add(f"/news/{name}", Page(html.encode()))
    items = "".join(f"<item><title>{name}</title><link>{server.base_url}/news/{name}</link></item>" for name in pages)
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
    server.add("/feed.xml", Page(feed.encode(), "application/rss+xml"))
    config = load_config(write_config(tmp_path, server.base_url, {"world": "/feed.xml"}))
    asyncio.run(run_ingest(config, "run-1"))
    sql = "SELECT regexp_extract(url, '[^/]+$'), published_date FROM articles ORDER BY url"
    rows = run_read_query(Warehouse(config.warehouse_path), sql).rows
    assert [tuple(row) for row in rows] == [("japanese", date(2024, 3, 15)), ("thai", date(2024, 3, 15)),
                                            ("us", date(2024, 3, 4))]


# --- other calendars, through the whole extraction ------------------------------------------


@pytest.mark.parametrize(
    ("lang", "byline"),
    [("th", "15 มี.ค. 2567 10:30 น."), ("th", "๑๕ มีนาคม ๒๕๖๗"), ("ja", "令和6年3月15日 10時30分"),
     ("zh-TW", "民國113年3月15日"), ("fa", "۲۵ اسفند ۱۴۰۲ - ۱۰:۳۰"), ("fa", "1402/12/25")],  # noqa: RUF001
)
def test_a_byline_in_another_calendar_dates_the_article_not_the_copyright_year(lang: str, byline: str) -> None:
    # htmldate reads none of these and falls back to the footer's "© 2024": 1 January
    assert stored_day(page(byline, lang)) == date(2024, 3, 15)


def test_a_thai_month_with_a_year_that_is_no_buddhist_era_year_is_no_date() -> None:
    # shrunk by the property below: "1402" read as a Buddhist-era year was the year 859
    assert headline_date(load_html(page("15มี.ค.1402", "th"))) is None


def test_japanese_era_years_start_on_their_first_year() -> None:
    assert headline_date(load_html(page("令和元年5月1日", "ja"))) == date(2019, 5, 1)
    assert headline_date(load_html(page("平成31年4月30日", "ja"))) == date(2019, 4, 30)


def test_a_two_digit_year_before_nen_is_no_minguo_year_without_its_name() -> None:
    assert headline_date(load_html(page("24年3月15日", "ja"))) is None  # "24年" is a Japanese short year
    assert headline_date(load_html(page("民國99年3月15日", "zh-TW"))) == date(2010, 3, 15)


@pytest.mark.parametrize(
    ("jalali", "gregorian"),
    [((1402, 12, 25), date(2024, 3, 15)), ((1403, 1, 1), date(2024, 3, 20)), ((1399, 12, 30), date(2021, 3, 20)),
     ((1370, 1, 1), date(1991, 3, 21)), ((1404, 7, 1), date(2025, 9, 23))],
)
def test_jalali_dates_convert_to_the_gregorian_day(jalali: tuple[int, int, int], gregorian: date) -> None:
    assert jalali_to_gregorian(*jalali) == gregorian


def test_an_islamic_year_is_no_jalali_year() -> None:
    # 5 Ramadan 1445 AH is 15 March 2024; read as a Jalali date it would be 2066 and hide the Gregorian one
    tree = load_html(page("1445/09/05 هـ الموافق 15 مارس 2024", "ar"))
    assert headline_date(tree) == date(2024, 3, 15)


def test_an_esfand_30_outside_a_leap_year_is_no_date() -> None:
    assert jalali_to_gregorian(1402, 12, 30) is None
    assert jalali_to_gregorian(1402, 7, 31) is None


@settings(max_examples=200, deadline=None)
@given(year=st.integers(1369, 1430), month=st.integers(1, 12), day=st.integers(1, 31))
def test_consecutive_jalali_days_are_consecutive_gregorian_days(year: int, month: int, day: int) -> None:
    today = jalali_to_gregorian(year, month, day)
    if today is None:
        return
    following = [jalali_to_gregorian(year, month, day + 1), jalali_to_gregorian(year, month + 1, 1),
                 jalali_to_gregorian(year + 1, 1, 1)]
    assert next(day for day in following if day is not None) == today + timedelta(days=1)


# --- more languages under the headline ------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "byline"),
    [("hi", "15 मार्च 2024"), ("bn", "১৫ মার্চ ২০২৪"), ("ur", "15 مارچ 2024"), ("el", "15 Μαρτίου 2024"),
     ("he", "15 במרץ 2024"), ("uk", "15 березня 2024"), ("ro", "15 martie 2024"), ("hu", "2024. március 15. 10:30"),
     ("lt", "2024 m. kovo 15 d."), ("vi", "Thứ sáu, ngày 15 tháng 3 năm 2024"), ("sr", "15. mart 2024."),
     ("ms", "15 Mac 2024"), ("fil", "Marso 15, 2024"), ("ca", "15 de març de 2024"), ("en", "March 15th, 2024"),
     ("en", "15th of March 2024"), ("id", "Jumat, 15 Okt 2024 10:00 WIB"), ("fr", "1er mars 2024"),
     ("ar", "الجمعة، 15 آذار/مارس 2024")],
)
def test_dates_in_more_languages_are_read_under_the_headline(lang: str, byline: str) -> None:
    found = headline_date(load_html(page(byline, lang)))
    assert found is not None and found.day in (15, 1) and found.year == 2024


def test_a_sidebar_date_htmldate_took_gives_way_to_a_thai_byline() -> None:
    tree = load_html(page("15 มี.ค. 2567", "th", aside="ข่าวล่าสุด 2 มี.ค. 2567"))
    assert publication_day(published_at("2024-03-02T00:00:00", tree, "https://news.example.com/s")) == date(2024, 3, 15)


# --- day and month in slashed dates ---------------------------------------------------------


def test_a_us_page_writes_the_month_first() -> None:
    # htmldate reads "03/04/2024" day first, 3 April; the page declares en-US: 4 March
    assert stored_day(page("Published 03/04/2024 10:00 AM", "en-US")) == date(2024, 3, 4)


def test_a_us_pages_published_meta_is_read_month_first() -> None:
    # htmldate reads the meta day first (3 April); newsflow reads it in the page's order (4 March)
    meta = '<meta property="article:published_time" content="03/04/2024 10:00 AM">'
    assert stored_day(page("By A. Writer", "en-US", head=meta, footer="")) == date(2024, 3, 4)
    assert stored_day(page("By A. Writer", "en-GB", head=meta, footer=""), "https://news.example.co.uk/s") == date(
        2024, 4, 3)


def test_a_british_page_writes_the_day_first() -> None:
    assert stored_day(page("Published 03/04/2024 10:00", "en-GB")) == date(2024, 4, 3)


def test_en_us_on_a_day_first_countrys_domain_is_a_template_default() -> None:
    tree = load_html(page("Published 03/04/2024", "en-US", head='<link rel="canonical" href="https://news.example.in/s">'))
    assert slash_order(tree) == "dmy"


def test_the_pages_own_unambiguous_dates_decide_the_order() -> None:
    us = load_html(page("03/04/2024", "en", aside="<p>Earlier: 12/25/2023</p>"))
    assert slash_order(us) == "mdy" and headline_date(us) == date(2024, 3, 4)
    elsewhere = load_html(page("03/04/2024", "en-US", aside="<p>Earlier: 25/12/2023</p>"))
    assert slash_order(elsewhere) == "dmy" and headline_date(elsewhere) == date(2024, 4, 3)


def test_an_ambiguous_slashed_date_on_an_english_page_of_no_country_stays_unread() -> None:
    tree = load_html(page("03/04/2024", "en"))
    assert slash_order(tree) is None and headline_date(tree) is None


def test_a_two_digit_year_is_read_only_in_a_known_order() -> None:
    assert headline_date(load_html(page("11/08/23 5:19pm", "en-US"))) == date(2023, 11, 8)
    assert headline_date(load_html(page("11/08/23 17:19", "en-GB"))) == date(2023, 8, 11)
    assert headline_date(load_html(page("11/08/23 5:19pm", "en"))) is None


def test_a_vietnamese_slashed_date_is_day_first() -> None:
    tree = load_html(page("Thứ sáu, 5/3/2024, 10:00 (GMT+7)", "vi"))
    assert headline_date(tree) == date(2024, 3, 5)


# --- the URL, the copyright year, script state and timestamps -------------------------------


@pytest.mark.parametrize(
    "url",
    ["http://www.news.example.cn/2024-03/15/c_1130.htm", "http://politics.example.com.cn/n1/2024/0315/c1001-1.html",
     "https://www.example.cn/politics/20240315/abc/c.html", "https://www.example.gov.cn/xinwen/t20240315_123.html",
     "https://news.example.com/story?date=2024-03-15", "https://news.example.com/2024-03-15-council-budget",
     "https://www.example.com.cn/a/202403/15/WS65571297.html"],
)
def test_url_days_in_more_forms(url: str) -> None:
    assert url_day(url) == date(2024, 3, 15)


@pytest.mark.parametrize("url", ["https://news.example.com/a/123456/", "https://news.example.com/p/20241399/",
                                 "https://news.example.com/slug-20240315123456789.htm"])
def test_numbers_that_are_no_day_are_no_url_day(url: str) -> None:
    assert url_day(url) is None


def test_a_page_dated_only_by_its_url_gets_the_urls_day() -> None:
    tree = load_html(page(footer=""))
    assert published_at(None, tree, "https://www.example.cn/politics/20240315/abc/c.html") == datetime(
        2024, 3, 15, tzinfo=UTC)


def test_htmldates_copyright_year_gives_way_to_the_script_state() -> None:
    state = '<script>window.__STATE__ = {"article": {"publishedAt": "2024-03-15T10:00:00Z"}};</script>'
    tree = load_html(page(head=state))
    assert published_at("2024-01-01T00:00:00", tree) == datetime(2024, 3, 15, 10, tzinfo=UTC)


def test_htmldates_copyright_year_gives_way_to_the_url_day() -> None:
    tree = load_html(page())
    assert published_at("2024-01-01T00:00:00", tree, "https://news.example.com/20240315/story") == datetime(
        2024, 3, 15, tzinfo=UTC)


def test_a_first_of_january_the_page_states_is_no_copyright_year() -> None:
    tree = load_html(page(head=ld(datePublished="2024-01-01T09:00:00+01:00")))
    assert publication_day(published_at("2024-01-01T00:00:00", tree, "https://news.example.com/20240315/s")) == date(
        2024, 1, 1)


def test_without_another_date_the_copyright_year_is_no_date() -> None:
    # seventh pass: a year is no day; without a page date the feed's dates the article (test_dates8.py)
    assert published_at("2024-01-01T00:00:00", load_html(page())) is None


def test_a_publication_timestamp_in_a_data_attribute_dates_a_page_that_nothing_else_dates() -> None:
    tree = load_html(page('<span class="time" data-publish-time="1710498600">3 giờ trước</span>', "vi", footer=""))
    assert published_at(None, tree) == datetime(2024, 3, 15, 10, 30, tzinfo=UTC)
    milliseconds = load_html(page('<span data-pubdate="1710498600000"></span>', footer=""))
    assert published_at(None, milliseconds) == datetime(2024, 3, 15, 10, 30, tzinfo=UTC)


def test_an_amp_pages_relative_byline_is_dated_by_its_datetime() -> None:
    byline = ('<amp-timeago datetime="2024-03-15T10:30:00+07:00" layout="fixed" width="160" height="20">'
              "3 giờ trước</amp-timeago>")
    tree = load_html(page(byline, "vi", footer=""))
    published = published_at(None, tree, "https://news.example.com/amp/story")
    assert published == datetime(2024, 3, 15, 3, 30, tzinfo=UTC) and publication_day(published) == date(2024, 3, 15)


def test_other_timestamps_in_data_attributes_are_no_publication() -> None:
    tree = load_html(page('<span data-views="1710498600"></span>', footer=""))
    assert published_at(None, tree) is None


# --- the publisher's zone and clock ----------------------------------------------------------


def test_a_japanese_page_on_a_generic_domain_is_dated_in_tokyo() -> None:
    tree = load_html(page(lang="ja", head=ld(datePublished="2024-03-14T16:30:00Z")))
    published = published_at("2024-03-14T16:30:00+0000", tree, "https://www.example-shimbun.com/articles/1")
    assert published == datetime(2024, 3, 14, 16, 30, tzinfo=UTC) and publication_day(published) == date(2024, 3, 15)


@pytest.mark.parametrize("url", ["https://www.example.com/zhongwen/simp/world-1", "https://www.example.com/zh/a-1"])
def test_a_broadcasters_language_service_gets_no_zone_from_its_language(url: str) -> None:
    tree = load_html(page(lang="zh", head=ld(datePublished="2024-03-14T20:00:00Z")))
    assert publication_day(published_at("2024-03-14T20:00:00+0000", tree, url)) == date(2024, 3, 14)


def test_a_country_domain_with_several_zones_gives_no_zone_whatever_the_language() -> None:
    tree = load_html(page(lang="zh", head=ld(datePublished="2024-03-14T16:30:00Z")))
    published = published_at("2024-03-14T16:30:00+0000", tree, "https://www.example.ca/news/1")
    assert publication_day(published) == date(2024, 3, 14)


def test_more_single_zone_countries_date_in_their_zone() -> None:
    tree = load_html(page(lang="fa", head=ld(datePublished="2024-03-14T21:00:00Z")))
    published = published_at("2024-03-14T21:00:00+0000", tree, "https://www.example.ir/news/1")
    assert publication_day(published) == date(2024, 3, 15)  # 00:30 in Tehran
    casablanca = published_at("2024-01-14T23:30:00+0000", load_html(page(lang="fr")), "https://www.example.ma/n/1")
    assert publication_day(casablanca) == date(2024, 1, 15)


def test_a_co_domain_in_another_language_is_no_colombian_page() -> None:
    tree = load_html(page(lang="id", head=ld(datePublished="2024-03-14T18:30:00Z")))
    published = published_at("2024-03-14T18:30:00+0000", tree, "https://nasional.example.co/read/1")
    assert publication_day(published) == date(2024, 3, 15)  # 01:30 in Jakarta, not 13:30 in Bogotá
    colombian = load_html(page(lang="es", head=ld(datePublished="2024-03-15T02:30:00Z")))
    published = published_at("2024-03-15T02:30:00+0000", colombian, "https://www.example.co/politica/1")
    assert publication_day(published) == date(2024, 3, 14)  # 21:30 in Bogotá


def test_a_persian_page_on_a_generic_domain_gets_no_zone_from_its_language() -> None:
    tree = load_html(page(lang="fa", head=ld(datePublished="2024-03-14T21:00:00Z")))
    published = published_at("2024-03-14T21:00:00+0000", tree, "https://www.example.com/persian/1")
    assert publication_day(published) == date(2024, 3, 14)


def test_a_time_without_an_offset_is_the_publishers_clock() -> None:
    # 23:30 on the 14th in Tokyo, written without an offset: not 23:30 UTC (08:30 on the 15th in Tokyo)
    tree = load_html(page(lang="ja", head=ld(datePublished="2024-03-14 23:30:00")))
    published = published_at("2024-03-14T23:30:00", tree, "https://www.example.co.jp/news/1")
    assert published == datetime(2024, 3, 14, 14, 30, tzinfo=UTC) and publication_day(published) == date(2024, 3, 14)


def test_a_time_without_an_offset_and_no_known_zone_counts_as_utc() -> None:
    published = published_at("2024-03-14T23:30:00", load_html(page()), "https://news.example.com/s")
    assert published == datetime(2024, 3, 14, 23, 30, tzinfo=UTC) and published.tzinfo is UTC


def test_the_offset_htmldate_dropped_from_the_same_clock_time_is_taken_back() -> None:
    tree = load_html(page(head=ld(datePublished="2025-06-05T23:46:12+02:00")))
    published = published_at("2025-06-05T23:46:12+0000", tree, "https://www.example.com/s")
    assert published == datetime(2025, 6, 5, 21, 46, 12, tzinfo=UTC) and publication_day(published) == date(2025, 6, 5)


def test_the_offset_of_a_clock_time_stated_to_the_minute_is_taken_back() -> None:
    # the meta's "15:59:00+00:00" is the local clock with a false "+00:00"; JSON-LD says 15:59:30+02:00
    tree = load_html(page(head=ld(datePublished="2025-06-30T23:59:30+02:00")))
    published = published_at("2025-06-30T23:59:00+0000", tree, "https://www.example.com/s")
    assert published == datetime(2025, 6, 30, 21, 59, 30, tzinfo=UTC)
    assert publication_day(published) == date(2025, 6, 30)


def test_a_clock_time_without_an_offset_takes_the_offset_to_the_same_time_stated_in_utc() -> None:
    # "21:19:12" (no offset) and JSON-LD's "02:19:12Z" the next day: the story is from 21:19 at -05:00
    tree = load_html(page(head=ld(datePublished="2023-11-09T02:19:12Z")))
    published = published_at("2023-11-08T21:19:12", tree, "https://www.example.com/s")
    assert published == datetime(2023, 11, 9, 2, 19, 12, tzinfo=UTC) and publication_day(published) == date(2023, 11, 8)
    assert published is not None and published.utcoffset() == timedelta(hours=-5)


def test_a_clock_time_and_another_utc_time_imply_no_offset() -> None:
    tree = load_html(page(head=ld(datePublished="2023-11-09T02:45:00Z")))  # other minutes: another moment
    published = published_at("2023-11-08T21:19:12", tree, "https://www.example.com/s")
    assert published == datetime(2023, 11, 8, 21, 19, 12, tzinfo=UTC)


# --- rules combined -------------------------------------------------------------------------

_THAI = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."]
_HINDI = ["जनवरी", "फरवरी", "मार्च", "अप्रैल", "मई", "जून", "जुलाई", "अगस्त", "सितंबर", "अक्टूबर", "नवंबर", "दिसंबर"]
_HUNGARIAN = [
    "január", "február", "március", "április", "május", "június",
    "július", "augusztus", "szeptember", "október", "november", "december",
]
_ENGLISH = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]


def _japanese(day: date) -> str:
    era = f"令和{day.year - 2018}年" if day >= date(2019, 5, 1) else f"平成{day.year - 1988}年"
    return f"{era}{day.month}月{day.day}日"


_FORMATS: dict[str, Callable[[date], str]] = {
    "th": lambda d: f"{d.day} {_THAI[d.month - 1]} {d.year + 543}",
    "ja": _japanese,
    "zh-TW": lambda d: f"民國{d.year - 1911}年{d.month}月{d.day}日",
    "hi": lambda d: f"{d.day} {_HINDI[d.month - 1]} {d.year}",
    "vi": lambda d: f"ngày {d.day} tháng {d.month} năm {d.year}",
    "hu": lambda d: f"{d.year}. {_HUNGARIAN[d.month - 1]} {d.day}.",
    "en-US": lambda d: f"{d.month:02d}/{d.day:02d}/{d.year}",
    "en-GB": lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}",
    "en": lambda d: f"{_ENGLISH[d.month - 1]} {d.day}th, {d.year}",
}


@settings(max_examples=150, deadline=None)
@given(day=st.dates(min_value=date(1990, 1, 8), max_value=date(2026, 11, 30)), lang=st.sampled_from(sorted(_FORMATS)),
       htmldate=st.none() | st.dates(min_value=date(1985, 1, 1), max_value=date(2030, 1, 1)),
       url_dated=st.booleans(), copyright_year=st.booleans())
def test_a_byline_in_any_format_is_read_as_its_day_and_the_choice_is_always_a_page_date(
        day: date, lang: str, htmldate: date | None, url_dated: bool, copyright_year: bool) -> None:
    tree = load_html(page(_FORMATS[lang](day), lang, footer=f"© {day.year}" if copyright_year else ""))
    assert headline_date(tree) == day
    url = f"https://news.example.com/{day:%Y%m%d}/story" if url_dated else "https://news.example.com/story"
    value = f"{htmldate:%Y-%m-%d}T00:00:00" if htmldate is not None else None
    chosen = published_at(value, tree, url)
    assert chosen is not None and plausible(chosen)
    assert chosen.date() in {day} | ({htmldate} if htmldate is not None else set())
    if htmldate is None or (htmldate == date(day.year, 1, 1) and copyright_year):
        assert chosen.date() == day  # nothing else, or the copyright year: the byline's day


_TOKENS = ["15", "3", "0", "13", "31", "99", "113", "1402", "2024", "2567", "67", "\uff11\uff15",
           "\u0662\u0660\u0662\u0664", "\u0e51\u0e55", "/", ".", "-", ":", "年", "月", "日", "令和", "元", "民國",
           "มี.ค.", "اسفند", "آب/أغسطس", "tháng", "năm", "März", "march", "15th", "de", "of", "m.", "d."]
_DATE_TEXT = st.lists(st.sampled_from(_TOKENS), max_size=12).flatmap(
    lambda tokens: st.sampled_from(["", " "]).map(lambda glue: glue.join(tokens)))


@settings(max_examples=300, deadline=None)
@given(text=_DATE_TEXT, order=st.sampled_from([None, "dmy", "mdy"]), lang=st.sampled_from(["en-US", "th", "ja", "fa"]),
       near=st.none() | st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 1, 1)))
def test_reading_any_text_never_raises_and_gives_a_real_day_or_none(text: str, order: str | None, lang: str,
                                                                   near: date | None) -> None:
    found = [headline_date(load_html(page(text, lang, footer="")), near), numeric_date(text, order),
             url_day(f"https://news.example.com/{text}/story")]
    assert all(day is None or date(1900, 1, 1) <= day <= date(2100, 1, 1) for day in found)
