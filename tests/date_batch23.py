"""The twenty-third date pass's batch (docs/extraction.md, "Twenty-third pass, dates"): three classes the
twenty-second pass left.

1. A folder of the URL that reads as a day, a month and a year but is no CMS date folder: a product's version
   ("/software/1.10.2024/"), a release or download named by its day, a documentation tree, a day's index that
   ends the path. The twenty-second pass read them all as the page's day; a news CMS puts the story *under* its
   day folder (a slug or an id after it). The pages print no date, so the URL is all that could date them.
2. A kicker or dateline printing the story's day just *above* its `<article>` ("Politics · 30 November 2026"),
   and an age inside it ("3 days ago"): the twentieth pass's rule took the kicker's day for a ticker's (printed
   outside the story) and the page was dated by its age; the same page without `<article>` keeps the kicker's.
3. A JSON-LD `datePublished` that is a CMS's placeholder (2000-01-01, 1990-01-01, 2001-01-01) decades before the
   page's `dateModified`, on a page that prints its own day under the headline: the placeholder was the declared
   publication and beat the printed day.
4. A page without `<article>` that states only its age, with a cookie or consent notice written in sentences after
   the story, printing today's date: its sentences looked like the story going on, so the story's end was not
   known, and the notice's day was read as the byline's.

Each page is hand-written from how its class is built, not copied from a site. Each entry is (name, html, url,
the day a run stores for it fetched at `tests.date_batch20.FETCHED`, 4 December 2026 10:00 UTC, from a feed item
without a date; None where the page states no date of its own). Both sets of each class were written before any
rule of this pass; the second sets (`*_AFTER`) were run once, after the rules, and not used to choose them.
`python -m tests.date_batch23 [urls|kickers|placeholders|cookies|heroes][-after]` prints the misses.
"""

from __future__ import annotations

import json
import sys
from datetime import date

from tests.date_batch20 import probe_ages
from tests.date_batch22 import BREAKING, LONG_DEK, bare, undated
from tests.test_date_classes import STORY, TITLE

MARCH_12, NOV_30 = date(2026, 3, 12), date(2026, 11, 30)
DEC_1, DEC_2, DEC_3 = date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3)

# --- the first class: a folder that is a version, a release, a day's index ---------------------------------------
URL_PAGES: list[tuple[str, str, str, date | None]] = [
    # guards: no story under the folder (a version's page, a release's, a day's index), or a software tree
    ("de-version-guard", undated("de"), "https://www.example.de/software/1.10.2024/", None),
    ("en-release-guard", undated("en-GB"), "https://www.example.co.uk/releases/10-11-2024/", None),
    ("ru-docs-guard", undated("ru"), "https://www.example.ru/docs/v/12.03.2026/install", None),
    ("de-download-guard", undated("de"), "https://www.example.de/download/12.03.2026/setup.exe", None),
    ("in-day-index-guard", undated("en-IN"), "https://www.example.in/news/12-03-2026", None),
    # the class as news CMSs write it: the story under its day
    ("in-news-folder", undated("en-IN"), "https://www.example.in/news/12-03-2026/council-budget-1234", MARCH_12),
    ("pk-after-host", undated("en-PK"), "https://www.example.com.pk/25-02-2026/council-budget", date(2026, 2, 25)),
    ("de-dotted-id", undated("de"), "https://www.example.de/lokales/05.03.2026/123456.html", date(2026, 3, 5)),
]
URL_PAGES_AFTER: list[tuple[str, str, str, date | None]] = [
    ("fr-firmware-guard", undated("fr"), "https://www.example.fr/firmware/2.11.2025/notes", None),
    ("en-changelog-guard", undated("en-IN"), "https://www.example.in/changelog/12-03-2026/", None),
    ("it-version-guard", undated("it"), "https://www.example.it/prodotti/versione/3.10.2025/", None),
    ("za-archive-day-guard", undated("en-ZA"), "https://www.example.co.za/archive/12/03/2026/", None),
    ("es-zip-guard", undated("es"), "https://www.example.es/descargas/12-03-2026/datos.zip", None),
    ("pl-story", undated("pl"), "https://www.example.pl/wiadomosci/12.03.2026/rada-miasta", MARCH_12),
    ("ng-id", undated("en"), "https://www.example.com.ng/25-02-2026/123456", date(2026, 2, 25)),
    ("bd-slug", undated("en"), "https://www.example.com.bd/national/28-02-2026/council-meets", date(2026, 2, 28)),
]


# --- the second class: a kicker's day above the `<article>`, an age inside it -------------------------------------
def above(kicker: str, age: str, lang: str = "en", wrapper: str = "story-top", site_date: str = "") -> str:
    """A page whose site header may print today's date (`site_date`), then a wrapper holding `kicker` just before
    the story's `<article>`, which prints only its age under the headline."""
    return (f'<html lang="{lang}"><head><title>{TITLE}</title></head><body><header><a href="/">Home</a>'
            f"<nav><a href='/politics'>Politics</a></nav>{site_date}</header>"
            f'<div class="{wrapper}">{kicker}<article><h1>{TITLE}</h1><div class="byline">'
            f'<span class="author">A. Writer</span> <span class="when">{age}</span></div>{STORY}</article></div>'
            f"<footer>© 2026 Example</footer></body></html>")


NEWS = "https://news.example.com/politics/budget"
TICKER = '<div class="ticker">Breaking · Fri 4 December 2026 · <a href="/m">Markets open higher</a></div>'
TODAY = '<div class="today">Friday, 4 December 2026</div>'
KICKER_PAGES: list[tuple[str, str, str, date | None]] = [
    ("en-kicker", above('<div class="kicker"><a href="/politics">Politics</a> · 30 November 2026</div>',
                        "3 days ago"), NEWS, NOV_30),
    ("fr-surtitre", above('<p class="surtitre">Politique | 30 novembre 2026</p>', "il y a 3 jours", "fr"),
     "https://www.example.fr/politique/9", NOV_30),
    ("es-antetitulo", above('<div class="antetitulo">Nacional · 30 de noviembre de 2026</div>', "hace 3 días",
                            "es"), "https://www.example.es/nacional/9", NOV_30),
    ("en-dateline-hours", above('<div class="dateline">LONDON, 30 November 2026</div>', "2 hours ago",
                                site_date=TODAY), NEWS, NOV_30),
    # guards: a ticker or the site's date bar above the story is not its day; the age dates the page
    ("en-ticker-guard", above(TICKER, "2 days ago"), NEWS, DEC_2),
    ("en-site-date-guard", above("", "2 days ago", site_date=TODAY), NEWS, DEC_2),
]
KICKER_PAGES_AFTER: list[tuple[str, str, str, date | None]] = [
    ("de-dachzeile", above('<div class="dachzeile">Politik · 30. November 2026</div>', "vor 3 Tagen", "de"),
     "https://www.example.de/politik/9", NOV_30),
    ("pt-chapeu", above('<span class="chapeu">Política · 30 de novembro de 2026</span>', "há 3 dias", "pt-BR"),
     "https://www.example.com.br/politica/9", NOV_30),
    ("en-month-first", above('<div class="article-top-meta">Nov 30, 2026 | World</div>', "3 days ago", "en-US"),
     "https://www.example.com/world/9", NOV_30),
    ("it-occhiello", above('<p class="occhiello">Cronaca, 30 novembre 2026</p>', "3 giorni fa", "it",
                           site_date=TODAY), "https://www.example.it/cronaca/9", NOV_30),
    # guards: an edition strip and a breaking bar above the story
    ("en-edition-guard", above('<div class="edition-strip">Today\'s paper · 4 December 2026</div>', "1 day ago"),
     NEWS, DEC_3),
    ("en-breaking-guard", above('<div class="breaking-news">4 December 2026 · <a href="/x">Storm closes the port'
                                "</a></div>", "2 days ago"), NEWS, DEC_2),
]


# --- the third class: a placeholder `datePublished` decades before `dateModified` ---------------------------------
def ld_page(published: str, modified: str, byline: str, lang: str = "en") -> str:
    """A story whose JSON-LD states `published` and `modified` and whose byline prints `byline`."""
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": TITLE,
                     "datePublished": published, "dateModified": modified})
    return (f'<html lang="{lang}"><head><title>{TITLE}</title><script type="application/ld+json">{ld}</script>'
            f'</head><body><header><a href="/">Home</a></header><article><h1>{TITLE}</h1><div class="byline">'
            f'<span class="author">A. Writer</span> <span class="when">{byline}</span></div>{STORY}</article>'
            f"<footer>© 2026 Example</footer></body></html>")


PLACEHOLDER_PAGES: list[tuple[str, str, str, date | None]] = [
    ("en-2000", ld_page("2000-01-01T00:00:00+00:00", "2026-03-12T10:00:00+00:00", "12 March 2026"), NEWS,
     MARCH_12),
    ("de-1990", ld_page("1990-01-01T00:00:00Z", "2026-03-12T11:30:00+01:00", "12.03.2026, 11:30 Uhr", "de"),
     "https://www.example.de/politik/9", MARCH_12),
    ("es-2001-noon", ld_page("2001-01-01T12:00:00-05:00", "2026-03-12T09:00:00-05:00", "12 de marzo de 2026", "es"),
     "https://www.example.com.co/politica/9", MARCH_12),
    # guards: an archive story updated decades later prints its own old day; a real old day with no byline
    ("en-archive-guard", ld_page("1998-06-15T08:00:00Z", "2026-03-12T10:00:00Z", "June 15, 1998"), NEWS,
     date(1998, 6, 15)),
    ("en-old-no-byline-guard", ld_page("2003-05-20T08:00:00Z", "2026-03-12T10:00:00Z", ""), NEWS, date(2003, 5, 20)),
    # guard added after the rule's first form (found by `bench.identity` on the BBC's explainer): a real old time,
    # its byline's `<time>` the update's age
    ("en-explainer-guard", ld_page("2012-05-10T14:29:05.000Z", "2026-12-03T11:16:53.545Z",
                                   '<time datetime="2026-12-03T11:16:53.545Z">1 day ago</time>'), NEWS,
     date(2012, 5, 10)),
]
PLACEHOLDER_PAGES_AFTER: list[tuple[str, str, str, date | None]] = [
    ("fr-2000-date-only", ld_page("2000-01-01", "2026-03-12T10:00:00+01:00", "Publié le 12 mars 2026", "fr"),
     "https://www.example.fr/politique/9", MARCH_12),
    ("pt-1999", ld_page("1999-12-31T00:00:00-03:00", "2026-03-12T10:00:00-03:00", "12/03/2026 10h00", "pt-BR"),
     "https://www.example.com.br/politica/9", MARCH_12),
    ("en-2000-time", ld_page("2000-01-01T00:00:00Z", "2026-03-11T22:00:00Z",
                             '<time datetime="2026-03-11T22:00:00Z">March 11, 2026</time>'), NEWS, date(2026, 3, 11)),
    # guards: a story from 2005 updated in 2026 that prints its day; one printing only its update
    ("en-2005-guard", ld_page("2005-09-01T10:00:00Z", "2026-03-12T10:00:00Z", "1 September 2005"), NEWS,
     date(2005, 9, 1)),
    ("en-updated-guard", ld_page("2004-02-10T10:00:00Z", "2026-03-12T10:00:00Z", "Updated 12 March 2026"), NEWS,
     date(2004, 2, 10)),
]


# --- the fourth class: no `<article>`, an age, a cookie notice in sentences after the story with today's date ----
def notice(name: str, sentences: str, stamp: str, attributes: str = "") -> str:
    """A notice block: its sentences, then a short line with the day the reader's choice was saved."""
    return f'<div class="{name}"{attributes}><p>{sentences}</p><small>{stamp}</small></div>'


COOKIE_EN = notice("cookie-consent", "We use cookies to give you the best experience on our website and to show you "
                   "relevant adverts. By continuing to browse, you agree to our use of cookies.",
                   "Saved 4 December 2026")
COOKIE_DE = notice("cmp-banner", "Wir verwenden Cookies, um Ihnen das beste Erlebnis auf unserer Website zu bieten "
                   "und Inhalte zu personalisieren.", "Gespeichert: 04.12.2026")
PRIVACY_FR = notice("bandeau-rgpd", "Nous utilisons des cookies pour améliorer votre expérience sur notre site et "
                    "mesurer notre audience.", "Choix enregistré le 4 décembre 2026",
                    ' role="dialog" aria-modal="true"')
COOKIE_PAGES: list[tuple[str, str, str, date | None]] = [
    ("en-cookie-sentences", bare(f'<div class="post"><h1>{TITLE}</h1><div class="byline">2 days ago</div>{STORY}'
                                 f"</div>{COOKIE_EN}"), NEWS, DEC_2),
    ("de-cmp-sentences", bare(f'<div class="beitrag"><h1>{TITLE}</h1><span>vor 3 Tagen</span>{STORY}</div>'
                              f"{COOKIE_DE}", "de"), "https://www.example.de/politik/10", DEC_1),
    # guard: the story goes on past a notice put between its paragraphs; the bar after it is not its byline
    ("en-notice-mid-story-guard", bare(f'<div class="post"><h1>{TITLE}</h1><div class="byline">2 days ago</div>'
                                       f"{STORY}{COOKIE_EN}{STORY}</div>{BREAKING}"), NEWS, DEC_2),
]
GDPR_NL = notice("gdpr-notice", "Wij gebruiken cookies om onze website te verbeteren en om advertenties te tonen die "
                 "bij u passen.", "Opgeslagen op 04-12-2026 om 09:00")
CONSENT_ES = notice("x1", "Utilizamos cookies propias y de terceros para mejorar nuestros servicios y mostrarle "
                    "publicidad relacionada con sus preferencias.", "Guardado el 4 de diciembre de 2026",
                    ' id="consent-layer"')
COOKIE_PAGES_AFTER: list[tuple[str, str, str, date | None]] = [
    ("fr-rgpd-dialog", bare(f'<section class="contenu"><h1>{TITLE}</h1><span>il y a 2 jours</span>{STORY}</section>'
                            f"{PRIVACY_FR}", "fr"), "https://www.example.fr/politique/10", DEC_2),
    ("nl-gdpr", bare(f'<div class="nieuws"><h1>{TITLE}</h1><div class="tijd">3 dagen geleden</div>{STORY}</div>'
                     f"{GDPR_NL}", "nl"), "https://www.example.nl/politiek/10", DEC_1),
    ("es-consent-id", bare(f'<main><h1>{TITLE}</h1><p>hace 2 días</p>{STORY}</main>{CONSENT_ES}', "es"),
     "https://www.example.es/politica/10", DEC_2),
    # guard: a story whose byline prints its day keeps it with such a notice after it
    ("en-byline-day-guard", bare(f'<div class="post"><h1>{TITLE}</h1><div class="byline">12 March 2026</div>'
                                 f"{STORY}</div>{COOKIE_EN}"), NEWS, MARCH_12),
]


# --- the fifth class: a hero with a standfirst, the byline's age, then 40+ texts of four words before the story ---
def hero(byline: str, between: str, lang: str = "en", after: str = "") -> str:
    """A header holding the headline and a long standfirst, the byline after it, `between`, the story, `after`."""
    return bare(f'<div class="page"><div class="head"><h1>{TITLE}</h1><p>{LONG_DEK}</p></div>'
                f'<div class="meta">{byline}</div>{between}<div class="text">{STORY}</div></div>{after}', lang)


def gallery(count: int, words: str = "The council chamber before the vote") -> str:
    return '<div class="gallery">' + "".join(f"<figure><img src='/p{n}.jpg'><figcaption>{words} ({n})"
                                             "</figcaption></figure>" for n in range(count)) + "</div>"


def linked_list(count: int, name: str, words: str = "Another story about the city") -> str:
    return f'<ul class="{name}">' + "".join(f"<li><a href='/s{n}'>{words} number {n}</a></li>"
                                            for n in range(count)) + "</ul>"


HERO_PAGES: list[tuple[str, str, str, date | None]] = [
    ("en-gallery", hero("3 days ago", gallery(45)), NEWS, DEC_1),
    ("en-playlist", hero("2 days ago", linked_list(45, "playlist", "Watch: the mayor on the budget")), NEWS, DEC_2),
    ("de-list", hero("vor 3 Tagen", linked_list(50, "liste", "Ein anderer Artikel über die Stadt"), "de"),
     "https://www.example.de/politik/11", DEC_1),
    # guard: the bar after the story is still no byline's
    ("en-gallery-bar-guard", hero("2 days ago", gallery(45), after=BREAKING), NEWS, DEC_2),
]
HERO_PAGES_AFTER: list[tuple[str, str, str, date | None]] = [
    ("es-teasers", hero("hace 2 días", linked_list(48, "videos", "Vídeo: el alcalde habla del presupuesto"), "es"),
     "https://www.example.es/politica/11", DEC_2),
    ("fr-galerie", hero("il y a 3 jours", gallery(42, "La salle du conseil avant le vote"), "fr"),
     "https://www.example.fr/politique/11", DEC_1),
    ("en-key-links", hero("1 day ago", linked_list(60, "links", "Read more on the council budget")), NEWS, DEC_3),
    # guard: the bar after the story, after a playlist
    ("en-playlist-bar-guard", hero("3 days ago", linked_list(45, "playlist"), after=BREAKING), NEWS, DEC_1),
]


if __name__ == "__main__":
    sets = {"urls": URL_PAGES, "urls-after": URL_PAGES_AFTER, "kickers": KICKER_PAGES,
            "kickers-after": KICKER_PAGES_AFTER, "placeholders": PLACEHOLDER_PAGES,
            "placeholders-after": PLACEHOLDER_PAGES_AFTER, "cookies": COOKIE_PAGES, "cookies-after": COOKIE_PAGES_AFTER,
            "heroes": HERO_PAGES, "heroes-after": HERO_PAGES_AFTER}
    probe_ages(next((sets[name] for name in sys.argv[1:] if name in sets), URL_PAGES))
