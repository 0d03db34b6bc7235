# ruff: noqa: RUF001  (Arabic letters and Persian digits are the pages' own)
"""The tenth pass on publication dates: the classes the ninth pass left, regions and CMSs still thin
in the batches, and markup classes (docs/extraction.md, "Tenth date pass").

The batch (`tests/date_batch11.py`, hand-written pages, none copied from a site) runs through the
whole extraction, htmldate included; on integ11's code 51 of its 57 pages and none of its 5 yearless
bylines were right, and 18 of the 23 pages and none of the 6 bylines written after the rules. The
tests after it pin each rule's edges. The whole run is in tests/test_date_classes10.py."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from newsflow.articledates import article_dates
from newsflow.declareddates import evidenced_order
from newsflow.extract import extract_article
from newsflow.extract import page_tree as load_html
from newsflow.printeddates import MONTHS, first_date
from newsflow.yearless import byline_month_day, month_day_patterns
from tests.date_batch10 import COM, MARCH_4, ld, meta
from tests.date_batch11 import AFTER, PAGES, YEARLESS_AFTER, YEARLESS_LEFT
from tests.test_date_classes import STORY, page, stored

CLASS_PAGES = PAGES + AFTER


@pytest.mark.parametrize(("name", "html", "url", "day"), CLASS_PAGES, ids=[entry[0] for entry in CLASS_PAGES])
def test_a_class_page_is_dated_to_its_day(name: str, html: str, url: str, day: date | None) -> None:
    assert stored(html, url)[0] == day, name


@pytest.mark.parametrize(("lang", "byline", "month_day"), [(lang, byline, (3, 4)) for lang, byline in YEARLESS_LEFT]
                         + [(lang, byline, (11, 9)) for lang, byline in YEARLESS_AFTER])
def test_a_numeric_day_and_month_with_a_clock_is_a_yearless_byline(lang: str, byline: str,
                                                                    month_day: tuple[int, int]) -> None:
    article = extract_article(page(byline, lang), COM)
    assert article is not None and (article.published_date, article.published_month_day) == (None, month_day)


# --- the rules' edges -------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "byline"), [
    ("en", "4/3 10:30"),  # a plain `en` page of no known order: March or April
    ("zh", "03-04"), ("vi", "4/3"),  # no clock: a score, a fraction, a page number
    ("vi", "Đội tuyển thắng 4/3 trong trận đấu tối qua lúc 20:30"),  # a story's line
])
def test_no_yearless_numeric_date_without_a_known_order_a_clock_or_a_bylines_few_words(lang: str,
                                                                                      byline: str) -> None:
    article = extract_article(page(byline, lang), COM)
    assert article is not None and article.published_month_day is None


def test_the_numeric_order_is_asked_only_when_such_a_byline_is_there() -> None:
    asked: list[bool] = []

    def order() -> str:
        asked.append(True)
        return "dmy"

    patterns = month_day_patterns(MONTHS)
    assert byline_month_day(["By A. Writer", "Mar 4, 10:30"], patterns, MONTHS, order) == (3, 4) and not asked
    assert byline_month_day(["By A. Writer", "4/3 10:30"], patterns, MONTHS, order) == (3, 4) and asked


@pytest.mark.parametrize(("text", "day"), [
    ("2026. gada 17. februāris", date(2026, 2, 17)), ("2026. gada 17. februārī", date(2026, 2, 17)),
    ("2025.gada 1.decembrī", date(2025, 12, 1)), ("Publicēts: 2026. gada 4. martā 10:30", MARCH_4),
    ("2026 m. kovo 4 d.", MARCH_4), ("04 марти 2026", MARCH_4),
])
def test_latvian_lithuanian_and_tajik_dates_are_read(text: str, day: date) -> None:
    found = first_date(text, named=True)
    assert found is not None and found[1] == day


@pytest.mark.parametrize("text", ["2026. gada budžets", "2026. gada 17. sēde", "17. februāris"])
def test_no_latvian_date_without_its_day_month_and_year(text: str) -> None:
    assert first_date(text, named=True) is None


def _slashed_ld_page(head: str = "", story: str = STORY) -> str:
    return page(head=ld(datePublished="03/04/2026") + head, story=story)


@pytest.mark.parametrize(("head", "story", "order"), [
    (ld(dateModified="03/13/2026"), STORY, "mdy"),  # an unambiguous slashed date the page declares
    (ld(dateModified="13/03/2026"), STORY, "dmy"),
    (meta("article:modified_time", "2026-03-04T18:00:00Z"), STORY, "mdy"),  # the day the page states in ISO form
    (meta("article:modified_time", "2026-03-20T18:00:00Z"), STORY, "mdy"),  # 3 April is after the update
    ('<link rel="canonical" href="https://www.example.com/2026/04/story">', STORY, "dmy"),  # the URL's month
    ("", STORY + '<p><time datetime="2026-04-03">Friday</time></p>', "dmy"),
    ("", STORY, None),  # nothing decides
    (meta("article:modified_time", "2026-05-01T18:00:00Z"), STORY, None),  # both readings before the update
])
def test_the_order_of_a_slashed_json_ld_date_comes_from_the_pages_other_declared_dates(
        head: str, story: str, order: str | None) -> None:
    assert evidenced_order(load_html(_slashed_ld_page(head, story)), "03/04/2026") == order


def test_a_slashed_json_ld_date_nothing_orders_keeps_htmldates_day_first_reading() -> None:
    assert stored(_slashed_ld_page(), COM)[0] == date(2026, 4, 3)


_ALT = '<img src="/p.jpg" alt="Protest on 12 January 2026 in the capital">'


def test_a_day_only_an_images_alt_text_names_does_not_date_the_page() -> None:
    assert stored(page(story=_ALT + STORY), COM)[0] is None


def test_an_images_day_that_the_byline_states_too_dates_the_page() -> None:
    assert stored(page("12 January 2026", story=_ALT + STORY), COM)[0] == date(2026, 1, 12)


def test_an_images_day_that_the_url_states_too_dates_the_page() -> None:
    assert stored(page(story=_ALT + STORY), "https://www.example.com/2026/01/12/story")[0] == date(2026, 1, 12)


# --- a feed's date and the page's a time zone apart (guards: right on integ11 too) ----------------

_FETCHED = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
_GMT_EVENING = datetime(2026, 3, 3, 20, 30, tzinfo=UTC)
FEED_AND_PAGE = [  # (name, html, url, the feed's time, the feed's own day, the publisher's day)
    ("ld-local-feed-gmt", page(head=ld(datePublished="2026-03-04T03:30:00+07:00"), lang="id"),
     "https://www.example.co.id/1", _GMT_EVENING, date(2026, 3, 3), MARCH_4),
    ("feed-local-page-utc", page(head=ld(datePublished="2026-03-05T02:30:00Z")), COM,
     datetime(2026, 3, 4, 21, 30, tzinfo=timezone(timedelta(hours=-5))), MARCH_4, MARCH_4),
    ("printed-jst-feed-gmt", page("2026年3月4日 7時30分", "ja"), "https://www.example.jp/1",
     datetime(2026, 3, 3, 22, 30, tzinfo=UTC), date(2026, 3, 3), MARCH_4),
    ("printed-ist-feed-gmt", page("March 4, 2026 01:30 AM IST"), "https://www.example.in/1",
     datetime(2026, 3, 3, 20, 0, tzinfo=UTC), date(2026, 3, 3), MARCH_4),
    ("feed-offset-page-bare", page("4 March 2026"), "https://www.example.com.au/1",
     datetime(2026, 3, 4, 8, 0, tzinfo=timezone(timedelta(hours=11))), MARCH_4, MARCH_4),
    ("feed-gmt-no-page-date", page(), "https://www.example.co.nz/1",
     datetime(2026, 3, 3, 19, 0, tzinfo=UTC), date(2026, 3, 3), MARCH_4),
    ("feed-gmt-page-evening-before", page("03/03/2026 21h30", "pt-BR"), "https://www.example.com.br/1",
     datetime(2026, 3, 4, 0, 30, tzinfo=UTC), MARCH_4, date(2026, 3, 3)),
]


@pytest.mark.parametrize(("name", "html", "url", "feed_at", "feed_day", "day"), FEED_AND_PAGE,
                         ids=[entry[0] for entry in FEED_AND_PAGE])
def test_a_feed_date_a_time_zone_from_the_pages_gives_the_publishers_day(
        name: str, html: str, url: str, feed_at: datetime, feed_day: date, day: date) -> None:
    article = extract_article(html, url)
    assert article is not None and article_dates(article, feed_at, feed_day, _FETCHED, url)[1] == day, name


@pytest.mark.parametrize(("text", "day"), [
    ("1447/09/15 هـ", MARCH_4), ("15/09/1447هـ", MARCH_4), ("15-09-1447 هـ", MARCH_4),
    ("الموافق 15/09/1447 هـ", MARCH_4),
    ("1447/09/15", None),  # no era mark: no date of any calendar we read
    ("1447/13/15 هـ", None),  # no thirteenth month
    ("۱۴۰۴/۱۱/۲۸", date(2026, 2, 17)),  # a Jalali date stays one
])
def test_a_numeric_hijri_date_is_read_only_with_its_era_mark(text: str, day: date | None) -> None:
    found = first_date(text, named=True)
    assert (found[1] if found is not None else None) == day
