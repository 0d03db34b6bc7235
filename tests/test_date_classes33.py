"""The thirty-second pass on publication dates (docs/extraction.md, "Thirty-second pass, dates"): the two rules the
thirty-first pass left too broad or too narrow, each written as a test before its change.

1. `headline_date.authored_day` read a day after capitalised words that are no name, in a part of the author's line
   a separator opens ("By A. Writer · Print Edition March 13, 2026"): a print edition's or an offer's next day moved
   a US afternoon's UTC time onto it.
2. `lastresortdates.self_posted_day` read only absolute links to the page; a theme's "about this article" sentence
   links the page as often by its path ("/2010/05/title/") or without its scheme ("//host/…").
"""

from __future__ import annotations

from datetime import date

import pytest

from newsflow.extract import page_tree
from newsflow.headline_date import authored_day
from tests.date_batch20 import stored_day
from tests.date_batch29 import MARCH_12, MARCH_13, URL, utc_page
from tests.test_date_classes32 import SELF_URL, _self_link, _self_page

MAY_19 = date(2010, 5, 19)


@pytest.mark.parametrize("byline", [
    "By A. Writer · Print Edition March 13, 2026",  # a label after a separator, running into the day
    "By A. Writer | Weekend Edition March 13, 2026",
    "By A. Writer · Special Offer Ends March 13, 2026",
    "Von A. Autor · Printausgabe 13. März 2026",
])
def test_capitalised_words_after_the_authors_name_and_a_separator_are_no_name(byline: str) -> None:
    # a US afternoon story (20:00 Z on the 12th): the label's next day is not the story's
    lang = "de" if byline.startswith("Von") else "en"
    html = utc_page(byline, lang, json_ld="2026-03-12T20:00:00Z")
    # review: read directly too; a German page's time moves only from CET's midnight, so its stored day alone passed
    # with the rule taken out
    assert authored_day(page_tree(html)) is None
    assert stored_day(html, URL) == MARCH_12


@pytest.mark.parametrize("byline", [
    "By A. Writer · Friday, March 13, 2026",
    "By A. Writer · Friday March 13, 2026",  # a weekday's name runs into the day
    "By A. Writer, Staff Writer · March 13, 2026",  # a role, then a separator: the day right after it
    "By A. Writer in Rome, March 13, 2026",
    "By A. Writer · Published March 13, 2026",
    "By A. Writer · on March 13, 2026",
    "By A. Writer March 13, 2026",
    "By A. Writer · AP March 13, 2026",  # an agency's short name
    "Von A. Autor · Fr 13.03.2026",  # a weekday's short name
    "Von A. Autor | Erstellt am 13.03.2026",  # a creation's cue
])
def test_an_authors_line_still_puts_a_utc_time_on_its_day(byline: str) -> None:
    # a morning story east of UTC whose author's line prints the 13th: the day is the author's (`authored_day`, read
    # directly: on some of these pages another rule reads the same day)
    german = byline.startswith("Von")  # a German page's time moves onto the day only from 23:00 Z (CET's midnight)
    utc = "2026-03-12T23:10:00Z" if german else "2026-03-12T22:30:00Z"
    html = utc_page(byline, "de" if german else "en", json_ld=utc)
    assert authored_day(page_tree(html)) == MARCH_13
    assert stored_day(html, URL) == MARCH_13


@pytest.mark.parametrize("href", [
    "/literatur-und-typografie/",  # the page's path
    "/literatur-und-typografie",
    "//www.example.de/literatur-und-typografie/",  # without the scheme
    "http://www.example.de/literatur-und-typografie/",  # the other scheme
])
def test_a_sentence_linking_the_page_by_its_path_dates_it(href: str) -> None:
    about = f"{_self_link(href)} wurde am <nobr>19. Mai 2010</nobr> um <nobr>23:03</nobr> Uhr gepostet."
    assert stored_day(_self_page(about), SELF_URL) == MAY_19


@pytest.mark.parametrize(("about", "url"), [
    # a link to another path, to the site's root, to the same path on another site
    ('<a href="/anderer-artikel/">Anderer Artikel</a> wurde am 19. Mai 2010 gepostet.', SELF_URL),
    ('<a href="/">Lettern</a> wurde am 19. Mai 2010 gepostet.', "https://www.example.de/"),
    ('<a href="https://other.example/literatur-und-typografie/">Lettern</a> wurde am 19. Mai 2010 gepostet.',
     SELF_URL),
])
def test_a_sentence_about_another_page_leaves_it_undated(about: str, url: str) -> None:
    assert stored_day(_self_page(about), url) is None


@pytest.mark.parametrize(("lang", "byline"), [
    ("en", "By A. Writer · On March 13, 2026"),  # a joining word, capitalised after the separator
    ("en", "By A. Writer | Published On March 13, 2026"),
    ("en", "By A. Writer · Posted On March 13, 2026"),
    ("fr", "Par A. Auteur · Le 13 mars 2026"),
    ("fr", "Par A. Auteur | Le 13/03/2026 à 10h00"),
    ("de", "Von A. Autor · Am 13. März 2026"),
    ("es", "Por A. Autor | El 13 de marzo de 2026"),
    ("en", "Di A. Autore | Il 13 marzo 2026"),
    ("en", "Av A. Svensson · Fredag 13 mars 2026"),  # the weekdays of every language an author's cue is read in
    ("en", "Af A. Jensen · Fredag 13. marts 2026"),
    ("pt", "Por A. Autor | Sexta-feira 13 de março de 2026"),
    ("en", "Przez A. Kowalski · Piątek 13 marca 2026"),
])
def test_a_capitalised_joining_word_or_weekday_after_the_separator_is_no_label(lang: str, byline: str) -> None:
    # review of the thirty-second pass: the label's rule took any capitalised word after the last separator for a
    # label's, so "Par A. Auteur · Le 13 mars", "Von A. Autor · Am 13. März" and a Swedish, Danish, Portuguese or
    # Polish weekday lost the author's day main reads
    assert authored_day(page_tree(utc_page(byline, lang, json_ld="2026-03-12T23:10:00Z"))) == MARCH_13


def test_an_agency_in_parentheses_after_the_name_leaves_the_day_the_authors() -> None:
    # review: "(" cut the line, and the agency's name before ")" was taken for a label running into the day
    html = utc_page("By Jane Doe (Reuters) March 13, 2026", "en", json_ld="2026-03-12T23:10:00Z")
    assert authored_day(page_tree(html)) == MARCH_13


def test_a_label_after_a_spaced_hyphen_is_a_label() -> None:
    # review: the ASCII hyphen bylines print as often as a dash was no separator, so the label was read as the name;
    # a hyphen inside a name ("Jean-Pierre") is none
    label = utc_page("By A. Writer - Print Edition March 13, 2026", "en", json_ld="2026-03-12T20:00:00Z")
    assert stored_day(label, URL) == MARCH_12
    for byline in ("By Jean-Pierre Dupont March 13, 2026", "By A. Writer - Friday March 13, 2026"):
        assert authored_day(page_tree(utc_page(byline, "en", json_ld="2026-03-12T23:10:00Z"))) == MARCH_13
