"""The thirty-sixth pass on publication dates (docs/extraction.md, "Thirty-sixth pass, dates"), each written as a test
before its change.

1. ISO dates written without their leading zeros ("2022-1-26T14:32:06+02:00") are read where ISO is read
   (`timestamps.parse_local`): a generic date meta so written was not known for one (BBAW's alpin.de).
2. A story's meta row in an `<aside>` between its standfirst and its body (`<aside class="meta">`, one dated row, no
   heading, no teaser's title) is the story's, not a sidebar's: its `<time>` beats a generic date meta's day.
3. A weekday's short name counts as the date's weekday only where it names that date's weekday ("Fri March 13, 2026";
   not "Sun March 13, 2026", a label's word: the thirty-fifth pass left it).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from newsflow.authorcues import weekdays_only
from newsflow.bylinetexts import page_headline
from newsflow.extract import page_tree
from newsflow.feeds import parse_feed
from newsflow.headline_date import authored_day
from newsflow.pagetimes import parse_local
from tests.date_batch20 import stored_day
from tests.date_batch29 import MARCH_13, utc_page

# 1. Unpadded ISO forms.


@pytest.mark.parametrize(("text", "moment"), [
    ("2022-1-26T14:32:06+02:00", datetime(2022, 1, 26, 14, 32, 6, tzinfo=timezone(timedelta(hours=2)))),
    ("2022-01-6", datetime(2022, 1, 6, tzinfo=UTC)),
    ("2022-1-6 9:05:00Z", datetime(2022, 1, 6, 9, 5, tzinfo=UTC)),
    ("2022-12-6T09:05:00-05:00", datetime(2022, 12, 6, 9, 5, tzinfo=timezone(timedelta(hours=-5)))),
])
def test_an_iso_date_without_its_leading_zeros_is_read(text: str, moment: datetime) -> None:
    assert parse_local(text) == moment


@pytest.mark.parametrize("text", ["2022-13-6", "2022-1-32", "22-1-6", "2022-1-6T25:00"])
def test_an_unpadded_form_that_is_no_date_is_still_none(text: str) -> None:
    assert parse_local(text) is None


def atom_feed(stamp: str) -> bytes:
    return ('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:x</id>'
            '<updated>2022-01-03T00:00:00Z</updated><entry><title>a</title><id>https://e.org/a</id><link '
            f'href="https://e.org/a"/><published>{stamp}</published></entry></feed>').encode()


@pytest.mark.parametrize(("stamp", "moment"), [
    ("2022-1-2T10:00:00+02:00", datetime(2022, 1, 2, 8, tzinfo=UTC)), ("2022-1-2", datetime(2022, 1, 2, tzinfo=UTC)),
    ("2022-13-2T10:00:00+02:00", None), ("2022-1-32", None),
])
def test_a_feeds_unpadded_iso_date_is_read_and_a_false_one_still_refused(stamp: str, moment: datetime | None) -> None:
    # review: `feeds._feed_date` reads a feed's ISO dates with `parse_local` too; such an entry had no date (main)
    entries = parse_feed(atom_feed(stamp), feed_id="f", feed_url="https://e.org/feed").entries
    assert [entry.published_at for entry in entries] == [moment]


# 2. A story's meta row in an `<aside>` against a generic date meta (a CMS record's date, unpadded).

META_URL = "https://www.example.de/sicher-am-berg/skitouren/51490/artikel_quantum-free.html"
META_STORY = {
    "de": ("Quantum Free: Das Beste aus zwei Welten vereint", "Der Schuh ist ein vielseitiger Freetouring-Schuh, der "
           "das Beste aus den Freeride- und Touring-Welten vereint. ", "Quelle:", "300 Artikel"),
    "en": ("Quantum Free: the best of two worlds in one boot", "The boot is a versatile freetouring boot that brings "
           "together the best of the freeride and touring worlds. ", "Source:", "300 articles"),
    "fr": ("Quantum Free : le meilleur de deux mondes réunis", "La chaussure est une chaussure de freetouring "
           "polyvalente qui réunit le meilleur du freeride et de la randonnée. ", "Source :", "300 articles"),
}
PRINTED = {"de": "21.01.2022 - 13:30", "en": "January 21, 2022 - 1:30 PM", "fr": "21/01/2022 - 13h30"}


def meta_row(lang: str, extra: str = "") -> str:
    _, _, source, topic = META_STORY[lang]
    return (f'<aside class="meta" role="complementary"><div class="meta__row meta__row--posted"><p>'
            f'<time datetime="2022-01-21" class="meta__label">{PRINTED[lang]}</time></p></div>'
            f'<div class="meta__row meta__row--source"><p><strong>{source}</strong> MDV Sports</p></div>'
            f'<div class="meta__row meta__row--topic"><p><strong>Skitouren</strong> | '
            f'<a href="/421/themenarchiv_skitouren.html">{topic}</a></p></div>{extra}</aside>')


def aside_page(lang: str, meta_value: str, aside: str, after_story: str = "") -> str:
    title, sentence, _, _ = META_STORY[lang]
    return (f'<html lang="{lang}"><head><title>{title}</title><meta name="Date" content="{meta_value}"></head><body>'
            f'<header><a href="/">Home</a></header><div class="article"><div class="banner"><header '
            f'class="article__header"><h1>{title}</h1></header></div><div class="article__wrap">'
            f'<div class="article__intro"><p>{sentence * 2}</p></div>{aside}<div class="article__body">'
            + "".join(f"<p>{sentence * 3}</p>" for _ in range(4)) + f"</div></div></div>{after_story}</body></html>")


@pytest.mark.parametrize("lang", ["de", "en", "fr"])
@pytest.mark.parametrize("meta_value", [
    "2022-1-26T14:32:06+02:00",  # the record's last change, after the story's day
    "2021-12-3T09:02:44+01:00",  # its creation, before
])
def test_a_storys_meta_row_in_an_aside_beats_a_generic_unpadded_date_meta(lang: str, meta_value: str) -> None:
    assert str(stored_day(aside_page(lang, meta_value, meta_row(lang)), META_URL)) == "2022-01-21"


TEASER = {"de": "Die zehn besten Skitouren im Allgäu", "en": "The ten best ski tours in the Alps",
          "fr": "Les dix meilleures randonnées à ski des Alpes"}


@pytest.mark.parametrize("lang", ["de", "en", "fr"])
def test_a_sidebars_dated_aside_after_the_story_leaves_the_meta_day(lang: str) -> None:
    sidebar = (f'<aside class="meta"><div class="meta__row"><time datetime="2022-01-21">{PRINTED[lang]}</time> '
               f'<a href="/421/skitouren.html">{TEASER[lang]}</a></div></aside>')
    html = aside_page(lang, "2022-1-26T14:32:06+02:00", "", after_story=sidebar)
    assert str(stored_day(html, META_URL)) == "2022-01-26"


@pytest.mark.parametrize("lang", ["de", "en", "fr"])
def test_an_aside_with_a_teasers_title_between_standfirst_and_body_leaves_the_meta_day(lang: str) -> None:
    related = f'<div class="meta__row"><a href="/421/skitouren.html">{TEASER[lang]}</a></div>'
    html = aside_page(lang, "2022-1-26T14:32:06+02:00", meta_row(lang, related))
    assert str(stored_day(html, META_URL)) == "2022-01-26"


@pytest.mark.parametrize("lang", ["de", "en"])
def test_an_aside_with_two_dated_rows_between_standfirst_and_body_leaves_the_meta_day(lang: str) -> None:
    second = f'<div class="meta__row"><time datetime="2022-01-19">{PRINTED[lang]}</time></div>'
    html = aside_page(lang, "2022-1-26T14:32:06+02:00", meta_row(lang, second))
    assert str(stored_day(html, META_URL)) == "2022-01-26"


# 3. A short weekday that is not the date's weekday (13 March 2026 is a Friday).

@pytest.mark.parametrize(("lang", "byline"), [
    ("en", "By A. Writer · Sun March 13, 2026"),
    ("en", "By A. Writer · Mon, March 13, 2026"),
    ("de", "Von A. Autor · Mo 13.03.2026"),
    ("de", "Von A. Autor · Sa., 13.03.2026"),
    ("fr", "Par A. Auteur · Mar 13 mars 2026"),
    ("es", "Por A. Autor | Dom 13 de marzo de 2026"),
    ("pt", "Por A. Autor | Seg, 13 de março de 2026"),
    ("en", "Av A. Svensson · Man 13 mars 2026"),
    ("en", "Przez A. Kowalski · Pon 13 marca 2026"),
    ("de", "Von A. Autor | So. den 13. März 2026"),  # a joining word between them
])
def test_a_short_weekday_that_is_not_the_dates_is_a_labels_word(lang: str, byline: str) -> None:
    assert authored_day(page_tree(utc_page(byline, lang, json_ld="2026-03-12T20:00:00Z"))) is None


@pytest.mark.parametrize(("lang", "byline"), [
    ("en", "By A. Writer · Fri March 13, 2026"),
    ("de", "Von A. Autor · Fr 13.03.2026"),
    ("fr", "Par A. Auteur · Ven 13 mars 2026"),
    ("es", "Por A. Autor | Vie 13 de marzo de 2026"),
    ("pt", "Por A. Autor | Sex, 13 de março de 2026"),
    ("en", "Av A. Svensson · Fre 13 mars 2026"),
    ("en", "Af A. Jensen · Fre. den 13. marts 2026"),
    ("en", "Przez A. Kowalski · Pt 13 marca 2026"),
    ("en", "By A. Writer · Thursday March 13, 2026"),  # a full name is read as before, whatever day it names
    ("en", "By A. Writer · Fri, March 13, 2026"),
    ("de", "Von A. Autor · Fr., 13.03.2026"),
    ("en", "By Wei Sun, March 13, 2026"),  # a name's word, not a weekday alone in its part
    ("en", "By Jan Mon · March 13, 2026"),
])
def test_a_short_weekday_that_is_the_dates_leaves_the_authors_day(lang: str, byline: str) -> None:
    assert authored_day(page_tree(utc_page(byline, lang, json_ld="2026-03-12T23:10:00Z"))) == MARCH_13


@pytest.mark.parametrize(("before", "day", "weekday"), [
    ("Fri ", date(2026, 3, 13), True), ("Sun ", date(2026, 3, 13), False), ("Sun ", date(2026, 3, 15), True),
    ("Do., ", date(2026, 3, 12), True), ("Do., ", date(2026, 3, 13), False), ("Fri ", None, True),
])
def test_the_days_element_holds_the_dates_own_short_weekday(before: str, day: date | None, weekday: bool) -> None:
    assert weekdays_only(before, day) is weekday


# 4. A generic date meta against the story's dateline above its headline (BBAW's ejwue.de: "05.02.2020 - Redaktion:
#    Eberhard Fuhr" above the `<h1>`, a TYPO3 record's `date` meta a week later; the `<h1>` was not found as the
#    headline, the site's name in the title being longer than the story's).

DATELINE_URL = "https://www.example.de/aktuell/news/faire-lieferketten/"
DATELINE_STORY = {
    "de": ("Faire Lieferketten", "Evangelisches Jugendwerk in Württemberg (ejw)", "In Baden-Württemberg hat sich "
           "eine Initiative aus Jugendverbänden zusammengetan, um ein Gesetz zu unterstützen. "),
    "en": ("Fair supply chains", "Protestant Youth Organisation of the Region (PYO)", "An initiative of youth "
           "associations has come together in the region to support a new law on supply chains. "),
    "fr": ("Chaînes d'approvisionnement", "Organisation protestante de la jeunesse de la région (OPJ)",
           "Une initiative "
           "d'associations de jeunesse s'est formée dans la région pour soutenir une nouvelle loi. "),
}
DATELINES = {"de": "05.02.2020 <span>- Redaktion: Eberhard Fuhr (Pressesprecher)</span>",
             "en": "February 5, 2020 <span>- Editorial: John Smith (press officer)</span>",
             "fr": "05/02/2020 <span>- Rédaction : Jean Dupont (attaché de presse)</span>"}


def dateline_page(lang: str, meta_value: str, dateline: str) -> str:
    title, site, sentence = DATELINE_STORY[lang]
    return (f'<html lang="{lang}"><head><title>{title} - {site} - EJW</title><meta name="date" content="{meta_value}">'
            f'</head><body><header><h1><a href="/"><img src="/logo.svg" alt="{site}"></a></h1><nav><a href="/a">'
            f'Aktuell</a></nav></header><div id="content"><div class="news-single-item"><div '
            f'class="news-single-timedata">{dateline}</div><div class="sharing"><a href="mailto:?subject={title}">'
            f'Mail</a></div><h1>{title}</h1>' + "".join(f"<p>{sentence * 3}</p>" for _ in range(4))
            + "</div></div></body></html>")


@pytest.mark.parametrize("lang", ["de", "en", "fr"])
@pytest.mark.parametrize("meta_value", ["2020-02-12", "2020-02-12T10:20:00+01:00", "2020-1-28T09:00:00+01:00"])
def test_a_datelines_day_above_the_headline_beats_a_generic_date_meta(lang: str, meta_value: str) -> None:
    assert str(stored_day(dateline_page(lang, meta_value, DATELINES[lang]), DATELINE_URL)) == "2020-02-05"


@pytest.mark.parametrize(("lang", "kicker"), [
    ("de", "Lieferketten · 05.02.2020"),  # a topic's day, not a line opening with its date
    ("en", "Supply chains · February 5, 2020"),
    ("fr", "Chaînes · 05/02/2020"),
])
def test_a_kickers_day_after_its_topic_leaves_the_generic_date_meta(lang: str, kicker: str) -> None:
    assert str(stored_day(dateline_page(lang, "2020-02-12T10:20:00+01:00", kicker), DATELINE_URL)) == "2020-02-12"


def test_a_logos_h1_naming_the_titles_first_part_is_no_headline() -> None:
    html = ('<html><head><title>EJW - Faire Lieferketten für alle Menschen in der Region</title></head><body><header>'
            '<h1>EJW</h1></header><div><h1>Ein anderer Titel</h1><p>Text.</p></div></body></html>')
    assert page_headline(page_tree(html)) is None


# 5. A CMS's creation stamp on a year's first day, on the hour, declared as the publication (BBAW's computerbild.de:
#    JSON-LD `datePublished` 2021-01-01T11:00:00.000Z, `dateModified` and the `<time>` under the headline 1 April 2023).

STAMP_URL = "https://www.example.de/artikel/cb-Tests-Cloud-Gaming-Dienste-Test-29570643.html"
STAMP_STORY = {
    "de": ("Cloud-Gaming im Test: Jetzt ist Amazon Luna dabei", "Welcher Dienst liefert die besten Spiele und macht "
           "Lust auf mehr, fragen wir in unserem großen Vergleich. ", "{d}.04.2023, 12:00</time> Uhr"),
    "en": ("Cloud gaming tested: Amazon Luna joins the field", "Which service brings the best games and makes you "
           "want more, we ask in our big comparison of every service. ", "April {d}, 2023, 12:00 PM</time>"),
    "fr": ("Le cloud gaming testé : Amazon Luna arrive", "Quel service propose les meilleurs jeux et donne envie d'en "
           "voir plus, nous le demandons dans notre grand comparatif. ", "{d}/04/2023 à 12h00</time>"),
}


def stamp_page(lang: str, published: str, byline_label: str = "", modified: str = "2023-04-01T10:00:00.000Z",
               day: str = "01", state: str = "2023-04-01T10:00:00.000Z") -> str:
    title, sentence, printed = STAMP_STORY[lang]
    ld = ('{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "' + title + '", "datePublished": "'
          + published + '", "dateModified": "' + modified + '"}')
    script = f'<script>window.__STATE__ = {{"article": {{"publishedAt": "{state}"}}}};</script>' if state else ""
    return (f'<html lang="{lang}"><head><title>{title}</title><script type="application/ld+json">{ld}</script>'
            f'{script}</head><body><header><a href="/">Home</a></header><main><section class="article"><h1>{title}</h1>'
            f'<div class="publishInfo"><p><span class="publishInfo__date">{byline_label}<time '
            f'datetime="2023-04-{day} 12:00">{printed.format(d=day)}</span></p><p><a href="/autoren/a">A. Autor</a>'
            f'</p></div>' + "".join(f"<p>{sentence * 3}</p>" for _ in range(4)) + "</section></main></body></html>")


@pytest.mark.parametrize("lang", ["de", "en", "fr"])
@pytest.mark.parametrize("published", ["2021-01-01T11:00:00.000Z", "2022-01-01T00:00:00+01:00",
                                       "2021-12-31T23:00:00Z"])
def test_a_year_start_creation_stamp_gives_way_to_the_printed_modification(lang: str, published: str) -> None:
    assert str(stored_day(stamp_page(lang, published), STAMP_URL)) == "2023-04-01"


@pytest.mark.parametrize(("lang", "published", "label", "modified", "want"), [
    ("de", "2021-01-01T11:27:13.000Z", "", "2023-04-01T10:00:00.000Z", "2021-01-01"),  # a real time: a story's
    ("en", "2021-01-01T11:00:00.000Z", "Updated ", "2023-04-01T10:00:00.000Z", "2021-01-01"),  # the update's day
    ("de", "2021-01-01T11:00:00.000Z", "Aktualisiert am ", "2023-04-01T10:00:00.000Z", "2021-01-01"),
    ("fr", "2023-01-01T11:00:00.000Z", "", "2023-04-01T10:00:00.000Z", "2023-01-01"),  # months, not a year, apart
    ("de", "2021-01-01T11:00:00.000Z", "", "2023-05-01T10:00:00.000Z", "2021-01-01"),  # the byline is no modification's
])
def test_a_year_start_publication_stands_beside_a_story_time_an_update_or_a_near_modification(
        lang: str, published: str, label: str, modified: str, want: str) -> None:
    assert str(stored_day(stamp_page(lang, published, label, modified), STAMP_URL)) == want


@pytest.mark.parametrize("lang", ["de", "en", "fr"])
def test_a_year_start_publication_without_a_second_declared_publication_keeps_its_day(lang: str) -> None:
    # the twenty-third pass's review: a real New Year's Day story on the hour, its byline's `<time>` its update's
    assert str(stored_day(stamp_page(lang, "2021-01-01T11:00:00.000Z", state=""), STAMP_URL)) == "2021-01-01"


# Review of the thirty-sixth pass (each test failed on f8b2282 unless it says otherwise).

def inline_aside_page(aside: str, paragraphs_before: int) -> str:
    title, sentence, _, _ = META_STORY["en"]
    return (f'<html lang="en"><head><title>{title}</title><meta name="Date" content="2022-1-21T10:00:00+01:00"></head>'
            f'<body><header><a href="/">Home</a></header><div class="article"><h1>{title}</h1><div class="body">'
            + "".join(f"<p>{sentence * 2}</p>" for _ in range(paragraphs_before)) + aside
            + "".join(f"<p>{sentence * 2}</p>" for _ in range(3)) + "</div></div></body></html>")


@pytest.mark.parametrize("aside", [
    '<aside class="pullquote"><p>Posted <time datetime="2019-03-02">March 2, 2019</time></p></aside>',
    '<aside><time datetime="2019-03-02">March 2, 2019</time> <a href="/x">Earlier report</a></aside>',
])
def test_a_dated_aside_deep_in_the_body_is_no_meta_row(aside: str) -> None:
    # the meta row sits under the standfirst, the story's first prose block; an aside after the body's third
    # paragraph is a pull quote's or an inline teaser's, and its day is no story's
    assert str(stored_day(inline_aside_page(aside, 3), META_URL)) == "2022-01-21"


SECTION_SENTENCE = "The council voted on the budget on Thursday after a long debate about the roads and schools. "


@pytest.mark.parametrize("section", ["Sport", "Local News"])
def test_a_section_h1_naming_the_titles_first_part_leaves_the_h2_that_names_the_story(section: str) -> None:
    story = "Rovers win the cup after a late goal in extra time"
    html = (f'<html lang="en"><head><title>{section} - {story} - Example</title><meta name="date" '
            f'content="2020-02-12"></head><body><header><a href="/">Home</a></header><div id="content">'
            f'<h1>{section}</h1><div class="news"><h2>{story}</h2>'
            + "".join(f"<p>{SECTION_SENTENCE * 3}</p>" for _ in range(4)) + "</div></div></body></html>")
    headline = page_headline(page_tree(html))  # the section's `<h1>` was, and the dates around it the story's
    assert headline is not None and headline.tag == "h2"


@pytest.mark.parametrize(("byline", "day"), [
    ("By A. Writer · Thurs March 12, 2026", MARCH_13 - timedelta(days=1)),
    ("By A. Writer · Thur March 12, 2026", MARCH_13 - timedelta(days=1)),
    ("By A. Writer · Weds March 11, 2026", MARCH_13 - timedelta(days=2)),
    ("By A. Writer · Tues March 10, 2026", MARCH_13 - timedelta(days=3)),
    ("Di A. Autore · Sab 14 marzo 2026", MARCH_13 + timedelta(days=1)),
    ("Por A. Autor | Mie 11 de marzo de 2026", MARCH_13 - timedelta(days=2)),
    ("Por A. Autor | Sab 14 de marzo de 2026", MARCH_13 + timedelta(days=1)),
    ("Przez A. Kowalski · Pn 9 marca 2026", MARCH_13 - timedelta(days=4)),
    ("Przez A. Kowalski · Nd 15 marca 2026", MARCH_13 + timedelta(days=2)),
])
def test_each_languages_other_short_weekday_forms_name_their_weekday(byline: str, day: date) -> None:
    assert authored_day(page_tree(utc_page(byline, "en", json_ld="2026-03-08T20:00:00Z"))) == day


@pytest.mark.parametrize("byline", ["Przez A. Kowalski · Niedz 13 marca 2026", "By A. Writer · Thurs March 13, 2026"])
def test_a_longer_short_weekday_that_is_not_the_dates_is_a_labels_word(byline: str) -> None:
    # a guard (passed on f8b2282, through `_other_weekday_alone`): the new forms name their day too; "Niedz" has five
    # letters, as many as the shortest full name, and is read by the table, not by its length
    assert authored_day(page_tree(utc_page(byline, "en", json_ld="2026-03-12T20:00:00Z"))) is None
