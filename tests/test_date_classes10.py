# ruff: noqa: RUF001  (Greek capitals, a dotless i and fullwidth punctuation are the pages' own)
"""The ninth pass on publication dates: classes of news page from regions our corpora under-represent,
and markup classes (docs/extraction.md, "Ninth date pass").

The batch (`tests/date_batch10.py`, 81 hand-written pages, none copied from a site) runs through the
whole extraction, htmldate included; on main's code 66 of them were right. The tests after it pin
each rule's edges, and the run at the end serves a page of each new class under a feed without dates,
reads the stored days back from the warehouse, and re-extracts them: a reextract gives the same day."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, timedelta
from pathlib import Path

import pytest

from newsflow import cli
from newsflow.config import load_config
from newsflow.datechecks import url_day
from newsflow.extract import extract_article
from newsflow.extract import page_tree as load_html
from newsflow.headline_date import headline_date
from newsflow.pagedates import first_live_post
from newsflow.printeddates import MONTHS, first_date
from newsflow.relativedates import relative_age
from newsflow.runner import run_ingest
from newsflow.tabledcalendars import on_the_named_weekday
from newsflow.warehouse import Warehouse, run_read_query
from newsflow.worlddates import with_day_numbers
from newsflow.yearless import in_the_fetch_year
from tests.conftest import write_config
from tests.date_batch10 import (
    BATCH,
    COM,
    FRESH,
    LIVE_NO_LD,
    MARCH_4,
    MARKUP_AND_WORLD,
    RELATIVE,
    TODAY_YESTERDAY,
    TRICKY,
    YEARLESS,
    ld,
    meta,
)
from tests.date_batch11 import PAGES as TENTH_PASS
from tests.localserver import LocalServer, Page
from tests.test_date_classes import STORY, page, stored

CLASS_PAGES = BATCH + FRESH + MARKUP_AND_WORLD


@pytest.mark.parametrize(("name", "html", "url", "day"), CLASS_PAGES, ids=[entry[0] for entry in CLASS_PAGES])
def test_a_class_page_is_dated_to_its_day(name: str, html: str, url: str, day: date) -> None:
    assert stored(html, url)[0] == day, name


@pytest.mark.parametrize(("name", "html", "day"), TRICKY, ids=[entry[0] for entry in TRICKY])
def test_a_tricky_page_is_dated_to_its_day(name: str, html: str, day: date | None) -> None:
    assert stored(html, COM)[0] == day, name


@pytest.mark.parametrize(("lang", "text"), RELATIVE)
def test_a_relative_time_in_more_languages_gives_the_pages_age(lang: str, text: str) -> None:
    assert stored(page(text, lang), COM) == (None, timedelta(hours=3))


@pytest.mark.parametrize(("lang", "byline"), YEARLESS)
def test_a_bylines_day_without_its_year_is_returned_for_the_fetch_to_date(lang: str, byline: str) -> None:
    article = extract_article(page(byline, lang), COM)
    assert article is not None and (article.published_date, article.published_month_day) == (None, (3, 4))


@pytest.mark.parametrize("story", ["<p>3月4日に開かれた会議で、市は予算を承認した。</p>",
                                   "<p>Belediye meclisi 4 Mart günü toplandı ve okulların bütçesini onayladı.</p>"])
def test_a_story_line_naming_a_day_is_no_yearless_byline(story: str) -> None:
    article = extract_article(page(story=story + STORY), COM)
    assert article is not None and article.published_month_day is None


@pytest.mark.parametrize(("lang", "text", "days"), TODAY_YESTERDAY)
def test_today_and_yesterday_in_more_languages_give_an_age_in_days(lang: str, text: str, days: int) -> None:
    assert stored(page(text, lang), COM) == (None, timedelta(days=days))


@pytest.mark.parametrize("text", ["πριν από τις εκλογές 3 ώρες", "לפני 300 שנה", "acum", "3 órás út", "saa 3"])
def test_words_near_a_count_are_no_relative_time_without_their_cue(text: str) -> None:
    assert relative_age([text]) is None


# --- the rules' edges -------------------------------------------------------------------------


@pytest.mark.parametrize(("printed", "month"), [("KASIM", 11), ("ARALIK", 12), ("NİSAN", 4), ("ŞUBAT", 2),
                                                ("ΜΑΡΤΙΟΥ", 3), ("ΜΑΪΟΥ", 5), ("MÄRZ", 3)])
def test_a_month_name_in_capitals_is_its_month(printed: str, month: int) -> None:
    # "KASIM".lower() is "kasim", not the name with a dotless i: the lookup raised a KeyError, and
    # the page was stored without a date
    assert MONTHS[printed.lower()] == month
    assert first_date(f"04 {printed} 2025", named=True) == (0, date(2025, month, 4))


def test_danish_marts_is_march() -> None:
    assert first_date("4. marts 2026", named=True) == (0, MARCH_4)  # it was January


@pytest.mark.parametrize(("text", "day"), [
    ("4 III 2026", MARCH_4), ("04.III.2026", MARCH_4), ("4. XII. 2025", date(2025, 12, 4)),
    ("2026. III. 4.", MARCH_4), ("2026.XI.4", date(2026, 11, 4)),
])
def test_a_roman_numeral_month_is_read(text: str, day: date) -> None:
    assert first_date(text, named=True) == (0, day)


@pytest.mark.parametrize("text", ["Room 4 iii 2026", "4 XIII 2026", "Ward 4 IIII 2026", "Vol. 4 IV"])
def test_no_roman_month_in_lower_case_beyond_twelve_or_without_a_year(text: str) -> None:
    assert first_date(text, named=True) is None


@pytest.mark.parametrize(("words", "day"), [("چهارم", 4), ("دوازدهم", 12), ("هیجدهم", 18), ("بیستم", 20),
                                            ("بیست و یکم", 21), ("بیست و نهم", 29), ("سی‌ام", 30), ("سی و یکم", 31)])
def test_a_persian_ordinal_day_is_its_number(words: str, day: int) -> None:
    line = with_day_numbers(f"{words} فروردین ۱۴۰۵")
    assert line.split()[0] == str(day) and len(line) == len(f"{words} فروردین ۱۴۰۵")


def test_a_printed_weekday_moves_a_hijri_day_at_most_one_day() -> None:
    table_day = date(2026, 3, 4)  # 15 Ramadan 1447 by Umm al-Qura, a Wednesday
    assert on_the_named_weekday(table_day, "الخميس ") == date(2026, 3, 5)  # sighted a day later
    assert on_the_named_weekday(table_day, "الثلاثاء، ") == date(2026, 3, 3)
    assert on_the_named_weekday(table_day, "الأربعاء ") == table_day
    assert on_the_named_weekday(table_day, "السبت ") == table_day  # three days off: no reckoning explains it
    assert on_the_named_weekday(table_day, "") == table_day


@pytest.mark.parametrize(("lang", "byline", "day"), [
    ("en-US", "11.03.17 in Gadgetry", date(2017, 11, 3)),  # an American site's dotted date is month first
    ("he", "פורסם: 04.03.26, 10:30", MARCH_4), ("ru", "04.03.26 10:30", MARCH_4), ("de", "04.03.26", MARCH_4),
])
def test_a_dotted_two_digit_year_is_read_in_the_pages_order(lang: str, byline: str, day: date) -> None:
    assert headline_date(load_html(page(byline, lang))) == day


def test_a_dotted_two_digit_year_on_a_page_of_no_known_order_is_not_read() -> None:
    assert headline_date(load_html(page("04.03.26 10:30", "en"))) is None


@pytest.mark.parametrize(("locale", "day"), [("en_US", MARCH_4), ("en_GB", date(2026, 4, 3)), ("fr_FR", None)])
def test_og_locale_gives_the_order_of_a_plain_en_pages_slashed_json_ld(locale: str, day: date | None) -> None:
    html = page(head=ld(datePublished="03/04/2026") + meta("og:locale", locale))
    # fr_FR says nothing about an English page: htmldate's day-first reading stands
    assert stored(html, COM)[0] == (day or date(2026, 4, 3))


@pytest.mark.parametrize(("url", "day"), [
    ("https://n.example.com/story.aspx?date=20260304&id=9", MARCH_4),
    ("https://n.example.com/a?date=20260304", MARCH_4),
    ("https://n.example.com/a?update=20260304", None), ("https://n.example.com/a?date=202603041", None),
])
def test_a_compact_date_parameter_in_the_url_is_its_day(url: str, day: date | None) -> None:
    assert url_day(url) == day


def test_a_live_blog_is_dated_by_its_first_post_only_when_a_post_was_chosen() -> None:
    from newsflow.dates import parse_local

    tree = load_html(LIVE_NO_LD)
    newest = parse_local("2026-03-06T18:00:00+01:00")
    assert newest is not None and first_live_post(tree, newest).date() == MARCH_4
    elsewhere = parse_local("2026-03-10T09:00:00+01:00")  # not a post's day: left alone
    assert elsewhere is not None and first_live_post(tree, elsewhere) == elsewhere


def test_a_live_ticker_of_other_stories_does_not_date_the_page() -> None:
    ticker = ('<aside class="sidebar"><h3>Live updates</h3>' + "".join(
        f'<div class="live-update"><a href="/l{n}">Other story {n}</a> <time datetime="2026-02-2{n}T09:00:00Z">'
        f"2{n} Feb</time></div>" for n in (1, 2, 3)) + "</aside>")
    assert stored(page("4 March 2026", after=ticker), COM)[0] == MARCH_4


def test_a_live_blog_that_declares_its_start_keeps_it() -> None:
    html = LIVE_NO_LD.replace("</head>", ld(datePublished="2026-03-05T07:00:00+01:00") + "</head>")
    assert stored(html, COM)[0] == date(2026, 3, 5)


# --- a whole run, and a reextract ---------------------------------------------------------------

RUN_CLASSES = ("ja-update-first", "ko-edit-first", "vi-update-first", "th-full-digits", "tr-capitals",
               "el-update-first", "uk-update-first", "he-update-first", "da-update-first", "pl-roman", "hu-roman",
               "fa-day-word-21", "ar-hijri-weekday", "en-com-slashed-ld-us-locale", "pt-br-update-first",
               "live-blog-no-ld", "comments-newer", "amp-timeago", "microdata-span-text")
# the tenth pass's classes (tests/date_batch11.py): Latvian, Tajik, a plain `en` .com's slashed JSON-LD
# ordered by its other dates, a day only an image's alt text names (stored undated), a related aside
RUN_CLASSES11 = ("lv-gada", "lv-gada-locative", "tg-named", "en-com-ld-modified-unambiguous", "en-com-ld-url-month",
                 "image-alt-only", "image-alt-not-the-date", "time-related-aside-before-own",
                 "ld-modified-before-published", "ar-both-calendars", "en-bd-update-first")
RUN_PAGES = {name: (html, day) for name, html, _, day in BATCH if name in RUN_CLASSES}
RUN_PAGES |= {name: (html, day) for name, html, _, day in TENTH_PASS if name in RUN_CLASSES11}
RUN_RELATIVE = {"relative-el": page("πριν από 3 ώρες", "el"), "relative-fa": page("۳ ساعت پیش", "fa")}
RUN_YEARLESS = {"yearless-ja": page("3月4日 10時30分 配信", "ja"), "yearless-tr": page("4 Mart 10:30", "tr"),
                "yearless-zh-dashed": page("03-04 10:30 来源：本报", "zh"),
                "yearless-vi": page("Thứ tư, 4/3 10:30", "vi")}


def _undated_feed(base: str) -> bytes:
    items = "".join(f"<item><title>{name}</title><link>{base}/c/{name}</link></item>"
                    for name in [*RUN_PAGES, *RUN_RELATIVE, *RUN_YEARLESS])
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()


def test_a_run_with_an_undated_feed_dates_each_new_class_and_a_reextract_gives_the_same_day(
        tmp_path: Path, server: LocalServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert len(RUN_PAGES) == len(RUN_CLASSES) + len(RUN_CLASSES11)
    for name, html in [*((name, html) for name, (html, _) in RUN_PAGES.items()), *RUN_RELATIVE.items(),
                       *RUN_YEARLESS.items()]:
        server.add(f"/c/{name}", Page(html.encode()))
    server.add("/undated.xml", Page(_undated_feed(server.base_url), "application/rss+xml"))
    config_path = write_config(tmp_path, server.base_url, {"undated": "/undated.xml"},
                               extract={"timeout": 60.0}, timeout=30.0)
    config = load_config(config_path)
    asyncio.run(run_ingest(config, "run-1"))
    store = Warehouse(config.warehouse_path)
    sql = "SELECT regexp_extract(url, '/c/(.*)$', 1), published_date, published_at, fetched_at FROM articles"
    rows = {row[0]: tuple(row[1:]) for row in run_read_query(store, sql).rows}
    expected = {name: day for name, (_, day) in RUN_PAGES.items()}
    assert {name: rows.get(name, (None,))[0] for name in RUN_PAGES} == expected
    for name in RUN_RELATIVE:  # counted back from the fetch
        _, at, fetched = rows[name]
        assert at is not None and abs(at - (fetched - timedelta(hours=3))) < timedelta(seconds=1), name
    for name in RUN_YEARLESS:  # 4 March in the year that puts it on or before the fetch
        day, _, fetched = rows[name]
        assert day == in_the_fetch_year((3, 4), fetched.astimezone(UTC).date()), name

    # as stored by a version that dated none of them
    with store.writing() as con:
        con.execute("UPDATE articles SET published_at = NULL, published_date = NULL")
    assert cli.main(["reextract", "--config", str(config_path)]) == 0
    undated = sum(day is None for _, day in RUN_PAGES.values())  # stored without a date: nothing to change
    assert f"{len(RUN_PAGES) - undated + len(RUN_RELATIVE) + len(RUN_YEARLESS)} changed" in capsys.readouterr().out
    again = {row[0]: tuple(row[1:]) for row in run_read_query(store, sql).rows}
    assert again == rows  # the relative ages too: from the stored fetch time, not the reextract's clock
