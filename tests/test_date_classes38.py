"""The thirty-seventh pass on publication dates (docs/extraction.md, "Thirty-seventh pass, dates"), each written as a
test before its change.

1. A modification meta's day (`og:updated_time`, `article:modified_time`, `last-modified`, JSON-LD `dateModified`)
   gives way to an earlier day the story's `<time>` marks as its publication ("Erschienen am", "Published on",
   "Publié le") on a page that declares no publication (BBAW's bmel.de: `og:updated_time` of the 27th over "Erschienen
   am 26. Jan 2022"): the first publication over the update, as the blind sets' references follow where a page gives
   both.
"""

from __future__ import annotations

from datetime import date

import pytest

from newsflow.extract import page_tree
from newsflow.lastresortdates import SENTENCE_CHARS, self_posted_day
from newsflow.printeddates import clipped, first_date
from tests.date_batch20 import stored_day

# 1. A modification meta against the story's marked publication.

PARAGRAPHS = 6
"""Paragraphs of three text nodes each: the story's `<time>` after them is past the byline's reach (bmel.de's form)."""
UPDATED_URL = "https://www.example.de/themen/laendliche-regionen/zukunftsforum.html"
STORY = {
    "de": ("Zukunftsforum Ländliche Entwicklung", "Das Forum stand unter dem Motto Ehrenamt, und in dreißig "
           "Fachforen wurde über das Engagement auf dem Land diskutiert. ", "Erschienen am", "26. Jan 2022"),
    "en": ("Rural development forum", "The forum was held under the motto of volunteering, and thirty panels "
           "debated how people engage in rural life. ", "Published on", "Jan 26, 2022"),
    "fr": ("Forum du développement rural", "Le forum avait pour thème le bénévolat, et trente ateliers ont débattu "
           "de l'engagement dans les campagnes. ", "Publié le", "26 janv. 2022"),
    "it": ("Forum dello sviluppo rurale", "Il forum era dedicato al volontariato, e trenta gruppi di lavoro hanno "
           "parlato dell'impegno nelle campagne. ", "Pubblicato il", "26 gen 2022"),
    "nl": ("Forum plattelandsontwikkeling", "Het forum stond in het teken van vrijwilligerswerk, en dertig panels "
           "spraken over de inzet op het platteland. ", "Geplaatst op", "26 jan 2022"),
}


def modified_meta(kind: str, value: str) -> str:
    if kind == "ld":
        return ('<script type="application/ld+json">{"@context":"https://schema.org","@type":"WebPage",'
                f'"dateModified":"{value}"}}</script>')
    attribute = "name" if kind == "last-modified" else "property"
    return f'<meta {attribute}="{kind}" content="{value}">'


def updated_page(lang: str, kind: str, value: str, day: str = "2022-01-26", label: str | None = None,
                 block: str = "c-teaser__meta") -> str:
    title, sentence, published, printed = STORY[lang]
    label = published if label is None else label
    return (f'<html lang="{lang}"><head><title>{title}</title>{modified_meta(kind, value)}</head><body>'
            f'<header><a href="/">Home</a></header><main><div class="c-intro"><h1 class="c-intro__headline">{title}'
            '</h1></div>' + f"<p>{sentence}<strong>{title}</strong> {sentence * 2}</p>" * PARAGRAPHS
            + f'<p class="{block}"><span class="aural">{label}</span> <time datetime="{day}">{printed}</time>'
            '</p></main></body></html>')


@pytest.mark.parametrize("lang", ["de", "en", "fr"])
@pytest.mark.parametrize(("kind", "value"), [
    ("og:updated_time", "2022-01-27T18:34:20+0100"),
    ("article:modified_time", "2022-01-27T18:34:20Z"),
    ("last-modified", "2022-02-03T09:00:00+01:00"),
    ("ld", "2022-01-27T18:34:20-05:00"),
])
def test_a_modification_meta_gives_way_to_the_storys_marked_publication(lang: str, kind: str, value: str) -> None:
    assert str(stored_day(updated_page(lang, kind, value), UPDATED_URL)) == "2022-01-26"


@pytest.mark.parametrize("lang", ["de", "en", "fr"])
def test_a_time_after_the_modification_leaves_the_modifications_day(lang: str) -> None:
    # a publication after its own update is no publication: the page's `<time>` dates something else
    page = updated_page(lang, "og:updated_time", "2022-01-27T18:34:20+01:00", day="2022-02-05")
    assert str(stored_day(page, UPDATED_URL)) == "2022-01-27"


@pytest.mark.parametrize("lang", ["de", "en", "fr"])
def test_an_epoch_placeholder_leaves_the_modifications_day(lang: str) -> None:
    # review: the rule's plausibility guard had no test; a CMS's empty date prints the epoch
    page = updated_page(lang, "og:updated_time", "2022-01-27T18:34:20+01:00", day="1970-01-01")
    assert str(stored_day(page, UPDATED_URL)) == "2022-01-27"


@pytest.mark.parametrize(("lang", "label"), [("de", "Aktualisiert am"), ("en", "Updated"), ("fr", "Mis à jour le"),
                                             ("de", "Termin:"), ("en", "Event:")])
def test_a_time_marked_as_an_update_or_an_event_leaves_the_modifications_day(lang: str, label: str) -> None:
    page = updated_page(lang, "og:updated_time", "2022-01-27T18:34:20+01:00", label=label)
    assert str(stored_day(page, UPDATED_URL)) == "2022-01-27"


# 2. A dateline under the headline whose named month has a two-digit year ("( Pescasseroli, 14 Gennaio 20 )": BBAW's
#    parcoabruzzo.it, stored htmldate's guess of 1 March 2020).

DATELINE_URL = "http://www.example.it/dettaglio.php?id=58354"
DATELINE_STORY = {
    "it": ("Orso marsicano: un anno da record", "Sono almeno nove le femmine di orso che si sono riprodotte nel "
           "parco, un numero che non si vedeva da molti anni. "),
    "en": ("Marsican bear: a record year", "At least nine female bears raised cubs in the park, a number not seen "
           "for many years. "),
    "de": ("Marsischer Bär: ein Rekordjahr", "Mindestens neun Bärinnen haben im Park Junge aufgezogen, so viele wie "
           "seit vielen Jahren nicht. "),
    "fr": ("L'ours marsicain : une année record", "Au moins neuf ourses ont eu des petits dans le parc, un nombre "
           "jamais vu depuis des années. "),
}


def dateline_page(lang: str, dateline: str) -> str:
    title, sentence = DATELINE_STORY[lang]
    return (f'<html lang="{lang}"><head><title>{title} | Parco</title><link rel="stylesheet" '
            'href="css/stile20200121.css"></head><body><div id="menu"><a href="/">Home</a> <a href="news.php">News</a>'
            f'</div><h1>{title}</h1><div id="colonna_testo"><em>{dateline}</em>'
            + f"<p>{sentence * 3}</p>" * 4 + '</div><div class="credits">&copy; 2020 Ente Parco</div></body></html>')


@pytest.mark.parametrize(("lang", "dateline"), [
    ("it", "( Pescasseroli, 14 Gennaio 20 )"), ("it", "Pescasseroli, 14 gen 20"),
    ("en", "(Pescasseroli, 14 January 20)"), ("en", "Pescasseroli · Jan 14, 20"),
    ("de", "(Pescasseroli, 14. Januar 20)"), ("fr", "( Pescasseroli, 14 janvier 20 )"),
])
def test_a_datelines_named_month_with_a_two_digit_year_dates_the_story(lang: str, dateline: str) -> None:
    assert str(stored_day(dateline_page(lang, dateline), DATELINE_URL)) == "2020-01-14"


@pytest.mark.parametrize(("text", "day"), [
    ("( Pescasseroli, 14 Gennaio 20 )", date(2020, 1, 14)), ("14 January 20", date(2020, 1, 14)),
    ("Jan 14, 20 | Politics", date(2020, 1, 14)), ("14. Januar 98 - Politik", date(1998, 1, 14)),
    ("14 January 20:30", None), ("14 January 20 people", None), ("on 14 January 20 of them", None),
    ("14 January 2020", date(2020, 1, 14)),
    ("Sa. 14. März 20 - 22 Uhr", None), ("14 March 20\u201322", None),
    ("Jan 14, 20 \u2014 Politics", date(2020, 1, 14)),
    ("14 Gennaio 20 \u00b7 Pescasseroli", date(2020, 1, 14)), ("Jan 14, 20 \u2022 Politics", date(2020, 1, 14)),
])
def test_a_named_month_takes_a_two_digit_year_only_where_the_line_or_its_part_ends(text: str, day: date | None) -> None:
    found = first_date(text, named=True)
    assert (found[1] if found is not None else None) == day


# Review of the thirty-seventh pass.

@pytest.mark.parametrize(("lang", "label"), [
    ("de", "Erschienen am"), ("de", "Veröffentlicht am"), ("en", "Published on"), ("fr", "Publié le"),
    ("fr", "Mis en ligne le"), ("it", "Pubblicato il"), ("it", "Pubblicata il"), ("nl", "Geplaatst op"),
    ("nl", "Gepubliceerd op"),
])
def test_the_publication_labels_of_every_language_the_labels_know_beat_a_modification_meta(lang: str,
                                                                                           label: str) -> None:
    # review: in a block whose class names no publication ("c-teaser__meta" did, so the label was never read), rule 1
    # read only the labels `declareddates._PUBLISHED` knew (de, en, fr "Publié", es), not the Italian, Dutch and
    # French ones `labelleddates._LABEL` reads as a publication's
    page = updated_page(lang, "og:updated_time", "2022-01-27T18:34:20+01:00", label=label, block="c-teaser__info")
    assert str(stored_day(page, UPDATED_URL)) == "2022-01-26"


@pytest.mark.parametrize("year", ["2026", "2019"])
def test_a_text_cut_inside_its_year_reads_no_two_digit_year(year: str) -> None:
    # review: the sentence after a self-link is cut at `SENTENCE_CHARS`; a four-digit year the cut splits ("January
    # 14, 20|26") ended the text there, and rule 2 read its first two digits as the year (2020)
    url = "https://blog.example.com/about-the-forum/"
    opening = "This entry was posted in Community, Events, Forum, Volunteering, Rural Life and tagged "
    tags = ", ".join(f"tag{number}" for number in range(60))
    dated = f" on January 14, {year} at 10:00 by Anna."
    cut = SENTENCE_CHARS - len(f" {opening} on January 14, 20")
    html = (f'<html><body><article><p>x</p></article><aside><p><a href="{url}">The forum</a> {opening}'
            f"{tags[:cut]}{dated}</p></aside></body></html>")
    assert self_posted_day(page_tree(html), url) is None


@pytest.mark.parametrize(("text", "size", "cut"), [
    ("on January 14, 2026 at 10:00", 17, "on January 14,"),
    ("on January 14, 2026 at 10:00", 20, "on January 14, 2026 "),
    ("on January 14, 2026", 19, "on January 14, 2026"), ("on January 14, 2026", 40, "on January 14, 2026"),
    ("January", 3, ""),
])
def test_a_cut_text_keeps_no_split_word(text: str, size: int, cut: str) -> None:
    # the form `printedday.day_printed_for` reads a long `<time>`'s text in, as `self_posted_day` its sentence
    assert clipped(text, size) == cut


@pytest.mark.parametrize(("text", "day"), [
    ("Jan 14, 45 | Jan 15, 2020", date(2020, 1, 15)), ("(13 mai 68) le 14 mai 2020", date(2020, 5, 14)),
    ("Flashback (9. November 89)", None), ("Dec 31, 99 |", date(1999, 12, 31)),
])
def test_a_two_digit_year_read_as_a_later_year_than_this_is_no_year(text: str, day: date | None) -> None:
    # review: `_century` reads "45" as 2045, a day no page is published on; as the text's first date it hid the
    # publication after it ("13 mai 68" is May 1968, the events, not 2068)
    found = first_date(text, named=True)
    assert (found[1] if found is not None else None) == day
