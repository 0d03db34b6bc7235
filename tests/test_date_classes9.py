"""The eighth pass on publication dates: classes of page that a world-wide hold-out has and our
corpora lack (docs/extraction.md, "Eighth pass, dates").

Every page is hand-written from how its class writes dates, not copied from any site: days written
as words, Unix timestamps where an ISO date is expected, dashed day-month-year dates, a publication and
its update on one line, Hijri and Bikram Sambat dates, days printed without a year (under the
headline, in a wire dateline), zone abbreviations after a time without a date, and (read before this
pass, kept as guards) zone abbreviations after a printed date and time, other calendars, dates in
`<time>` text, `data-` attributes, script state and datelines with their year. The run at the end
serves them from a local server with a feed without dates and reads the stored days back from the
warehouse, then re-extracts pages stored undated: "3 hours ago" and "Sun, Mar 1" are dated from the
stored fetch time, not the reextract's clock."""

from __future__ import annotations

import asyncio
import itertools
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsflow import cli
from newsflow.articledates import best_published_date
from newsflow.config import load_config
from newsflow.extract import extract_article
from newsflow.runner import run_ingest
from newsflow.tabledcalendars import bikram_to_gregorian, hijri_to_gregorian
from newsflow.warehouse import Warehouse, run_read_query
from newsflow.yearless import in_the_fetch_year
from tests.conftest import write_config
from tests.localserver import LocalServer, Page
from tests.test_date_classes import STORY, page, stored

MARCH_1, MARCH_2 = date(2026, 3, 1), date(2026, 3, 2)
COM = "https://www.example.com/news/story"
STAMP = 1772359800  # 2026-03-01 10:10 UTC


def ld(published: object) -> str:
    article = json.dumps({"@type": "NewsArticle", "datePublished": published})
    return f'<script type="application/ld+json">{article}</script>'


# --- new in this pass: each was undated (None) or a wrong day before it -------------------------

DAY_WORDS = [
    ("ur", "یکم مارچ 2026"), ("ur", "یکم مارچ ۲۰۲۶"), ("ar", "الأول من مارس 2026"), ("en", "First of March, 2026"),
    ("fa", "یکم اسفند ۱۴۰۴"),  # Solar Hijri: 1 Esfand 1404 is 20 February 2026
]


@pytest.mark.parametrize(("lang", "byline"), DAY_WORDS)
def test_a_day_written_as_a_word_is_read(lang: str, byline: str) -> None:
    assert stored(page(byline, lang))[0] == (date(2026, 2, 20) if lang == "fa" else MARCH_1)


def test_a_day_word_without_a_month_and_year_after_it_is_no_date() -> None:
    assert stored(page("First of all, the council met in 2026", "en"))[0] is None


@pytest.mark.parametrize("head", [
    ld(str(STAMP)), ld(STAMP), ld(str(STAMP * 1000)),
    f'<meta property="article:published_time" content="{STAMP}">',
    f'<meta name="publish-date" content="{STAMP * 1000}">',
])
def test_a_unix_timestamp_given_as_the_publication_time_is_read(head: str) -> None:
    assert stored(page(head=head))[0] == MARCH_1


@pytest.mark.parametrize("state", [f'window.__STATE__={{"article":{{"id":7,"publishedAt":{STAMP}}}}}',
                                   f'window.__APOLLO_STATE__={{"Article:1":{{"publishedAt":{STAMP * 1000}}}}}'])
def test_a_unix_timestamp_in_the_script_state_dates_a_page_without_markup_dates(state: str) -> None:
    assert stored(page(after=f"<script>{state}</script>"))[0] == MARCH_1


@pytest.mark.parametrize(("lang", "published"), [("en-US", "03/01/2026 11:30 PM"), ("de", "01.03.2026 23:30")])
def test_json_ld_dates_in_a_numeric_form_are_read_in_the_pages_order(lang: str, published: str) -> None:
    # htmldate reads "03/01/2026" day first everywhere: 3 January
    assert stored(page(lang=lang, head=ld(published)), COM)[0] == MARCH_1


def test_a_number_that_is_no_timestamp_is_no_date() -> None:
    assert stored(page(head=ld("12345")))[0] is None and stored(page(head=ld(True)))[0] is None


@pytest.mark.parametrize(("lang", "byline", "url"), [
    ("hi", "०१-०३-२०२६", "https://www.example.in/a"), ("en-IN", "01-03-2026 10:30 IST", "https://www.example.in/a"),
    ("en-US", "03-01-2026 10:30 AM", COM), ("nl", "01-03-2026 10:30", COM),
    ("ar", "٠١-٠٣-٢٠٢٦", COM), ("bn", "০১-০৩-২০২৬", "https://www.example.com.bd/a"),  # noqa: RUF001
])
def test_a_dashed_day_month_year_is_read_in_the_pages_order(lang: str, byline: str, url: str) -> None:
    assert stored(page(byline, lang), url)[0] == MARCH_1


@pytest.mark.parametrize(("lang", "byline"), [
    ("it", "1 marzo 2026 (modifica il 2 marzo 2026 | 09:12)"), ("en", "March 1, 2026 (Updated March 2, 2026)"),
    ("ur", "یکم مارچ، 2026"), ("ar", "1 مارس، 2026"),  # the Arabic comma
    ("ur", "01 مارچ 2026ء"),  # Urdu's year sign
])
def test_a_publication_followed_by_an_update_with_its_own_date_is_the_publication(lang: str, byline: str) -> None:
    assert stored(page(byline, lang))[0] == MARCH_1


def test_the_time_of_an_update_is_not_the_printed_time_of_the_publication() -> None:
    from newsflow.headline_date import printed_time
    from tests.test_date_classes import load_html

    assert printed_time(load_html(page("1 marzo 2026 (modifica il 2 marzo 2026 | 09:12)", "it"))) is None
    assert printed_time(load_html(page("1 marzo 2026, 22:40 (modifica il 2 marzo 2026 | 09:12)", "it"))) == \
        datetime(2026, 3, 1, 22, 40)


FEB_28 = date(2026, 2, 28)


@pytest.mark.parametrize(("lang", "byline", "day"), [
    ("ar", "السبت 11 رمضان 1447 هـ", FEB_28),  # Umm al-Qura: 1 Ramadan 1447 is 18 February 2026 (a Saturday)
    ("ar", "١١ رمضان ١٤٤٧هـ", FEB_28), ("ar", "1 ذو القعدة 1446", date(2025, 4, 29)),  # noqa: RUF001
    ("ar", "12 رمضان 1447 هـ - 1 مارس 2026 م", MARCH_1),  # a Gregorian day beside it wins, whatever its reckoning
    ("ne", "फागुन १७, २०८२", MARCH_1), ("ne", "२०८२ फागुन १७ गते", MARCH_1), ("ne", "१७ फागुन २०८२", MARCH_1),
    ("ne", "बैशाख १, २०८१", date(2024, 4, 13)),
])
def test_a_hijri_or_bikram_sambat_date_is_read_by_its_table(lang: str, byline: str, day: date) -> None:
    assert stored(page(byline, lang))[0] == day


@pytest.mark.parametrize("byline", ["30 رمضان 1446", "फाल्गुन १७, २०८२", "फागुन १७, २०९५", "11 رمضان 1399"])
def test_a_day_the_table_lacks_or_a_lunar_vikram_samvat_month_is_no_date(byline: str) -> None:
    # Ramadan 1446 had 29 days; "फाल्गुन" is the Sanskrit (Vikram Samvat) name; years outside the tables
    assert stored(page(byline, "ne" if "फ" in byline else "ar"))[0] is None


@given(st.integers(1410, 1460), st.integers(1, 12), st.integers(2047, 2089), st.integers(1, 12))
def test_the_tables_give_consecutive_days(hijri_year: int, hijri_month: int, bs_year: int, bs_month: int) -> None:
    for convert, year, month in ((hijri_to_gregorian, hijri_year, hijri_month),
                                 (bikram_to_gregorian, bs_year, bs_month)):
        days = [convert(year, month, day) for day in range(1, 33)]
        known = [day for day in days if day is not None]
        assert 29 <= len(known) <= 32 and days[:len(known)] == known  # the month's days, then none
        assert all(later - earlier == timedelta(days=1) for earlier, later in itertools.pairwise(known))
        following = convert(year + month // 12, month % 12 + 1, 1)
        assert following is None or following - known[-1] == timedelta(days=1)


@pytest.mark.parametrize(("byline", "story"), [
    ("Sun, Mar 1", STORY), ("By A. Writer | Mar 1, 10:30 AM", STORY), ("1. März, 10:30 Uhr", STORY),
    ("", "<p>NEW DELHI, March 1 (Reuters) - " + "The council approved the budget for schools. " * 3 + "</p>" + STORY),
])
def test_a_day_printed_without_its_year_is_returned_for_the_fetch_to_date(byline: str, story: str) -> None:
    article = extract_article(page(byline, story=story), "https://news.example.com/story")
    assert article is not None and (article.published_date, article.published_month_day) == (None, (3, 1))


@pytest.mark.parametrize("story", [
    "<p>The 32-year-old lawyer was born on June 3</p>", "<p>Am Samstag, 4. November, gegen 17.50 Uhr, ist ein Auto</p>",
    "<p>Paris, le 4 novembre - " + "The council approved the budget. " * 3 + "</p>",  # no capitals: no dateline
])
def test_a_story_line_naming_a_day_is_no_yearless_date(story: str) -> None:
    article = extract_article(page(story=story + STORY), "https://news.example.com/story")
    assert article is not None and article.published_month_day is None


def test_a_yearless_day_is_in_the_year_that_puts_it_on_or_before_the_fetch() -> None:
    assert in_the_fetch_year((12, 31), date(2027, 1, 2)) == date(2026, 12, 31)
    assert in_the_fetch_year((3, 1), date(2026, 12, 2)) == MARCH_1
    assert in_the_fetch_year((3, 2), MARCH_1) == MARCH_2  # a day ahead: the publisher's day east of UTC
    assert in_the_fetch_year((3, 3), MARCH_1) == date(2025, 3, 3)
    assert in_the_fetch_year((2, 29), date(2026, 3, 10)) is None


@pytest.mark.parametrize(("lang", "byline", "utc", "day"), [
    ("en", "Published 9:00 PM ET", "2026-03-02T02:00:00Z", MARCH_1),
    ("en", "Mar 1 / 9:00 PM EST", "2026-03-02T02:00:00Z", MARCH_1),
    ("en", "12:30 AM IST", "2026-03-01T19:00:00Z", MARCH_2),
    ("en", "By A. Writer | 8:15 p.m. PT", "2026-03-02T04:15:00Z", MARCH_1),
    ("en", "Updated 9:00PM (ET)", "2026-03-02T02:00:00Z", MARCH_1),  # an update's time is in the same zone
])
def test_a_zone_abbreviation_after_a_time_without_a_date_names_the_publishers_zone(
        lang: str, byline: str, utc: str, day: date) -> None:
    # a .com page in English names no zone: the UTC day was stored
    assert stored(page(byline, lang, head=ld(utc)), COM)[0] == day


def test_a_printed_zone_abbreviation_is_the_zone_a_feeds_gmt_date_is_read_in() -> None:
    article = extract_article(page("Published 9:00 PM ET"), COM)
    assert article is not None and article.publisher_zone == "America/New_York"
    feed_at = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # "Mon, 02 Mar 2026 02:00:00 GMT"
    assert best_published_date(None, feed_at, feed_at.date(), url=COM, zone=article.publisher_zone) == MARCH_1


@pytest.mark.parametrize("byline", ["9:00 PM UTC", "21:00 GMT", "à 21h00 et mis à jour", "9:00PM"])
def test_utc_gmt_and_words_after_a_time_name_no_zone(byline: str) -> None:
    assert stored(page(byline, "en", head=ld("2026-03-02T02:00:00Z")), COM)[0] == MARCH_2


def test_a_printed_zone_comes_before_the_guess_for_a_country_of_several_zones() -> None:
    # a Los Angeles paper on a .us domain: 04:15 Z is 20:15 the evening before in Los Angeles, and in
    # New York (the .us guess) too; 07:30 Z is 23:30 in Los Angeles but 02:30 the next day in New York
    assert stored(page("11:30 p.m. PT", head=ld("2026-03-02T07:30:00Z")), "https://news.example.us/a")[0] == MARCH_1


# --- guards: read before this pass (the printed-time offset rule, sixth and seventh passes) ------

ZONE_PAGES = [  # (lang, printed byline, the instant JSON-LD gives in UTC, the publisher's day)
    ("id", "1 Maret 2026 23:30 WIB", "2026-03-01T16:30:00Z", MARCH_1),
    ("en", "2 March 2026, 01:30 WIB", "2026-03-01T18:30:00Z", MARCH_2),
    ("en", "March 2, 2026 06:00 JST", "2026-03-01T21:00:00Z", MARCH_2),
    ("en", "Mar 2, 2026 01:15 AM IST", "2026-03-01T19:45:00Z", MARCH_2),
    ("en", "March 2, 2026 02:00 PKT", "2026-03-01T21:00:00Z", MARCH_2),
    ("en", "March 2, 2026 02:00 EAT", "2026-03-01T23:00:00Z", MARCH_2),
    ("en", "2 March 2026 02:00 MSK", "2026-03-01T23:00:00Z", MARCH_2),
    ("en", "2 March 2026 8:00am AEDT", "2026-03-01T21:00:00Z", MARCH_2),
    ("de", "2. März 2026, 00:30 MEZ", "2026-03-01T23:30:00Z", MARCH_2),
    ("en", "March 1, 2026 11:30 PM EST", "2026-03-02T04:30:00Z", MARCH_1),
    ("en", "March 1, 2026 10:00 p.m. PST", "2026-03-02T06:00:00Z", MARCH_1),
    ("pt", "01/03/2026 22h30 BRT", "2026-03-02T01:30:00Z", MARCH_1),
]


@pytest.mark.parametrize(("lang", "byline", "utc", "day"), ZONE_PAGES)
def test_a_printed_time_with_a_zone_abbreviation_gives_the_publishers_day(
        lang: str, byline: str, utc: str, day: date) -> None:
    assert stored(page(byline, lang, head=ld(utc)), COM)[0] == day


@pytest.mark.parametrize(("lang", "byline", "day"), [
    ("en", "March 1, 2026 11:30 PM EST", MARCH_1), ("id", "Minggu, 1 Maret 2026 23:30 WIB", MARCH_1),
    ("zh-TW", "民國115年3月1日", MARCH_1), ("fa", "1404/12/10", MARCH_1), ("th", "1 มี.ค. 69", MARCH_1),
    ("ar", "٠١/٠٣/٢٠٢٦", MARCH_1), ("bn", "০১/০৩/২০২৬", MARCH_1), ("en", "03/13/2026", date(2026, 3, 13)),  # noqa: RUF001
    ("de", "01.03.26, 10:30 Uhr", MARCH_1), ("en-US", "03/01/26 11:30 PM", MARCH_1),
    ("en-GB", "01/03/26 23:30", MARCH_1), ("fr", "Publié le 01/03/26 à 23h30", MARCH_1),
    ("ru", "01.03.26 23:30", MARCH_1), ("fa", "۱۴۰۴-۱۲-۱۰", MARCH_1), ("en", "13/03/2026", date(2026, 3, 13)),  # noqa: RUF001
])
def test_a_printed_date_alone_in_a_zone_calendar_or_digits_of_its_own_is_read(
        lang: str, byline: str, day: date) -> None:
    assert stored(page(byline, lang), COM)[0] == day


@pytest.mark.parametrize(("byline", "after"), [
    ("<time>March 1, 2026</time>", ""), ('<time class="published">01.03.2026 10:30</time>', ""),
    ('<span data-published="2026-03-01T10:00:00+01:00">Sunday</span>', ""),
    ("", '<script id="__NEXT_DATA__" type="application/json">{"props":{"story":{"firstPublished":'
         '"2026-03-01T10:00:00.000Z"}}}</script>'),
])
def test_a_date_only_in_time_text_an_attribute_or_the_script_state_is_read(byline: str, after: str) -> None:
    assert stored(page(byline, after=after))[0] == MARCH_1


def test_a_dateline_with_its_year_dates_the_story() -> None:
    dateline = "<p>NEW DELHI, March 1, 2026 (Reuters) - " + "The council approved the budget for schools. " * 3 + "</p>"
    assert stored(page(story=dateline + STORY))[0] == MARCH_1


# --- a whole run, and a reextract ---------------------------------------------------------------

CLASS_PAGES = {  # served under a feed without dates: the page alone dates each
    "/a/urdu": (page("یکم مارچ 2026", "ur"), MARCH_1),
    "/a/timestamp": (page(head=ld(str(STAMP))), MARCH_1),
    "/a/timestamp-ms": (page(head=f'<meta name="publish-date" content="{STAMP * 1000}">'), MARCH_1),
    "/a/devanagari": (page("०१-०३-२०२६", "hi"), MARCH_1),
    "/a/jst": (page("March 2, 2026 06:00 JST", head=ld("2026-03-01T21:00:00Z")), MARCH_2),
    "/a/est": (page("March 1, 2026 11:30 PM EST", head=ld("2026-03-02T04:30:00Z")), MARCH_1),
    "/a/et": (page("Published 9:00 PM ET", head=ld("2026-03-02T02:00:00Z")), MARCH_1),
    "/a/hijri": (page("السبت 11 رمضان 1447 هـ", "ar"), FEB_28),
    "/a/bikram": (page("फागुन १७, २०८२", "ne"), MARCH_1),
    "/a/italian": (page("1 marzo 2026 (modifica il 2 marzo 2026 | 09:12)", "it"), MARCH_1),
    "/a/relative": (page("3 hours ago"), None),  # counted back from the fetch: checked below
    "/a/yearless": (page("Sun, Mar 1"), None),  # in the fetch's year: checked below
    "/a/dateline": (page(story="<p>WASHINGTON, March 1 (Reuters) - " + "The council approved the budget. " * 3
                         + "</p>" + STORY), None),
}
COUNTED_FROM_THE_FETCH = ("/a/relative", "/a/yearless", "/a/dateline")


def _undated_feed(base: str) -> bytes:
    items = "".join(f"<item><title>{path}</title><link>{base}{path}</link></item>" for path in CLASS_PAGES)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()


def test_a_run_with_an_undated_feed_dates_each_class_and_a_reextract_counts_relative_times(
        tmp_path: Path, server: LocalServer, capsys: pytest.CaptureFixture[str]) -> None:
    for path, (html, _) in CLASS_PAGES.items():
        server.add(path, Page(html.encode()))
    server.add("/undated.xml", Page(_undated_feed(server.base_url), "application/rss+xml"))
    # a busy machine (the suite beside it) must not turn this into a test of time limits
    config_path = write_config(tmp_path, server.base_url, {"undated": "/undated.xml"},
                               extract={"timeout": 60.0}, timeout=30.0)
    config = load_config(config_path)
    asyncio.run(run_ingest(config, "run-1"))
    store = Warehouse(config.warehouse_path)
    sql = "SELECT regexp_extract(url, '/a/.*$'), published_date, published_at, fetched_at FROM articles"
    rows = {row[0]: tuple(row[1:]) for row in run_read_query(store, sql).rows}
    assert set(rows) == set(CLASS_PAGES), "every class page is stored"
    assert {path: rows[path][0] for path in CLASS_PAGES if path not in COUNTED_FROM_THE_FETCH} == {
        path: day for path, (_, day) in CLASS_PAGES.items() if path not in COUNTED_FROM_THE_FETCH}
    _, at, fetched = rows["/a/relative"]
    assert abs(at - (fetched - timedelta(hours=3))) < timedelta(seconds=1)
    fetch_day = fetched.astimezone(UTC).date()
    march_1 = date(fetch_day.year, 3, 1)  # the last 1 March by the fetch (a day ahead allowed)
    march_1 = march_1 if march_1 <= fetch_day + timedelta(days=1) else date(fetch_day.year - 1, 3, 1)
    assert rows["/a/yearless"][0] == rows["/a/dateline"][0] == march_1

    # as stored by a version that dated neither (it read no timestamp, nor counted a relative time)
    with store.writing() as con:
        con.execute("UPDATE articles SET published_at = NULL, published_date = NULL "
                    "WHERE url LIKE '%/a/relative' OR url LIKE '%/a/timestamp' OR url LIKE '%/a/yearless'")
    assert cli.main(["reextract", "--config", str(config_path)]) == 0
    assert "3 changed" in capsys.readouterr().out  # the text is the same: the dates alone are written
    again = {row[0]: tuple(row[1:]) for row in run_read_query(store, sql).rows}
    day, at, fetched = again["/a/relative"]
    assert abs(at - (fetched - timedelta(hours=3))) < timedelta(seconds=1)  # the fetch's clock, not the reextract's
    assert day == (fetched - timedelta(hours=3)).astimezone(UTC).date()
    assert again["/a/timestamp"][0] == MARCH_1 and again["/a/yearless"][0] == march_1
    redated = ("/a/relative", "/a/timestamp")
    assert {path: again[path] for path in again if path not in redated} == {
        path: rows[path] for path in rows if path not in redated}
