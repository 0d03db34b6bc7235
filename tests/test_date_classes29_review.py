"""Review of the twenty-ninth pass's rule (docs/extraction.md, "Twenty-ninth pass, dates", *Review*): hostile
`<time>` elements whose `datetime` is the publication's instant while their text is not its day."""

from __future__ import annotations

from datetime import date

import pytest

from tests.date_batch20 import stored_day
from tests.date_batch29 import MARCH_12, MARCH_13, URL, utc_page


def _time(instant: str, text: str) -> str:
    return f'<time datetime="{instant}">{text}</time>'


@pytest.mark.parametrize(("text", "lang"), [
    ("Updated March 13, 2026", "en"),
    ("Actualizado el 13 de marzo de 2026", "es"),
    ("Mis à jour le 13 mars 2026", "fr"),
])
def test_an_update_day_printed_in_the_publications_time_moves_nothing(text: str, lang: str) -> None:
    # 20:00 Z is a US afternoon story of the 12th; the element's text is an update's day, not the instant's
    html = utc_page("By A. Writer " + _time("2026-03-12T20:00:00Z", text), lang, json_ld="2026-03-12T20:00:00Z")
    assert stored_day(html, URL) == MARCH_12


@pytest.mark.parametrize(("lang", "instant", "text", "day"), [
    # London (en-GB) puts 08:30 Z on the 13th: a 12 March printed for it is another day than the instant's
    ("en-GB", "2026-03-13T08:30:00Z", "12 March 2026", MARCH_13),
    ("en-IE", "2026-03-12T14:00:00Z", "13 March 2026", MARCH_12),
    # where the region's zone puts the instant on the printed day, the day is still moved: 23:30 Z in July is
    # 00:30 on the 13th in London (British summer time)
    ("en-GB", "2026-07-12T23:30:00Z", "13 July 2026", date(2026, 7, 13)),
])
def test_a_printed_day_the_declared_regions_zone_does_not_give_moves_nothing(
        lang: str, instant: str, text: str, day: date) -> None:
    html = utc_page("By A. Writer " + _time(instant, text), json_ld=instant).replace('lang="en"', f'lang="{lang}"')
    assert stored_day(html, URL) == day


@pytest.mark.parametrize("instant", [
    "2026-03-12T12:00:00Z",  # 14:00 in Cairo, whose reckoning may start Ramadan a day apart from Umm al-Qura's
    "2026-03-12T16:30:00Z",  # after sunset in Cairo: a Hijri day counted from sunset is the next one
])
def test_a_hijri_day_printed_in_the_publications_time_moves_nothing(instant: str) -> None:
    # "24 Ramadan 1447" is 13 March 2026 by Umm al-Qura's table, printed here for a time of the 12th: the rule reads
    # only a civil (Gregorian) day printed for the instant, and the time stays on its UTC day, as on the starting code
    html = utc_page(_time(instant, "الجمعة 24 رمضان 1447 هـ"), json_ld=instant).replace('lang="en"', 'lang="ar"')
    assert stored_day(html, "https://www.example.com/news/12345") == MARCH_12
