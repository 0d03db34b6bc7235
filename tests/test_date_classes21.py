# ruff: noqa: RUF001  (letters of other scripts are the dates' own)
"""The twenty-first pass on publication dates (docs/extraction.md, "Twenty-first pass, dates"): pages dated only
by a Unix time in a generic-named `data-` attribute in the byline, by a slashed Minguo year ("115/03/12"), by
Pashto solar month names (year first, "۱۴۰۴ کب ۲۱") or by romanised Persian months ("21 Esfand 1404").

The batch (`tests/date_batch21.py`; both sets written before any rule) runs through the whole extraction,
htmldate included: on the branch's starting code (6df9fa3) 1 of its 11 pages (the guard) and 1 of the 10 of its
second set were right; now all 21. The tests after it pin each rule's edges.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from newsflow.articledates import article_dates
from newsflow.extract import extract_article, page_tree
from newsflow.pagedates import attribute_published, byline_stamp
from newsflow.printeddates import ASCII_DIGITS
from newsflow.worlddates import _SOLAR_MONTHS, calendar_dates, jalali_to_gregorian
from tests.date_batch20 import AGE_PAGES_LEFT, FETCHED, stored_day
from tests.date_batch21 import (
    DEC_2,
    EPOCH_FEB_3,
    EPOCH_MARCH_12,
    MARCH_12,
    NEWS,
    NOV_30,
    PAGES,
    PAGES_AFTER,
    PROSE_PAGES,
    PROSE_PAGES_AFTER,
    prose_page,
)
from tests.test_date_classes import STORY, article_ld, page

BATCH = PAGES + PAGES_AFTER + PROSE_PAGES + PROSE_PAGES_AFTER
# the twentieth pass's left pages whose story names an event's day (its Persian cookie page is still left)
BATCH += [entry for entry in AGE_PAGES_LEFT if "prose" in entry[0]]


@pytest.mark.parametrize(("name", "html", "url", "day"), BATCH, ids=[entry[0] for entry in BATCH])
def test_a_batch21_page_is_stored_on_its_day(name: str, html: str, url: str, day: date | None) -> None:
    assert stored_day(html, url) == day, name


def days(text: str) -> list[date]:
    return [date(year, month, day) for _, year, month, day in calendar_dates(text)]


# --- a generic-named timestamp in the byline ----------------------------------------------------------------


def test_a_generic_stamp_counts_only_between_the_headline_and_the_story() -> None:
    stamp = f'<span data-timestamp="{EPOCH_MARCH_12}"></span>'
    assert byline_stamp(page_tree(page(stamp))) is not None
    below = page("", story=STORY + f"<p>{stamp}A reader's note.</p>")  # after the first paragraph
    assert byline_stamp(page_tree(below)) is None
    assert stored_day(below, NEWS) is None


def test_a_generic_stamp_in_a_related_block_above_the_story_is_not_the_storys() -> None:
    related = f'<ul class="related"><li><a href="/o">Other</a> <span data-time="{EPOCH_FEB_3}"></span></li></ul>'
    assert byline_stamp(page_tree(page("", story=related + STORY))) is None


def test_a_generic_stamp_beyond_the_byline_reach_is_not_read() -> None:
    filler = "<span>·</span>" * 45
    assert byline_stamp(page_tree(page(filler + f'<span data-timestamp="{EPOCH_MARCH_12}"></span>'))) is None


def test_a_stamp_named_for_the_publication_beats_a_generic_one() -> None:
    html = page(f'<span data-timestamp="{EPOCH_MARCH_12}"></span><span data-publish-time="{EPOCH_FEB_3}"></span>')
    moment = attribute_published(page_tree(html))
    assert moment is not None and moment.date() == date(2026, 2, 3)


def test_a_generic_stamp_is_a_last_resort_a_declared_publication_beats_it() -> None:
    html = page(f'<span data-timestamp="{EPOCH_MARCH_12}"></span>', head=article_ld("2026-02-03T08:00:00Z"))
    assert stored_day(html, NEWS) == date(2026, 2, 3)


@pytest.mark.parametrize("value", ["12345", "2026-03-12", "17733114001", "abc1773311400"])
def test_a_generic_attribute_that_is_no_unix_time_is_not_read(value: str) -> None:
    assert byline_stamp(page_tree(page(f'<span data-date="{value}">Thursday</span>'))) is None


# --- Minguo years slashed -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "found"), [
    ("115/03/12 10:30", [MARCH_12]),
    ("發布時間：115/03/12", [MARCH_12]),
    ("發布時間：115-03-12", []),  # review: dashed is a phone number's tail as often ("(495) 111-03-12")
    ("新聞 100/01/01", [date(2011, 1, 1)]),
    ("100/01/01", []),  # review: bare, without a Han character or a clock time after it, a reference or a score

    ("2026/03/12", []),  # a Gregorian year
    ("1115/03/12", []),
    ("115/3/12", []),  # a month not written with two digits
    ("115/03-12", []),  # two separators
    ("99/03/12", []),
    ("120/03/12", []),
    ("115/03/12/4", []),
    ("115.03.12", []),
])
def test_a_slashed_minguo_year_is_read_with_two_digit_month_and_day(text: str, found: list[date]) -> None:
    assert days(text) == found


# --- the solar calendar: Pashto names, year first, month first, romanised ------------------------------------

PASHTO = ["وری", "غویی", "غبرګولی", "چنګاښ", "زمری", "وږی", "تله", "لړم", "لیندۍ", "مرغومی", "سلواغه", "کب"]
ROMANISED = ["Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar", "Mehr", "Aban", "Azar", "Dey",
             "Bahman", "Esfand"]


def test_each_pashto_and_romanised_month_is_its_solar_month() -> None:
    for index, (pashto, romanised) in enumerate(zip(PASHTO, ROMANISED, strict=True)):
        assert _SOLAR_MONTHS[pashto] == _SOLAR_MONTHS[romanised] == index + 1


@given(st.integers(1369, 1409), st.integers(1, 12), st.integers(1, 29), st.sampled_from(["pashto", "romanised"]),
       st.sampled_from(["dmy", "ymd", "mdy"]))
@example(1404, 12, 21, "pashto", "ymd")
@example(1404, 12, 21, "romanised", "dmy")
def test_a_solar_date_in_any_order_and_spelling_is_its_gregorian_day(
        year: int, month: int, day: int, names: str, order: str) -> None:
    name = (PASHTO if names == "pashto" else ROMANISED)[month - 1]
    text = {"dmy": f"{day} {name} {year}", "ymd": f"{year} {name} {day}", "mdy": f"{name} {day}, {year}"}[order]
    assert days(text) == [jalali_to_gregorian(year, month, day)]


@pytest.mark.parametrize("text", [
    "1445 کب 21",  # a Hijri year is no solar one
    "تله 12 نفر",  # a Pashto month's name beside a count, no year
    "Tirana 12, 1404",  # a name inside a word
    "Mehr 12",
    "Sono 12 dei 1400 lavoratori",  # review: Italian "12 of the 1400 workers" (read in any case, 2 January 2022)
    "1400 tir 12",  # review: a lowercase word is no romanised month
])
def test_a_solar_month_name_without_its_date_is_no_date(text: str) -> None:
    assert days(text) == []


# --- review: numbers that look like a slashed Minguo year or a romanised month, on real pages --------------------
RU = "https://www.example.ru/news/1"


@pytest.mark.parametrize(("name", "html", "url", "day"), [
    ("ru-phone-before-date", page("Тел. редакции: 8 (495) 111-03-12 · 5 марта 2026", "ru"), RU, date(2026, 3, 5)),
    ("ru-phone-only", page("Тел.: +7 (495) 111-03-12", "ru"), RU, None),
    ("score-before-date", page("Score 110/11/05 · March 5, 2026"), NEWS, date(2026, 3, 5)),
    ("reference-only", page("Ref. 112/05/09"), NEWS, None),
    ("it-count-before-date", page("12 dei 1400 lavoratori · 5 marzo 2026", "it"), "https://www.example.it/x/1",
     date(2026, 3, 5)),
])
def test_a_number_like_a_world_date_does_not_date_the_page(name: str, html: str, url: str, day: date | None) -> None:
    assert stored_day(html, url) == day, name


@pytest.mark.parametrize("text", [
    "1404 " * 5000 + "کب",
    "کب 1 " * 5000,
    "115/" * 5000,
    "115/03" * 5000,
    "Esfand " * 5000 + "21,",
])
def test_the_new_patterns_are_linear_on_long_inputs(text: str) -> None:
    started = time.process_time()
    calendar_dates(text)
    assert time.process_time() - started < 1.0


# --- an event's day in the story's sentences, on a page that states only its age ----------------------------

SENTENCE = ("The council, which first met on 30 November 2026 to discuss the plan, approved the budget for schools "
            "on Tuesday.")


def test_an_event_day_in_a_sentence_gives_way_to_the_age() -> None:
    assert stored_day(prose_page("2 days ago", "en", SENTENCE), NEWS) == DEC_2


@pytest.mark.parametrize(("name", "html"), [
    ("a meta gives the day", prose_page("2 days ago", "en", SENTENCE).replace(
        "</head>", '<meta name="sailthru.date" content="2026-11-30T20:00:00Z"></head>')),
    ("a <time> in the story gives it", prose_page(
        '2 days ago <time datetime="2026-11-30T20:00:00Z">Monday</time>', "en", SENTENCE)),
    ("a dateline prints it", page("2 days ago", story=f"<p>30 November 2026</p><p>{SENTENCE}</p>{STORY}")),
    ("the day is in a heading, no sentence", page("2 days ago", story=(
        "<p>Council approves the plan it first discussed on 30 November 2026</p>" + STORY))),
])
def test_a_day_the_page_also_states_otherwise_than_in_a_sentence_is_kept(name: str, html: str) -> None:
    assert stored_day(html, NEWS) == NOV_30, name


def test_a_page_with_a_declared_date_is_not_dated_by_its_age() -> None:
    html = prose_page("2 days ago", "en", SENTENCE).replace("</head>", article_ld("2026-11-29T08:00:00Z") + "</head>")
    assert stored_day(html, NEWS) == date(2026, 11, 29)


@pytest.mark.parametrize("name", ["data-timestamp", "data-time", "data-date", "data-epoch", "data-unix", "data-ts",
                                  "DATA-TIMESTAMP"])
def test_each_generic_name_is_read_in_the_byline(name: str) -> None:
    moment = byline_stamp(page_tree(page(f'<span {name}="{EPOCH_MARCH_12 * 1000}">Thursday</span>')))
    assert moment is not None and moment.date() == MARCH_12


@pytest.mark.parametrize("text", ["21 Espand 1404", "21 ESFAND 1404", "1404 Esfand 21"])  # review: not "esfand"
def test_romanised_spellings_and_cases_are_read(text: str) -> None:
    assert days(text) == [MARCH_12]


@pytest.mark.parametrize(("text", "found"), [
    ("12 Dei 1404", [date(2026, 1, 2)]),
    ("10 Amordad 1404", [jalali_to_gregorian(1404, 5, 10)]),
    ("۱۴۰۴ وري ۱", [date(2025, 3, 21)]),  # Arabic yeh
    ("1404 غبرگولی 1", [jalali_to_gregorian(1404, 3, 1)]),  # a Persian gaf for Pashto's own
])
def test_the_other_spellings_of_the_solar_months_are_read(text: str, found: list[date]) -> None:
    assert days(text.translate(ASCII_DIGITS)) == found


def test_the_earliest_generic_stamp_in_the_byline_is_the_publication() -> None:
    byline = (f'Updated <span data-timestamp="{EPOCH_MARCH_12}"></span> · '
              f'Published <span data-timestamp="{EPOCH_FEB_3}"></span>')
    assert stored_day(page(byline), NEWS) == date(2026, 2, 3)


def test_a_render_stamp_in_the_byline_does_not_move_a_feeds_earlier_day() -> None:
    # review: a generic name also carries the server's now (a cache-buster, a render stamp); the feed's earlier day
    # still dates the item, as a page's day after the feed's is not taken
    html = page(f'<span class="share" data-ts="{int(FETCHED.timestamp())}"></span>')
    article = extract_article(html, NEWS)
    assert article is not None and article.published_at is not None  # the stamp is read: the page's render day
    feed_at = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert article_dates(article, feed_at, feed_at.date(), FETCHED, NEWS)[1] == feed_at.date()
