"""The twenty-sixth pass on publication dates (docs/extraction.md, "Twenty-sixth pass, dates (issue 15): a labelled
publication day outside the byline's reach"): "Erschienen am", "Veröffentlicht am", "Published on", "Publié le",
"Publicado el", "Pubblicato il", "Gepubliceerd op" or a blog theme's "This entry was posted on … at …" after the story,
in an info block or above the headline, on a page that declares no publication and prints no byline date.

The batch (`tests/date_batch26.py`) runs through the whole extraction, htmldate included; the tests after it pin the
reader's guards on `labelleddates.labelled_day` itself.
"""

from __future__ import annotations

from datetime import date

import pytest

from newsflow.extract import page_tree
from newsflow.labelleddates import labelled_day
from tests.date_batch20 import stored_day
from tests.date_batch26 import (
    DATE_12,
    HOSTILE_PAGES,
    LABEL_PAGES,
    LABEL_PAGES_AFTER,
    MARCH_12,
    REVIEW_PAGES,
    URL,
    page,
)

ALL_PAGES = LABEL_PAGES + LABEL_PAGES_AFTER + HOSTILE_PAGES


@pytest.mark.parametrize(("name", "html", "url", "day"), ALL_PAGES, ids=[entry[0] for entry in ALL_PAGES])
def test_batch_page_is_stored_with_its_day(name: str, html: str, url: str, day: date | None) -> None:
    assert stored_day(html, url) == day


CLASS_PAGES = [entry for entry in ALL_PAGES if not entry[0].startswith("guard-")]
GUARDS = [entry for entry in ALL_PAGES if entry[0].startswith("guard-") and entry[0] not in ("guard-json-ld",
                                                                                             "guard-byline")]


@pytest.mark.parametrize(("name", "html"), [entry[:2] for entry in CLASS_PAGES], ids=[e[0] for e in CLASS_PAGES])
def test_the_labelled_day_is_read(name: str, html: str) -> None:
    assert labelled_day(page_tree(html)) == MARCH_12


@pytest.mark.parametrize(("name", "html"), [entry[:2] for entry in GUARDS], ids=[e[0] for e in GUARDS])
def test_a_labelled_day_of_something_else_is_not_read(name: str, html: str) -> None:
    """An update's label, a reprint's, a book's or an album's data, a quoted source, a comment, a teaser, a download,
    a video, two days, a sentence: none is the story's labelled day."""
    assert labelled_day(page_tree(html)) is None


def test_a_template_sentence_needs_the_time_of_day() -> None:
    """"wurde am … veröffentlicht" in a sentence tells of another text; the theme's footer adds the time of day."""
    sentence = page("<p>Dieser Bericht wurde am 2. März 2026 veröffentlicht und sorgt für Streit.</p>", DATE_12)
    footer = page('<p class="postmetadata">Dieser Beitrag wurde am 2. März 2026 um 10:00 Uhr veröffentlicht.</p>')
    assert labelled_day(page_tree(sentence)) is None
    assert labelled_day(page_tree(footer)) == date(2026, 3, 2)


def test_the_label_must_open_its_text() -> None:
    """"Erstmals erschienen am" and "…, veröffentlicht am" do not open with the label: a reprint's, a source's day."""
    opened = page("<p>Erschienen am 2. März 2026</p>")
    first = page("<p>Erstmals erschienen am 2. März 2026</p>")
    assert labelled_day(page_tree(opened)) == date(2026, 3, 2)
    assert labelled_day(page_tree(first)) is None


def test_a_byline_date_or_a_declared_publication_keeps_htmldates_day() -> None:
    """The rule reads the label only on a page that declares no publication and prints no date under the headline."""
    for name in ("guard-json-ld", "guard-byline"):
        html = next(entry[1] for entry in ALL_PAGES if entry[0] == name)
        assert labelled_day(page_tree(html)) is not None  # the label is read ...
        assert stored_day(html, URL) == MARCH_12  # ... and does not win


def test_a_url_day_keeps_htmldates_day_against_another_labelled_day() -> None:
    """A URL that names a day (/2026/03/12/) is not overruled by a note's other labelled day (review of the
    rule's first form: the label's day won)."""
    dated_url = "https://www.example.org/2026/03/12/council-school-budget.html"
    note = page('<p class="note">Veröffentlicht am 10.03.2026</p>', DATE_12)
    assert stored_day(note, dated_url) == MARCH_12
    assert stored_day(page('<p class="note">Veröffentlicht am 12.03.2026</p>'), dated_url) == MARCH_12


@pytest.mark.parametrize(("name", "html", "url", "day"), REVIEW_PAGES, ids=[entry[0] for entry in REVIEW_PAGES])
def test_a_cited_or_another_editions_labelled_day_is_not_read(name: str, html: str, url: str, day: date | None) -> None:
    """Review: a label in a sentence (after a link, in an emphasis, opening a quotation or a line of prose), a print
    edition's or an original's day, a time before the day, a listed `<article>`: htmldate's right day stays."""
    assert labelled_day(page_tree(html)) is None
    assert stored_day(html, url) == day


def test_a_meta_line_keeps_its_label_with_a_byline_an_icon_an_update_or_a_separator() -> None:
    """The review's line rule still reads a label's line with a name before it in a `<span>` of its own, an icon,
    a time and an update after it, or a meta line's separators."""
    lines = ['<div class="meta"><span>Par Jean Dupont</span> <span>Publié le 12 mars 2026</span></div>',
             '<p class="meta">Publié le 12 mars 2026 à 10h00, mis à jour le 14 mars 2026 à 18h00</p>',
             '<p class="meta"><i class="icon"></i> Veröffentlicht am Donnerstag, 12. März 2026 um 09:15 Uhr</p>',
             "<p>Veröffentlicht am 12.03.2026 | Lesezeit: 4 Minuten | Rubrik: Politik</p>",
             "<p>Text von Anna Muster<br>Erschienen am 12.03.2026<br>Foto: dpa</p>"]
    for line in lines:
        assert labelled_day(page_tree(page(line))) == MARCH_12, line
