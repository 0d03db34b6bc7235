"""A slashed date named by its weekday is read in the order that puts it on that weekday.

An English page that declares no region ("en" on a .com) decided nothing, and "Wed, 03/04/2026" was
read day first: 3 April, a Friday. Drupal's default date format, "D, m/d/Y - H:i" ("Submitted by
... on Thu, 03/12/2026 - 09:15"), is month first, and its day is the one to trust when both readings
fall on the weekday (12 March and 3 December 2026 are both Thursdays). Found by dates15's review.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.test_date_classes import STORY, TITLE, stored


def _page(byline: str, lang: str = "en") -> str:
    return (f'<html lang="{lang}"><head><title>{TITLE}</title></head><body><div id="page"><div id="main">'
            f'<h1 class="title">{TITLE}</h1><div class="node"><div class="submitted">{byline}</div>{STORY}</div>'
            "</div></div></body></html>")


@pytest.mark.parametrize(("byline", "day"), [
    ("Submitted by A. Writer on Wed, 03/04/2026 - 09:15", date(2026, 3, 4)),  # 3 April is a Friday
    ("Posted Wednesday, 03/04/2026", date(2026, 3, 4)),
    ("Posted Friday, 03/04/2026", date(2026, 4, 3)),  # 4 March is a Wednesday
    ("Fri, 04/03/2026 - 09:15", date(2026, 4, 3)),
    ("By A. Writer | Wed 06/05/2026", date(2026, 5, 6)),  # day first, as the weekday says
    ("Submitted by A. Writer on Thu, 03/12/2026 - 09:15", date(2026, 3, 12)),  # both Thursdays: Drupal's m/d/Y
])
def test_the_weekday_settles_which_of_day_and_month_comes_first(byline: str, day: date) -> None:
    assert stored(_page(byline))[0] == day


def test_a_weekday_that_fits_neither_reading_decides_nothing() -> None:
    """"Mon, 03/04/2026" is neither 3 April (Fri) nor 4 March (Wed): the page's language decides, as before
    (a UK page: day first)."""
    assert stored(_page("Mon, 03/04/2026", lang="en-GB"))[0] == date(2026, 4, 3)


def test_a_word_that_starts_like_a_weekday_names_none() -> None:
    """"Monument 03/04/2026" is no weekday: a US page stays month first."""
    assert stored(_page("Monument 03/04/2026", lang="en-US"))[0] == date(2026, 3, 4)
