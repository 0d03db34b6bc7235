"""The fortieth pass on publication dates (docs/extraction.md, "Fortieth pass, dates"): the classes this pass fixed,
each drawn in every language and both day/month orders the generator prints (`tests.datepageworld`), with guards.
Written before the fixes: the class tests fail on main (0d3862c3)."""

from __future__ import annotations

from datetime import timedelta

from tests.date_batch20 import stored_day
from tests.datepageworld import FETCH_DAY, LANGS, DatePage, render

EVERY_FORM = [(lang, style) for lang in LANGS for style in (0, 1)]
"""Every language the generator prints, each in its two forms (day first and month first in English; a named and a
numeric form in the others)."""
AGED_DAY = FETCH_DAY - timedelta(days=2)
"""A day an age can state ("2 days ago", fetched 4 December 2026)."""


def _label_past_the_byline(lang: str, style: int, paragraphs: int, ways: frozenset[str]) -> DatePage:
    """A story that prints its age under the headline and its day under a label at its end, beside a `DC.date` meta
    of the next day (a CMS record's)."""
    return DatePage(day=AGED_DAY, lang=lang, style=style, paragraphs=paragraphs, ways=ways,
                    distractors=(("dc_date", AGED_DAY + timedelta(days=1)),))


def test_a_label_past_the_bylines_reach_beats_a_dc_date_beside_the_age() -> None:
    """Random draw (session 38, main and base alike; `test_date_rules_combined`, invariant 3): "2 days ago" under the
    headline, "Published on December 2, 2026" after ten or more paragraphs, a `DC.date` of the 3rd: the 3rd was
    stored. A shorter story's label is in the byline reader's reach and beat the meta (thirty-fifth pass); past it,
    `labelleddates.labelled_over` stands aside for the age, and the age gives way to a generic meta
    (`documented_day`). A day the story prints under its own label now beats a generic date meta on another day
    wherever it is (`genericmetas.story_day_over_generic`), in every language and order."""
    missed = [page.shown() for lang, style in EVERY_FORM for paragraphs in (10, 16)
              if stored_day(*render(page := _label_past_the_byline(lang, style, paragraphs,
                                                                   frozenset({"age", "labelled"})))) != AGED_DAY]
    assert missed == []


def test_the_age_alone_still_gives_way_to_a_dc_date() -> None:
    """Guard: without the label, the documented `DC.date` beside an age alone (`documented_day`) is kept."""
    page = _label_past_the_byline("de", 1, 12, frozenset({"age"}))
    assert stored_day(*render(page)) == AGED_DAY + timedelta(days=1)


def test_a_label_does_not_beat_a_dc_date_on_a_page_whose_url_names_that_day() -> None:
    """Guard: a labelled day is not the story's on a page whose URL names the meta's day (`labelled_over`'s
    rule): the URL's day and the meta agree, and are stored."""
    meta_day = AGED_DAY + timedelta(days=1)
    html, _ = render(_label_past_the_byline("en", 0, 12, frozenset({"age", "labelled"})))
    url = f"https://www.example.org/{meta_day:%Y/%m/%d}/council-school-budget.html"
    assert stored_day(html, url) == meta_day

