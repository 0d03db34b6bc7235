"""Review of the thirty-first pass on dates (docs/extraction.md, "Thirty-first pass, dates"): inputs of the same class
as each new rule's on which its first form was wrong, each written as a test before its fix."""

from __future__ import annotations

from datetime import date

import pytest

from newsflow.extract import page_tree
from newsflow.headline_date import headline_date
from tests.date_batch20 import stored_day
from tests.date_batch29 import URL, utc_page
from tests.date_batch31 import event_page
from tests.test_date_classes32 import STATE_URL, _self_link, _self_page, _state_page

MARCH_12 = date(2026, 3, 12)
MARCH_20 = date(2026, 3, 20)


@pytest.mark.parametrize("later", ["<p>Ein Kommentar von Anna Schmidt · 12.03.2026</p>",
                                   "<p>Un commento di Mario Rossi · 12.03.2026</p>",
                                   "<p>En krönika av Anna Svensson · 12.03.2026</p>"])
def test_di_von_av_after_an_articles_genre_still_open_its_authors_line(later: str) -> None:
    assert headline_date(page_tree(event_page(f"<p>Seduta del 20.03.2026</p>{later}", "de"))) == MARCH_12


@pytest.mark.parametrize("under", ["<p>March 20, 2026</p><p>By A. Writer</p>",
                                   "<p>20.03.2026, 10:30</p><p>By A. Writer</p>",
                                   '<p><time datetime="2026-03-20">Friday, March 20, 2026</time></p>'])
def test_a_day_printed_alone_under_the_headline_dates_the_page_over_an_earlier_url_day(under: str) -> None:
    # a line that is only a day (a dateline) is the page's own, not an event's: the URL's day is a draft's
    assert stored_day(event_page(under), "https://www.example.com/2026/03/12/council-school-budget") == MARCH_20


@pytest.mark.parametrize("state", [
    '{"datePublished":"2026-03-09T11:04:09Z","lastModified":"2026-03-09T11:04:09Z"}',
    '{"article":{"publishedAt":"2026-03-09T11:04:09Z","updated_at":"2026-03-09T11:04:09Z"}}',
])
def test_a_time_a_script_states_as_publication_and_update_still_dates_the_page(state: str) -> None:
    assert stored_day(_state_page(state), STATE_URL) == date(2026, 3, 9)


@pytest.mark.parametrize("about", [
    f"{_self_link()}: 2 comments, the last posted on May 25, 2010 by Bob.",
    f"{_self_link()} · 3 Kommentare · zuletzt kommentiert am 25. Mai 2010, veröffentlicht von Bob",
])
def test_a_comments_day_after_a_link_to_the_page_dates_nothing(about: str) -> None:
    assert stored_day(_self_page(about), "https://www.example.de/literatur-und-typografie/") is None


@pytest.mark.parametrize(("byline", "lang"), [
    ("By A. Writer in Rome, March 13, 2026", "en"), ("Par A. Auteur à Paris, le 13 mars 2026", "fr"),
    ("Por A. Autor en Madrid, 13 de marzo de 2026", "es"), ("By Jan van der Berg · March 13, 2026", "en"),
    ("Por María de la Cruz, 13 de marzo de 2026", "es"), ("Por Ana da Silva, 13 de marzo de 2026", "es"),
])
def test_an_authors_line_with_a_place_or_a_names_particle_puts_a_utc_time_on_its_day(byline: str, lang: str) -> None:
    # the author's line is the story's own with a dateline's place after the name or a particle inside it
    assert stored_day(utc_page(byline, lang, json_ld="2026-03-12T23:10:00Z"), URL) == date(2026, 3, 13)


def test_a_place_after_danish_af_is_no_author_whose_line_beats_the_first_day() -> None:
    # "af" is Danish and Norwegian for "by" and "of" alike, as "di", "von" and "av" are
    later = "<p>Dronningen af Danmark åbner udstillingen 20.03.2026</p>"
    assert headline_date(page_tree(event_page(f"<p>12.03.2026, 10:30</p>{later}", "de"))) == MARCH_12


@pytest.mark.parametrize("later", ["<p>Af Anna Hansen · 12.03.2026</p>",
                                   "<p>En klumme af Anna Hansen · 12.03.2026</p>"])
def test_danish_af_opening_an_authors_line_still_beats_a_kickers_event(later: str) -> None:
    assert headline_date(page_tree(event_page(f"<p>Møde 20.03.2026</p>{later}", "de"))) == MARCH_12


@pytest.mark.parametrize("under", ["<p>Vote held on March 5, 2026</p><p>By A. Writer</p>",
                                   "<p>Abstimmung am 05.03.2026</p><p>Von A. Autor</p>",
                                   "<p>Vote on Friday, March 20, 2026</p><p>By A. Writer</p>"])
def test_an_events_day_before_or_after_the_urls_alone_under_the_headline_gives_way_to_it(under: str) -> None:
    # the thirty-first pass's rule read only an event after the URL's day; a report of one before it is the same class
    assert stored_day(event_page(under), "https://www.example.com/2026/03/12/council-school-budget") == MARCH_12


@pytest.mark.parametrize("under", ["<p>Politics · March 20, 2026</p><p>By A. Writer</p>",
                                   "<p>NEW YORK, March 20, 2026</p>", "<p>Politik | 20.03.2026</p>"])
def test_a_dateline_after_a_place_or_section_dates_the_page_over_an_earlier_url_day(under: str) -> None:
    assert stored_day(event_page(under), "https://www.example.com/2026/03/12/council-school-budget") == MARCH_20
