# ruff: noqa: RUF001  (letters of other scripts are the dates' own)
"""The twenty-second date pass's batch (docs/extraction.md, "Twenty-second pass, dates"): pages without an
`<article>` dated only by their age under the headline ("3 days ago") whose story ends within the byline's reach
of a ticker's, cookie notice's, weather widget's or edition strip's day (the twenty-first pass left them:
`tests.date_batch21.NO_ARTICLE_PAGES`); and pages dated only by a day-month-year folder in their URL
("/12-03-2026/"), which htmldate does not read (it reads a year first only).

Each page is hand-written from how its class is built (a CMS's wrappers of `<div>`s, `<section>`s and `<main>`, a
bar after the story), not copied from a site. Each entry is (name, html, url, the day a run stores for it fetched
at `tests.date_batch20.FETCHED`, 4 December 2026 10:00 UTC, from a feed item without a date; None where the page
states no date of its own). Both sets of each class were written before any rule of this pass; the second sets
(`*_AFTER`) were run once, after the rules, and not used to choose them. `python -m tests.date_batch22 [NAME]`
prints the misses.
"""

from __future__ import annotations

import sys
from datetime import date

from tests.date_batch20 import probe_ages
from tests.test_date_classes import STORY, TITLE

MARCH_12, NOV_30 = date(2026, 3, 12), date(2026, 11, 30)
DEC_1, DEC_2, DEC_3, DEC_4 = date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3), date(2026, 12, 4)
NEWS = "https://news.example.com/politics/budget"
LONG_DEK = ("The council approved the budget for the schools, the roads and the old library after a debate that "
            "ran late into the night, with the opposition asking for more money for the buses and the parks.")


def bare(body: str, lang: str = "en") -> str:
    """A page without `<article>`: the site's header, `body`, the site's footer."""
    return (f'<html lang="{lang}"><head><title>{TITLE}</title></head><body><header><a href="/">Home</a>'
            f"<nav><a href='/politics'>Politics</a></nav></header>{body}<footer>© 2026 Example</footer></body></html>")


# --- the first class: no `<article>`, an age under the headline, a bar's day after the story ------------------
BREAKING = '<div class="breaking-bar">Breaking · Fri 4 December 2026 · <a href="/m">Markets open higher</a></div>'
EDITION_FR = '<div class="bandeau">Édition du 4 décembre 2026 · <a href="/abo">Abonnez-vous</a></div>'
COOKIE_NL = '<div class="cookie-banner">Toestemming opgeslagen op 04-12-2026 om 09:00.</div>'
WEATHER_IT = '<div class="meteo">Venerdì 4 dicembre 2026 · Roma 14°</div>'
AGE_BARE_PAGES: list[tuple[str, str, str, date | None]] = [
    ("en-split-head", bare('<div id="main-content"><div class="article-head"><h1>' + TITLE + '</h1><p class="meta">'
                           'By A. Writer · 3 days ago</p></div><div class="article-text">' + STORY + "</div></div>"
                           + BREAKING), NEWS, DEC_1),
    ("fr-section", bare('<section class="contenu"><h1>' + TITLE + "</h1><span>il y a 2 jours</span>" + STORY
                        + "</section>" + EDITION_FR, "fr"), "https://www.example.fr/politique/7", DEC_2),
    ("nl-div-cookie", bare('<div class="nieuws"><h1>' + TITLE + '</h1><div class="tijd">2 dagen geleden</div>'
                           + STORY + "</div>" + COOKIE_NL, "nl"), "https://www.example.nl/politiek/7", DEC_2),
    ("it-main-weather", bare('<main><h1>' + TITLE + "</h1><p>2 giorni fa</p>" + STORY + "</main>" + WEATHER_IT,
                             "it"), "https://www.example.it/politica/7", DEC_2),
    # guards: a byline after a hero that holds the headline and its standfirst is the story's, short or long
    ("en-hero-dek-guard", bare('<div class="wrap"><div class="hero"><h1>' + TITLE + '</h1><p class="dek">Schools '
                               'get more.</p></div><div class="byline">12 March 2026</div><div class="body">' + STORY
                               + "</div></div>" + BREAKING), NEWS, MARCH_12),
    ("en-hero-long-dek-guard", bare('<div class="wrap"><div class="hero"><h1>' + TITLE + '</h1><p class="dek">'
                                    + LONG_DEK + '</p></div><div class="byline">12 March 2026</div>'
                                    '<div class="body">' + STORY + "</div></div>" + BREAKING), NEWS, MARCH_12),
    # guard: a story's only date in a meta block after its text, outside the story's wrapper
    ("en-meta-after-guard", bare('<div class="story"><h1>' + TITLE + "</h1>" + STORY + '</div><div class="post-meta">'
                                 "Posted on 30 November 2026</div>"), NEWS, NOV_30),
]

TICKER_BR = '<div class="ticker-cotacoes">Dólar R$ 5,10 · Ibovespa · 04/12/2026</div>'
WEATHER_RU = '<div class="weather">4 декабря 2026, Москва −3°</div>'
COOKIE_SV = '<div id="consent">Samtycke sparat 2026-12-04 09:00</div>'
AGE_BARE_PAGES_AFTER: list[tuple[str, str, str, date | None]] = [
    ("pt-materia", bare('<div class="materia"><h1>' + TITLE + '</h1><div class="info">há 3 dias</div>' + STORY
                        + "</div>" + TICKER_BR, "pt-BR"), "https://www.example.com.br/politica/8", DEC_1),
    ("ru-weather", bare('<div class="content"><h1>' + TITLE + "</h1><div>2 дня назад</div>" + STORY + "</div>"
                        + WEATHER_RU, "ru"), "https://www.example.ru/politics/8", DEC_2),
    ("en-link-in-story", bare('<section><h1>' + TITLE + "</h1><small>1 day ago</small><p>The council met on Tuesday "
                              'and approved the <a href="/budget">budget</a> for schools, roads and the library, '
                              "which the mayor had asked for since the spring and the unions since the winter.</p>"
                              "</section>" + BREAKING), NEWS, DEC_3),
    ("sv-consent", bare('<div class="artikel"><h1>' + TITLE + "</h1><span>för 2 dagar sedan</span>" + STORY
                        + "</div>" + COOKIE_SV, "sv"), "https://www.example.se/politik/8", DEC_2),
    # guard: a long standfirst in the hero, then the byline's publication cue outside it
    ("en-hero-published-guard", bare('<div class="hero"><h1>' + TITLE + "</h1><p>" + LONG_DEK + "</p></div>"
                                     '<div class="meta">Published 12 March 2026</div><div class="text">' + STORY
                                     + "</div>"), NEWS, MARCH_12),
]


# --- the second class: a day-month-year folder in the URL ------------------------------------------------------
def undated(lang: str = "en") -> str:
    """A page that prints no date: its URL is all that dates it."""
    return bare(f'<div class="story"><h1>{TITLE}</h1><p class="author">A. Writer</p>{STORY}</div>', lang)


URL_PAGES: list[tuple[str, str, str, date | None]] = [
    ("in-dashed", undated("en-IN"), "https://www.example.in/news/12-03-2026/council-budget-1234", MARCH_12),
    ("ng-day-over-12", undated("en"), "https://www.example.com.ng/news/25-02-2026/council", date(2026, 2, 25)),
    ("it-dotted", undated("it"), "https://www.example.it/cronaca/12.03.2026/consiglio", MARCH_12),
    ("us-month-first", undated("en-US"), "https://www.example.com/news/03-12-2026/council", MARCH_12),
    # guards: a date in a slug is as often an event's; an unknown order is no day
    ("in-slug-guard", undated("en-IN"), "https://www.example.in/news/council-to-meet-on-12-03-2026", None),
    ("unknown-order-guard", undated(""), "https://www.example.org/news/05-03-2026/council", None),
]
URL_PAGES_AFTER: list[tuple[str, str, str, date | None]] = [
    ("bd-dashed", undated("en"), "https://www.example.com.bd/national/28-02-2026/council-meets", date(2026, 2, 28)),
    ("de-dotted", undated("de"), "https://www.example.de/lokales/05.03.2026/rat-beschliesst", date(2026, 3, 5)),
    ("za-slashed", undated("en-ZA"), "https://www.example.co.za/news/12/03/2026/council", MARCH_12),
    # guards: a date glued to an identifier is no folder; neither is a range in a slug
    ("id-glued-guard", undated("en-IN"), "https://www.example.in/news/12-03-2026-1234567/", None),
    ("range-guard", undated("en-GB"), "https://www.example.co.uk/whats-on/12-03-2026-to-15-03-2026", None),
]


if __name__ == "__main__":
    sets = {"ages": AGE_BARE_PAGES, "ages-after": AGE_BARE_PAGES_AFTER, "urls": URL_PAGES,
            "urls-after": URL_PAGES_AFTER}
    probe_ages(next((sets[name] for name in sys.argv[1:] if name in sets), AGE_BARE_PAGES))
