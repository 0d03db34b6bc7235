"""The thirty-first pass on publication dates (docs/extraction.md, "Thirty-first pass, dates"): the classes earlier
passes left, each written as a test before its rule.

1. A UTC time whose publisher's day the byline prints as plain text after its author ("By A. Writer · March 13,
   2026" over 22:30 Z on the 12th; the twenty-ninth pass's strict xfail): the author's line is the story's own day.
2. An event's day, the only day printed under the headline, against a URL's day (the thirtieth pass's strict xfail).
3. Rule 3's author cue ("di", "von", "av" + a capital) naming a place or an institution ("Comune di Milano").
"""

from __future__ import annotations

from datetime import date

import pytest

from newsflow.extract import page_tree
from newsflow.headline_date import headline_date
from tests.date_batch20 import stored_day
from tests.date_batch28 import STORIES
from tests.date_batch29 import MARCH_12, MARCH_13, URL, UTC_PAGES, UTC_PAGES_AFTER, utc_page
from tests.date_batch31 import event_page

MARCH_20 = date(2026, 3, 20)
AUTHORED = {"es-json-ld-byline", "en-asia-morning", "pt-meta-span"}


@pytest.mark.parametrize(("name", "html", "url", "day"),
                         [entry for entry in UTC_PAGES + UTC_PAGES_AFTER if entry[0] in AUTHORED],
                         ids=sorted(AUTHORED))
def test_a_utc_time_whose_authors_line_prints_its_day_is_stored_on_it(
        name: str, html: str, url: str, day: date | None) -> None:
    assert stored_day(html, url) == day, name


@pytest.mark.parametrize(("byline", "utc", "day"), [
    ("By A. Writer on March 12, 2026", "2026-03-13T01:30:00Z", MARCH_12),  # a joining word after the name
    ("By Laura E. Adkins / March 12, 2026", "2026-03-13T01:30:00Z", MARCH_12),
    ("Von A. Autor, 13. März 2026", "2026-03-12T23:10:00Z", MARCH_13),
])
def test_an_authors_plain_line_puts_a_utc_time_on_its_day(byline: str, utc: str, day: date) -> None:
    lang = "de" if byline.startswith("Von") else "en"
    assert stored_day(utc_page(byline, lang, json_ld=utc), URL) == day


@pytest.mark.parametrize("byline", [
    "By A. Writer · Print Edition: March 13, 2026",  # words between the name and the day that are no name
    "By A. Writer. The vote is scheduled for March 13, 2026",
    "By A. Writer · Offer ends March 13, 2026",
    "Friday, March 13, 2026 · Live · By A. Writer",  # the day before the author: a kicker's
    "By A. Writer · Updated March 13, 2026",
])
def test_a_next_day_on_an_authors_line_that_is_not_his_leaves_an_afternoon_utc_time(byline: str) -> None:
    # a US afternoon story (20:00 Z on the 12th): only the day right after the author's name is the story's
    assert stored_day(utc_page(byline, json_ld="2026-03-12T20:00:00Z"), URL) == MARCH_12


def test_an_events_day_alone_under_the_headline_gives_way_to_the_urls() -> None:
    html = event_page("<p>Vote scheduled for March 20, 2026</p><p>By A. Writer</p>")
    assert stored_day(html, "https://www.example.com/2026/03/12/council-school-budget") == MARCH_12


@pytest.mark.parametrize(("under", "url", "day"), [
    # the day the author's line prints is the story's, a week after the URL's day (a draft's) or not
    ("<p>By A. Writer · March 20, 2026</p>", "https://www.example.com/2026/03/12/council-school-budget", MARCH_20),
    # a day printed alone, the day after the URL's: a story drafted the evening before
    ("<p>March 13, 2026</p><p>By A. Writer</p>", "https://www.example.com/2026/03/12/council-school-budget",
     MARCH_13),
    # no URL day: the only day printed stays
    ("<p>March 20, 2026</p><p>By A. Writer</p>", "https://www.example.com/news/council-school-budget", MARCH_20),
])
def test_a_day_printed_under_the_headline_still_dates_the_page_beside_a_url(under: str, url: str, day: date) -> None:
    assert stored_day(event_page(under), url) == day


@pytest.mark.parametrize("later", [
    "<p>Consiglio del Comune di Milano: seduta del 20 marzo 2026</p>",
    "<p>Sitzung des Rates von Berlin am 20.03.2026</p>",
    "<p>Möte med Kommunen av Uppsala den 20 mars 2026</p>",
])
def test_a_place_after_di_von_av_is_no_author_whose_line_beats_the_first_day(later: str) -> None:
    # rule 3 (thirtieth pass) takes a later line an author cue opens over the first day printed: "di", "von" and
    # "av" + a capital name a place or an institution as often, and only open an author's line at its start
    assert headline_date(page_tree(event_page(f"<p>12.03.2026, 10:30</p>{later}", "de"))) == MARCH_12


@pytest.mark.parametrize("later", ["<p>Di Mario Rossi · 12 marzo 2026</p>", "<p>Von A. Autor, 12.03.2026</p>",
                                   "<p>Testo: A. Rossi | di Mario Rossi, 12 marzo 2026</p>"])
def test_di_von_opening_an_authors_line_still_beats_a_kickers_event(later: str) -> None:
    assert headline_date(page_tree(event_page(f"<p>Seduta del 20.03.2026</p>{later}", "de"))) == MARCH_12


# 4. A page that states its day only in a sentence about itself (BBAW tune: a WordPress theme's sidebar "Über diesen
#    Artikel": "<a href=THE PAGE rel=bookmark>Title</a> wurde am 19. Mai 2010 um 23:03 Uhr gepostet und unter …
#    abgelegt"): the sidebar is another block, htmldate's only day was an archive's, and no date was stored.
SELF_URL = "https://www.example.de/literatur-und-typografie/"  # no day in it: the real page's was an archive's


def _self_page(about: str, lang: str = "de") -> str:
    title = STORIES[lang][0]
    return (f'<html lang="{lang}"><head><title>{title} | Lettern</title></head><body><div id="header"><ul id="nav"><li>'
            '<a href="/">Home</a></li></ul><h1><a href="/">Lettern</a></h1></div><div id="sidebar"><h2>Über diesen '
            f'Artikel</h2><p class="news">{about}</p></div><div id="content"><h2>{title}</h2>'
            + "".join(f"<p>{STORIES[lang][1] * 3}</p>" for _ in range(4)) + "</div></body></html>")


def _self_link(href: str = SELF_URL) -> str:
    return f'<a href="{href}" rel="bookmark" title="Permanent Link">{STORIES["de"][0]}</a>'


@pytest.mark.parametrize(("about", "day"), [
    (f"{_self_link()} wurde am <nobr>19. Mai 2010</nobr> um <nobr>23:03</nobr> Uhr gepostet und unter <a "
     'href="/category/literatur/">Literatur</a> abgelegt.', date(2010, 5, 19)),
    (f"{_self_link()} was posted on May 19, 2010 at 11:03 pm and is filed under <a href=\"/c/\">Reading</a>.",
     date(2010, 5, 19)),
    (f"{_self_link(SELF_URL.rstrip('/'))} wurde am 19.05.2010 veröffentlicht.", date(2010, 5, 19)),
])
def test_a_sentence_about_the_page_itself_dates_a_page_that_states_no_other_day(about: str, day: date) -> None:
    assert stored_day(_self_page(about), SELF_URL) == day


@pytest.mark.parametrize("about", [
    # another story's sentence, a self-link with no publication cue, a self-link's comment count
    '<a href="/2010/04/anderer-artikel/">Anderer Artikel</a> wurde am 19. Mai 2010 gepostet.',
    f"{_self_link()} · 19. Mai 2010",
    f"{_self_link()}: 3 Kommentare, der letzte am 19. Mai 2010",
])
def test_no_sentence_about_the_page_itself_leaves_it_undated(about: str) -> None:
    assert stored_day(_self_page(about), SELF_URL) is None


# 5. htmldate's time read out of a script's state under an update's key (BBAW tune, for-me-online.de: a Sitecore
#    front end's `"__Updated":{"value":"2022-02-09T11:04:09Z"}`, the page item's last edit), while the headline's
#    category bar prints "Familie 17/02/2022": the script's edit was stored.
def _state_page(state: str, under: str = "<div>Familie</div><div>17/03/2026</div>") -> str:
    title = STORIES["de"][0]
    return (f'<html lang="de"><head><title>{title} | Magazin</title></head><body><div id="app"><h1>{title}</h1>'
            f'<div class="bar">{under}</div>' + "".join(f"<p>{STORIES['de'][1] * 3}</p>" for _ in range(4))
            + f'</div><script type="application/json" id="__JSS_STATE__">{state}</script></body></html>')


STATE_URL = "https://www.example.de/familie/kinder/tochter"


@pytest.mark.parametrize("key", ["__Updated", "lastModified", "updated_at"])
def test_a_scripts_update_time_gives_way_to_the_day_under_the_headline(key: str) -> None:
    state = f'{{"fields":{{"Title":{{"value":"Tochter"}},"{key}":{{"value":"2026-03-09T11:04:09Z"}}}}}}'
    assert stored_day(_state_page(state), STATE_URL) == date(2026, 3, 17)


@pytest.mark.parametrize("state", [
    '{"fields":{"__Created":{"value":"2026-03-09T11:04:09Z"}}}',  # no update's key: a creation is the story's
    '{"article":{"publishedAt":"2026-03-09T11:04:09Z"}}',
])
def test_a_scripts_other_time_still_dates_the_page(state: str) -> None:
    assert stored_day(_state_page(state), STATE_URL) == date(2026, 3, 9)


MONTH_URL = "https://www.example.de/2010/05/literatur-und-typografie/"  # a WordPress permalink naming its month


def test_a_sentence_about_the_page_itself_beats_htmldates_first_of_the_urls_month() -> None:
    # htmldate reads the URL's month as its 1st, which the page states nowhere; the sentence names the day
    about = (f"{_self_link(MONTH_URL)} was posted on May 19, 2010 at 11:03 pm and is filed under <a href=\"/c/\">"
             "Reading</a>.")
    assert stored_day(_self_page(about), MONTH_URL) == date(2010, 5, 19)


@pytest.mark.parametrize(("about", "day"), [
    # htmldate reads another month's day in the sentence and the sidebar's day is dropped; a day in another month than
    # the permalink's is no sentence about the post (review: main stores none); another story's dates nothing (as main)
    (f"{_self_link(MONTH_URL)} was posted on June 3, 2010 and is filed under <a href=\"/c/\">Reading</a>.", None),
    ('<a href="/2010/05/other/">Other</a> was posted on May 19, 2010 and is filed under <a href="/c/">Reading</a>.',
     None),
])
def test_a_month_urls_sentence_of_another_month_or_story_is_no_month_first_fix(about: str, day: date | None) -> None:
    assert stored_day(_self_page(about), MONTH_URL) == day
