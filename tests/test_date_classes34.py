"""The thirty-third pass on publication dates (docs/extraction.md, "Thirty-third pass, dates"): what the generated
pages (`tests/datepageworld.py`, `utc_author_pages`, the "self_link" way) found once the thirty-second pass's two rules
were drawn with the other signals, each written as a test before its change.

1. `headline_date.authored_day` read the day in its own element after the author's name's element only with no
   letter before it: a weekday's name there ("By A. Writer ·" <span>Friday March 13, 2026</span>, "Par A. Auteur ·"
   <span>vendredi 13 mars 2026</span>) left a morning's UTC time east of UTC on the day before.
"""

from __future__ import annotations

from datetime import date

import pytest

from newsflow.extract import page_tree
from newsflow.headline_date import authored_day
from tests.date_batch20 import stored_day
from tests.date_batch29 import MARCH_13, URL, utc_page

WEEKDAY_ELEMENTS = [
    ("en", "By A. Writer ·", "Friday March 13, 2026"),
    ("en", "By A. Writer ·", "Friday, 13 March 2026"),
    ("en", "By A. Writer |", "Fri March 13, 2026"),
    ("fr", "Par A. Auteur ·", "vendredi 13 mars 2026"),
    ("fr", "Par A. Auteur ·", "Vendredi 13/03/2026"),
    ("es", "Por A. Autor ·", "viernes 13 de marzo de 2026"),
    ("es", "Por A. Autor |", "viernes, 13/03/2026"),
    ("de", "Von A. Autor ·", "Fr, 13.03.2026"),
    ("pt", "Por A. Autor |", "sexta-feira, 13 de março de 2026"),
]


@pytest.mark.parametrize(("lang", "name", "day"), WEEKDAY_ELEMENTS)
def test_a_weekday_before_the_day_in_its_own_element_after_the_authors_is_read(lang: str, name: str, day: str) -> None:
    """Shrunk (seed 1): day 2026-03-13, en, "Z+" (a `datePublished` of 2026-03-12T23:00:00Z), byline "By A. Writer ·"
    then "Friday March 13, 2026" in its own element: stored the 12th, the UTC day; a reader sees the 13th."""
    html = utc_page(f'<span class="author">{name}</span> <span class="when">{day}</span>', lang,
                    json_ld="2026-03-12T23:00:00Z")
    assert authored_day(page_tree(html)) == MARCH_13
    assert stored_day(html, URL) == MARCH_13


@pytest.mark.parametrize("day", ["Print Edition March 13, 2026", "Friday Print Edition March 13, 2026",
                                 "Weekend March 13, 2026"])
def test_a_label_in_its_own_element_after_the_authors_is_still_not_read(day: str) -> None:
    """Guard: a label's words before the day in its own element are no weekday's: its day is not the author's."""
    html = utc_page(f'<span class="author">By A. Writer ·</span> <span class="when">{day}</span>',
                    json_ld="2026-03-12T20:00:00Z")
    assert authored_day(page_tree(html)) is None
