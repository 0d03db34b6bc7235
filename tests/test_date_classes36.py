"""The thirty-fifth pass on publication dates (docs/extraction.md, "Thirty-fifth pass, dates"), each written as a test
before its change.

1. A weekday's short name after an author's name counts as the weekday only where the date follows it: the short
   forms are words too ("Man", "Sun", "Mar", "Sex", "So"), so a part of the line that holds one and then other words
   ("By A. Writer · Sun and AP March 13, 2026") is a label's, and its day is not the author's (the thirty-fourth pass
   left it: `authorcues._WEEKDAYS`).
2. A generic date meta's day (a CMS record's) gives way to the day the byline under the headline prints, as it
   did to the story's `<time>` (BBAW's deutscheweine.de, re-read this pass).
"""

from __future__ import annotations

import pytest

from newsflow.authorcues import weekdays_only
from newsflow.extract import page_tree
from newsflow.headline_date import authored_day
from tests.date_batch20 import stored_day
from tests.date_batch29 import MARCH_12, MARCH_13, URL, utc_page


@pytest.mark.parametrize(("lang", "byline"), [
    ("en", "By A. Writer · Sun and AP March 13, 2026"),  # a short weekday's letters, then more words: a label's
    ("en", "By A. Writer | Man on AP March 13, 2026"),
    ("de", "Von A. Autor · So und AP 13.03.2026"),
    ("fr", "Par A. Auteur · Mar et AFP 13 mars 2026"),
    ("es", "Por A. Autor | Mar y EFE 13 de marzo de 2026"),
    ("pt", "Por A. Autor | Sex e AFP 13 de março de 2026"),
    ("en", "Af A. Jensen · Man AP 13. marts 2026"),
    ("en", "Przez A. Kowalski · Pt AP 13 marca 2026"),
])
def test_a_short_weekday_not_followed_by_the_date_is_a_labels_word(lang: str, byline: str) -> None:
    # a US afternoon story (20:00 Z on the 12th): a label's next day is not the story's
    html = utc_page(byline, lang, json_ld="2026-03-12T20:00:00Z")
    assert authored_day(page_tree(html)) is None
    if lang == "en" and byline.startswith("By"):
        assert stored_day(html, URL) == MARCH_12


@pytest.mark.parametrize(("lang", "byline"), [
    ("en", "By A. Writer · Fri March 13, 2026"),  # the short weekday right before the date: the date's weekday
    ("en", "By A. Writer · Fri, March 13, 2026"),
    ("de", "Von A. Autor · Fr 13.03.2026"),
    ("de", "Von A. Autor · Fr., 13.03.2026"),
    ("fr", "Par A. Auteur · Ven 13 mars 2026"),
    ("pt", "Por A. Autor | Sex, 13 de março de 2026"),
    ("en", "Av A. Svensson · Fre 13 mars 2026"),
    ("en", "Przez A. Kowalski · Pt 13 marca 2026"),
    ("en", "By A. Writer · Friday AP March 13, 2026"),  # a full name is no other word, wherever it stands
])
def test_a_short_weekday_right_before_the_date_still_leaves_the_authors_day(lang: str, byline: str) -> None:
    utc = "2026-03-12T22:30:00Z" if lang == "en" else "2026-03-12T23:10:00Z"
    assert authored_day(page_tree(utc_page(byline, lang, json_ld=utc))) == MARCH_13


@pytest.mark.parametrize(("before", "weekday"), [
    ("Fri ", True), ("Fr., ", True), ("Friday ", True), ("Sex, ", True),
    ("Sun Mon ", False), ("Man So ", False), ("Friday Fr ", True),  # each short form must have the date after it
])
def test_the_days_element_holds_a_short_weekday_only_right_before_the_date(before: str, weekday: bool) -> None:
    assert weekdays_only(before) is weekday


# 2. A generic date meta (`date`, `DC.date`, `DCTERMS.date`: a CMS record's date, its creation or its last change)
#    against the day the byline under the headline prints: the twenty-fifth pass let the story's `<time>` win there,
#    not the byline's printed day (BBAW's deutscheweine.de: a TYPO3 record's 2021-12-20 over "27.01.2022" under the
#    story's headline).

GENERIC_URL = "https://www.example.org/aktuelles/meldungen/rieslingbirthday-posts-gewinnen/"
STORY = {
    "de": ("Riesling-Geburtstag: Posts gewinnen", "Die bedeutendste Rebsorte Deutschlands feiert ihren Geburtstag, "
           "und wer ein Foto teilt, kann ein Paket mit sechs Flaschen gewinnen. "),
    "en": ("Riesling birthday: share a post and win", "The country's most important grape celebrates its birthday, "
           "and whoever shares a photo can win a case of six bottles. "),
    "fr": ("L'anniversaire du riesling : partagez et gagnez", "Le cépage le plus important du pays fête son "
           "anniversaire, et qui partage une photo peut gagner un carton de six bouteilles. "),
}


def generic_page(lang: str, meta_name: str, meta_value: str, byline: str) -> str:
    title, sentence = STORY[lang]
    return (f'<html lang="{lang}"><head><title>{title}</title><meta name="{meta_name}" content="{meta_value}">'
            f'</head><body><header><a href="/">Home</a></header><main><div class="news-single"><h1>{title}</h1>'
            f'<span class="date">{byline}</span>'
            + "".join(f"<p>{sentence * 3}</p>" for _ in range(4)) + "</div></main></body></html>")


@pytest.mark.parametrize(("lang", "meta_name", "meta_value", "byline", "day"), [
    ("de", "date", "2021-12-20T11:02:44+01:00", "27.01.2022", "2022-01-27"),  # the record's creation, before
    ("de", "DCTERMS.date", "2022-02-03T09:00:00+01:00", "27.01.2022", "2022-01-27"),  # its last change, after
    ("en", "DC.date", "2021-12-20T11:02:44-05:00", "January 27, 2022", "2022-01-27"),
    ("en", "date", "2021-12-20T11:02:44Z", "01/27/2022", "2022-01-27"),
    ("fr", "date", "2021-12-20T11:02:44+01:00", "27 janvier 2022", "2022-01-27"),
    ("fr", "dc.date", "2021-12-20T11:02:44+01:00", "27/01/2022", "2022-01-27"),
    ("en", "DC.date", "2021-12-20", "January 27, 2022", "2022-01-27"),  # a bare meta day: read so on main too
])
def test_a_generic_date_meta_gives_way_to_the_day_the_byline_prints(
        lang: str, meta_name: str, meta_value: str, byline: str, day: str) -> None:
    assert str(stored_day(generic_page(lang, meta_name, meta_value, byline), GENERIC_URL)) == day


@pytest.mark.parametrize(("lang", "byline", "day"), [
    ("de", "20.12.2021", "2021-12-20"),  # the byline prints the meta's day: nothing to choose
    ("de", "Aktualisiert am 27.01.2022", "2021-12-20"),  # an update's day is no publication's
    ("en", "Updated January 27, 2022", "2021-12-20"),
])
def test_a_generic_date_meta_stands_beside_its_own_day_or_an_update(lang: str, byline: str, day: str) -> None:
    assert str(stored_day(generic_page(lang, "date", "2021-12-20T11:02:44+01:00", byline), GENERIC_URL)) == day


# 3. A dateline with a time of day just above the headline against a teaser list's day (BBAW's handball-world.news:
#    "02.02.2022 10:16 Uhr - 1. Bundesliga - PM Vereine, red" above the `<h1>`, htmldate's day a "most read" tab's
#    30.01.2022): a kicker's day was read only where nothing dated the page.

KICKER_URL = "https://www.handball.example/o.red.r/news-1-1-1-139353.html"
KICKER_STORY = {
    "de": ("HSV Hamburg verpflichtet einen Nationalspieler", "Der Verein hat am Mittwoch einen Nationalspieler "
           "verpflichtet, der im Sommer aus der Eredivisie kommt. ", "Männer", "Wer kommt und wer geht im Sommer"),
    "en": ("City sign a national team forward", "The club signed a national team forward on Wednesday, who joins "
           "from the Eredivisie in the summer. ", "Men", "Who comes and who goes this summer"),
    "fr": ("Le club recrute un international", "Le club a recruté mercredi un international, qui arrivera de "
           "l'Eredivisie cet été. ", "Hommes", "Qui arrive et qui part cet été"),
}


def kicker_page(lang: str, kicker: str, teaser_day: str) -> str:
    title, sentence, section, teaser = KICKER_STORY[lang]
    teasers = "".join(f"<div><p><small>{teaser_day} &middot; {section}</small></p><p><a href='/news-{n}.html'>"
                      f"{teaser} {n}? The list</a></p></div>" for n in range(5))
    return (f'<html lang="{lang}"><head><title>{title}</title></head><body><header><a href="/">Home</a><nav>'
            f'<a href="/a">Liga</a></nav></header><div class="row"><div class="col-lg-8" id="copynews"><p>{kicker}</p>'
            f"<h1>{title}</h1>" + "".join(f"<p>{sentence * 3}</p>" for _ in range(4))
            + f'</div><div class="col-lg-4"><div id="tab_news_gelesen">{teasers}</div></div></div></body></html>')


@pytest.mark.parametrize(("lang", "kicker", "teaser_day"), [
    ("de", "02.02.2022 10:16 Uhr - 1. Bundesliga - PM Vereine, red", "30.01.2022"),
    ("en", "February 2, 2022 10:16 AM - Premier League - Staff", "January 30, 2022"),
    ("en", "02/02/2022 10:16 - Premier League - Staff", "01/30/2022"),
    ("fr", "02/02/2022 à 10h16 - Ligue 1 - Rédaction", "30/01/2022"),
    ("de", "02.02.2022, 10.16 Uhr - 1. Bundesliga - PM Vereine, red", "30.01.2022"),  # review: a dotted time
    ("en", "02.02.2022 kl. 10.16 - Håndboldligaen - Redaktionen", "30.01.2022"),  # Danish, Norwegian, Swedish
])
def test_a_dateline_with_its_time_above_the_headline_beats_a_teaser_lists_day(
        lang: str, kicker: str, teaser_day: str) -> None:
    assert str(stored_day(kicker_page(lang, kicker, teaser_day), KICKER_URL)) == "2022-02-02"


@pytest.mark.parametrize("kicker", [
    "Brexit · 2 February 2022",  # a topic's day, no time of day: not the story's (twenty-third pass)
    "Premier League · February 2, 2022",
])
def test_a_kicker_without_a_time_above_the_headline_leaves_htmldates_day(kicker: str) -> None:
    assert str(stored_day(kicker_page("en", kicker, "January 30, 2022"), KICKER_URL)) == "2022-01-30"


# Review of the thirty-fifth pass: the rules' near misses.

@pytest.mark.parametrize(("lang", "byline"), [
    ("de", "Termin: 15.03.2022"),  # an event's day under the headline, not the record's publication
    ("de", "Veranstaltung am 15.03.2022 in Mainz"),
    ("en", "Vote on March 15, 2022"),
    ("fr", "Rendez-vous le 15 mars 2022"),
])
def test_a_generic_date_meta_stands_beside_an_events_day_under_the_headline(lang: str, byline: str) -> None:
    assert str(stored_day(generic_page(lang, "date", "2021-12-20T11:02:44+01:00", byline), GENERIC_URL)) == "2021-12-20"


@pytest.mark.parametrize(("lang", "kicker", "teaser_day"), [
    ("de", "Konzert · 05.02.2022, 19:30 Uhr", "30.01.2022"),  # an event's day and hour above the story
    ("de", "Vorschau · Sa. 05.02.2022, 20:30 Uhr", "30.01.2022"),  # a fixture's
    ("en", "Concert · February 5, 2022, 7:30 PM", "January 30, 2022"),
    ("fr", "Concert · 05/02/2022 à 20h30", "30/01/2022"),
    ("de", "Liveticker · 05.02.2022 20:30", "30.01.2022"),
    ("de", "Konzert · 05.02.2022, 19.30 Uhr", "30.01.2022"),
    ("de", "05.02.2022 · Lesezeit 4:30 Min.", "30.01.2022"),  # a reading time is no time of day
])
def test_an_events_day_and_hour_above_the_headline_leaves_htmldates_day(
        lang: str, kicker: str, teaser_day: str) -> None:
    assert str(stored_day(kicker_page(lang, kicker, teaser_day), KICKER_URL)) == "2022-01-30"


@pytest.mark.parametrize(("lang", "byline"), [
    ("de", "Von A. Autor · Fr., den 13.03.2026"),  # a joining word between the short weekday and the date
    ("de", "Von A. Autor | Fr. den 13. März 2026"),
    ("en", "Av A. Svensson · Fre den 13 mars 2026"),
    ("en", "Af A. Jensen · Fre. den 13. marts 2026"),
])
def test_a_short_weekday_then_a_joining_word_before_the_date_still_leaves_the_authors_day(
        lang: str, byline: str) -> None:
    assert authored_day(page_tree(utc_page(byline, lang, json_ld="2026-03-12T23:10:00Z"))) == MARCH_13
