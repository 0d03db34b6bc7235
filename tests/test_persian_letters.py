"""A Solar Hijri date written with the Arabic yeh and kaf (session 24): Iranian sites' CMSs and keyboards write
"تير", "دي", "شهريور" with the Arabic letters (U+064A, U+0643), and the month names were matched in the Persian ones
(U+06CC, U+06A9) only, so aryanews.com's "2 تير 1399 - 12:09:08 ب.ظ" (22 June 2020) was no date and the page was
stored on another day. Pages and texts written here by hand."""

from __future__ import annotations

from datetime import date

import pytest

from newsflow.worlddates import calendar_dates
from tests.test_date_classes import page, stored


@pytest.mark.parametrize(("text", "day"), [
    ("2 تير 1399 - 12:09:08 ب.ظ", date(2020, 6, 22)),  # the Arabic yeh
    ("2 تیر 1399", date(2020, 6, 22)),  # the Persian yeh, as before
    ("15 دي 1402", date(2024, 1, 5)),
    ("1403 شهريور 10", date(2024, 8, 31)),
    ("شهريور 10، 1403", date(2024, 8, 31)),
])
def test_a_solar_month_in_arabic_letters_is_read(text: str, day: date) -> None:
    assert [date(*found[1:]) for found in calendar_dates(text)] == [day]


def test_the_translation_keeps_each_dates_position() -> None:
    text = "خبر ويژه كه در 2 تير 1399 منتشر شد"
    [(position, *_)] = calendar_dates(text)
    assert text[position:].startswith("2 تير")


@pytest.mark.parametrize("byline", ["۲ تير ۱۳۹۹ - ۱۲:۰۹:۰۸ ب.ظ", "دوشنبه ۲ تير ۱۳۹۹", "2 تير 1399 - 12:09:08 ب.ظ"])
def test_a_persian_page_dated_in_arabic_letters_is_stored_on_its_day(byline: str) -> None:
    html = page(byline, lang="fa")
    assert stored(html, "https://www.example.ir/news/12345")[0] == date(2020, 6, 22)


def test_an_arabic_page_is_not_read_as_a_solar_date() -> None:
    """An Arabic text's words are no solar month: a Hijri year (1445) is out of the solar years read (1369-1409)."""
    assert calendar_dates("نشر في 12 ذو القعدة 1445 هـ، وقال مدير الكلية في 3 شوال 1445") == []
