"""The twenty-fourth date pass's batch (docs/extraction.md, "Twenty-fourth pass, dates (issue 15): blind pages"):
classes found among the misses of the tune halves of htmldate's two evaluation sets, where htmldate alone was right
and newsflow's rules broke its answer.

1. A `<time datetime>` whose value the template pads with spaces or a line break (`datetime=" 2026-03-13 07:07:05 "`):
   an update stamp's was cut to its first ten characters, " 2026-03-1", read as the 1st of the month, and that
   "update" bounded the publication: the story was dated on the month's first day.
2. A JSON-LD `datePublished` on one day while the published-time meta and the byline under the headline agree on
   another: the JSON-LD was read first and kept, though two sources the page states independently say the other
   day (a CMS that keeps its draft's creation in JSON-LD and republishes the story).
3. A day named in a sentence of the story that links or emphasis split into short text nodes ("… die den am
   28.12.2012 in Kraft getretenen <a>§ 1631d</a> …"): a fragment is no sentence, so the byline reader took the
   event's day for the printed publication date over htmldate's, which the page's meta and URL state.

Each page is hand-written from how its class is built, not copied from a site. Each entry is (name, html, url,
the day a run stores for it fetched at `tests.date_batch20.FETCHED`, 4 December 2026 10:00 UTC, from a feed item
without a date). Both sets of each class were written before any rule of this pass; the second sets (`*_AFTER`) were
run once, after the rules, and not used to choose them.
4. The story's title and byline in a hero inside the site's header (a "topbar" or "masthead" header, or one that is
   a child of `<body>`), the title repeated as the `<article>`'s `<h1>`: the header was the site's chrome, so the
   byline's `<time>` there, htmldate's answer, was another block's day and dropped (stored: no date). Written after
   rules 1-3, before rule 4.

5. schema.org microdata's `datePublished` on a `<time datetime>` or an element's `content` inside the story's
   article item (`itemscope itemtype=".../NewsArticle"`): only a `<meta itemprop>` was read as a declared
   publication, so htmldate's answer (a hidden "saved" `<time>`, a Dublin Core date) stood. Written after rule 4,
   before rule 5.

`python -m tests.date_batch24 [padded|votes|fragments|heroes|microdata][-after]` prints the misses.
"""

from __future__ import annotations

import json
import sys
from datetime import date

from tests.date_batch20 import probe_ages
from tests.test_date_classes import STORY, TITLE

MARCH_10, MARCH_12, MARCH_22 = date(2026, 3, 10), date(2026, 3, 12), date(2026, 3, 22)


def page(byline: str, head: str = "", lang: str = "en", story: str = STORY) -> str:
    """A story in an `<article>` with `byline` under its headline and `head` in its `<head>`."""
    return (f'<html lang="{lang}"><head><title>{TITLE}</title>{head}</head><body><header><a href="/">Home</a>'
            f"<nav><a href='/politics'>Politics</a></nav></header><article><h1>{TITLE}</h1>"
            f'<div class="article-dateline">{byline}</div>{story}</article>'
            f"<footer>© 2026 Example</footer></body></html>")


def ld(published: str, modified: str = "") -> str:
    body = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": TITLE, "datePublished": published}
    body |= {"dateModified": modified} if modified else {}
    return f'<script type="application/ld+json">{json.dumps(body)}</script>'


def meta(name: str, value: str) -> str:
    return f'<meta property="{name}" content="{value}">'


# --- the first class: a padded `datetime`, an update stamp's ------------------------------------------------------
PADDED_PAGES: list[tuple[str, str, str, date | None]] = [
    ("en-updated-next-day", page('<time datetime=" 2026-03-12 18:30:00 ">March 12, 2026 at 6:30 pm</time> '
                                 '<time datetime=" 2026-03-13 07:07:05 ">Updated March 13, 2026 at 7:07 am</time>',
                                 meta("article:published_time", "2026-03-12 18:30:00")),
     "https://www.example.com/nation/council-budget/", MARCH_12),
    ("de-newline", page('<time datetime="\n2026-03-12T10:00:00+01:00\n">12.03.2026, 10:00 Uhr</time> · '
                        'Aktualisiert: <time datetime="\n  2026-03-22T08:00:00+01:00\n">22.03.2026, 08:00 Uhr</time>',
                        lang="de"),
     "https://www.example.de/politik/haushalt-1234", MARCH_12),
    ("en-update-only", page('Updated <time datetime="  2026-03-22T09:15:00Z  ">22 March 2026</time>'),
     "https://www.example.co.uk/news/council-budget", MARCH_22),
    # guard: a padded update stamp still bounds a later declared day: the byline's earlier day is the publication
    ("en-bound-guard", page('Published March 10, 2026 · Updated <time datetime=" 2026-03-11T09:00:00Z ">'
                            "March 11, 2026</time>", ld("2026-03-14T08:00:00Z")),
     "https://www.example.com/news/council-budget/", MARCH_10),
]
PADDED_PAGES_AFTER: list[tuple[str, str, str, date | None]] = [
    ("es-actualizado", page('<time datetime=" 2026-03-12T20:00:00-05:00">12 de marzo de 2026</time> | '
                            'Actualizado <time datetime=" 2026-03-23T11:00:00-05:00">23 de marzo de 2026</time>',
                            lang="es"), "https://www.example.com.co/politica/presupuesto-9", MARCH_12),
    ("fr-tab", page('Publié le <time datetime="\t2026-03-12T09:00:00+01:00">12 mars 2026</time>, mis à jour le '
                    '<time datetime="\t2026-03-24T09:00:00+01:00">24 mars 2026</time>', lang="fr"),
     "https://www.example.fr/politique/budget-9", MARCH_12),
    ("en-spaces-ld", page('<time datetime=" 2026-03-12T18:30:00-07:00 ">March 12, 2026</time> · Updated '
                          '<time datetime=" 2026-03-20T07:00:00-07:00 ">March 20</time>',
                          ld("2026-03-12T18:30:00-07:00")),
     "https://www.example.com/local/council-budget/", MARCH_12),
]


# --- the second class: JSON-LD against the published meta and the byline, which agree ----------------------------
VOTE_PAGES: list[tuple[str, str, str, date | None]] = [
    ("de-republished", page("12. März 2026", ld("2026-03-09T07:29:00.000Z", "2026-03-25T14:24:00.000Z")
                            + meta("article:published_time", "2026-03-12T08:29:34"), "de"),
     "https://www.example.com/szene/haushalt/", MARCH_12),
    ("de-entry-date", page('<span class="entry-date"><time datetime="2026-03-12T15:25:00+01:00">12. März 2026, '
                           "15:25 Uhr</time></span>", ld("2026-03-09T10:25:56+00:00", "2026-03-12T14:26:51+00:00")
                           + meta("article:published_time", "2026-03-12T14:25:00+00:00"), "de"),
     "https://example.de/news/haushalt-der-stadt/", MARCH_12),
    # guards: the JSON-LD and the meta agree, the byline prints another day; the byline's day is an update's
    ("en-two-declared-guard", page("March 14, 2026", ld("2026-03-12T09:00:00Z") + meta("article:published_time",
                                                                                       "2026-03-12T09:00:00Z")),
     "https://www.example.com/news/council-budget/", MARCH_12),
    ("en-update-guard", page("Updated March 14, 2026", ld("2026-03-12T09:00:00Z") + meta("article:published_time",
                                                                                         "2026-03-14T09:00:00Z")),
     "https://www.example.com/news/council-budget/", MARCH_12),
]
VOTE_PAGES_AFTER: list[tuple[str, str, str, date | None]] = [
    ("en-later-ld", page("March 12, 2026", ld("2026-03-16T10:00:00Z") + meta("article:published_time",
                                                                             "2026-03-12T10:00:00Z")),
     "https://www.example.com/news/council-budget/", MARCH_12),
    ("it-meta-byline", page("12 marzo 2026", ld("2026-03-08T06:00:00+01:00") + meta("article:published_time",
                                                                                    "2026-03-12T09:00:00+01:00"), "it"),
     "https://www.example.it/cronaca/bilancio/", MARCH_12),
    # guard: one against one (no byline day): the JSON-LD stays
    ("en-no-byline-guard", page("A. Writer", ld("2026-03-12T10:00:00Z") + meta("article:published_time",
                                                                               "2026-03-16T10:00:00Z")),
     "https://www.example.com/news/council-budget/", MARCH_12),
]


# --- the third class: an event's day in a sentence that links split ---------------------------------------------
def linked_sentence(before: str, linked: str, after: str) -> str:
    return f"<p>{before} <a href='/law'>{linked}</a> {after}</p>"


LAW_DE = linked_sentence("Heute vor drei Jahren stimmte der Bundestag über den", "Gesetzentwurf", "ab. Eben jene "
                         "Entscheidung, die den am 28.12.2012 in Kraft getretenen <em>§ 1631d</em> in das "
                         "Bürgerliche Gesetzbuch brachte, wird bis heute von vielen Ärzten kritisiert.")
LAW_EN = linked_sentence("Three years ago the assembly voted on the", "bill", "that took effect on 28 December "
                         "2012, amending <em>section 12</em> of the civil code, and doctors still criticise it today.")
FRAGMENT_PAGES: list[tuple[str, str, str, date | None]] = [
    ("de-meta-url", page("Veröffentlicht von A. Writer", meta("article:published_time", "2026-03-12T05:00:37+00:00"),
                         "de", LAW_DE + STORY), "https://blog.example.de/2026/03/12/drei-jahre/", MARCH_12),
    ("en-url-only", page("Posted by A. Writer", story=LAW_EN + STORY),
     "https://blog.example.com/2026/03/12/three-years/", MARCH_12),
    # guard: a byline that prints its day, then the sentence: the byline's day stands
    ("en-byline-guard", page("Posted by A. Writer on 10 March 2026", story=LAW_EN + STORY),
     "https://blog.example.com/news/three-years/", MARCH_10),
]
FRAGMENT_PAGES_AFTER: list[tuple[str, str, str, date | None]] = [
    ("fr-meta", page("Par A. Writer", meta("article:published_time", "2026-03-12T07:00:00+01:00"), "fr",
                     linked_sentence("Il y a trois ans, l'assemblée adoptait la", "loi", "entrée en vigueur le 28 "
                                     "décembre 2012, qui modifiait <em>l'article 12</em> du code civil, et les "
                                     "médecins la critiquent encore.") + STORY),
     "https://www.example.fr/2026/03/12/trois-ans/", MARCH_12),
    ("es-url", page("Por A. Writer", lang="es",
                    story=linked_sentence("Hace tres años el congreso votó la", "ley", "que entró en vigor el 28 de "
                                          "diciembre de 2012 y que modificó <em>el artículo 12</em> del código civil, "
                                          "y los médicos aún la critican.") + STORY),
     "https://blog.example.es/2026/03/12/tres-anos/", MARCH_12),
]


# --- the fourth class: the story's title and byline in the site's hero header, the title again in the `<article>` --
def hero(header: str, byline: str = "", lang: str = "en", body_header: bool = False) -> str:
    """A theme's page (WordPress's Hestia and its kind): the site's header holds the menu and a hero with the story's
    title and byline (`header`), then the `<article>` repeats the title above the story; `byline` in the article."""
    top = f'<div class="wrapper post-9 post type-post">{header}' if not body_header else header
    end = "</div>" if not body_header else ""
    return (f'<html lang="{lang}"><head><title>{TITLE}</title></head><body>{top}<div class="main"><article>'
            f"<h1>{TITLE}</h1>{byline}{STORY}</article></div>{end}<footer>© 2026 Example</footer></body></html>")


def topbar(hero_block: str, name: str = "header header-with-topbar") -> str:
    return (f'<header class="{name}"><div class="topbar"><a href="/">Home</a> <a href="/kontakt">Kontakt</a></div>'
            f"<nav><a href='/news'>News</a></nav>{hero_block}</header>")


HERO_PAGES: list[tuple[str, str, str, date | None]] = [
    ("de-title-holds-byline", hero(topbar(
        f'<div class="page-header"><h1 class="hestia-title entry-title">{TITLE}<h4 class="author">von '
        '<a href="/a">A. Writer</a> <time class="entry-date published" datetime="2026-03-12T10:07:02+01:00">'
        "12. März 2026</time></h4></h1></div>"), lang="de"), "https://blog.example.de/haushalt-der-stadt/", MARCH_12),
    ("en-meta-beside-title", hero(topbar(
        f'<div class="hero"><h1 class="entry-title">{TITLE} | Example</h1><div class="entry-meta">Posted on '
        '<time datetime="2026-03-12T09:00:00Z">March 12, 2026</time> by A. Writer</div></div>',
        "site-header masthead")),
     "https://blog.example.com/council-budget/", MARCH_12),
    # guards: the site's top bar prints today's day beside its name; a ticker's other story in the top bar
    ("en-site-date-guard", hero(topbar('<h1 class="site-title">Example News</h1><span class="today">Friday, '
                                       "4 December 2026</span>"),
                                '<div class="byline">10 March 2026</div>'),
     "https://www.example.com/news/council-budget/", MARCH_10),
    ("en-ticker-guard", hero(topbar('<div class="ticker-item"><h2 class="entry-title"><a href="/x">Storm closes the '
                                    'port</a></h2><div class="entry-meta"><time datetime="2026-12-04T08:00:00Z">'
                                    "4 December 2026</time></div></div>"),
                             '<div class="byline">10 March 2026</div>'),
     "https://www.example.com/news/council-budget/", MARCH_10),
]
HERO_PAGES_AFTER: list[tuple[str, str, str, date | None]] = [
    ("fr-post-hero", hero(topbar(
        f'<div class="post-hero"><h1 class="post-title">{TITLE} · Le blog</h1><p class="post-meta">Publié le '
        '<time datetime="2026-03-12T08:00:00+01:00">12 mars 2026</time> par A. Writer</p></div>',
        "site-header top-bar"), lang="fr", body_header=True), "https://blog.example.fr/budget-du-conseil/", MARCH_12),
    ("es-title-holds-byline", hero(topbar(
        f'<div class="page-header"><h1 class="entry-title">{TITLE}<span class="byline">por A. Writer, '
        '<time class="entry-date" datetime="2026-03-12T11:00:00-03:00">12 de marzo de 2026</time></span></h1>'
        "</div>"), lang="es"), "https://blog.example.com.ar/presupuesto/", MARCH_12),
    # guard: the site's header (a child of `<body>`) prints today's date under its logo's `<h1>`
    ("en-logo-date-guard", hero('<header class="site-header"><h1 class="logo">Example</h1><div class="date-today">'
                                "Friday 4 December 2026</div></header>", '<p class="byline">10 March 2026</p>',
                                body_header=True), "https://www.example.com/news/council-budget/", MARCH_10),
]

# --- the fifth class: schema.org microdata's `datePublished` on a `<time>` (not a `<meta>`) ----------------------
def microdata(byline: str, head: str = "", lang: str = "en", kind: str = "NewsArticle", before: str = "") -> str:
    """A story marked up as a microdata item of `kind`: its `byline` holds the `itemprop` element."""
    return (f'<html lang="{lang}"><head><title>{TITLE}</title>{head}</head><body><header><a href="/">Home</a>'
            f"</header>{before}<article itemscope itemtype=\"https://schema.org/{kind}\"><h1 itemprop=\"headline\">"
            f'{TITLE}</h1><div class="meta">{byline}</div>{STORY}</article><footer>© 2026 Example</footer>'
            "</body></html>")


HIDDEN_SAVED = '<time class="hidden">2026-03-20 14:15:57</time> '
MICRODATA_PAGES: list[tuple[str, str, str, date | None]] = [
    ("de-hidden-time", microdata(HIDDEN_SAVED + '<time itemprop="datePublished" datetime="2026-03-12 10:20:00" '
                                 'class="hidden">12.03.2026</time>', lang="de"),
     "https://shop.example.de/ratgeber/datenschutz", MARCH_12),
    ("en-blogposting", microdata('Posted <time itemprop="datePublished" datetime="2026-03-12T09:00:00Z"></time>',
                                 kind="BlogPosting"), "https://www.example.com/blog/council-budget", MARCH_12),
    # guards: a related story's microdata before the story; an event's `startDate`
    ("en-related-first-guard", microdata("March 10, 2026", before='<aside class="related"><div itemscope itemtype='
                                         '"https://schema.org/NewsArticle"><a href="/x">Port</a> <time itemprop='
                                         '"datePublished" datetime="2026-03-01T08:00:00Z">1 March</time></div>'
                                         "</aside>"),
     "https://www.example.com/news/council-budget", MARCH_10),
    ("en-event-guard", microdata('March 10, 2026 · <span itemscope itemtype="https://schema.org/Event"><time '
                                 'itemprop="startDate" datetime="2026-03-20T19:00:00Z">20 March</time></span>'),
     "https://www.example.com/news/council-budget", MARCH_10),
]
MICRODATA_PAGES_AFTER: list[tuple[str, str, str, date | None]] = [
    ("it-article", microdata(HIDDEN_SAVED + '<span itemprop="datePublished" content="2026-03-12T08:00:00+01:00">'
                             "12 marzo</span>", lang="it", kind="Article"),
     "https://www.example.it/notizie/bilancio", MARCH_12),
    ("fr-time", microdata('<time itemprop="datePublished" datetime="2026-03-12">12/03/2026</time> ' + HIDDEN_SAVED,
                          lang="fr", kind="Article"), "https://www.example.fr/actualites/budget", MARCH_12),
    # guard: a product's microdata `datePublished` (a review) on a shop page, not an article
    ("en-product-guard", microdata('March 10, 2026 <div itemscope itemtype="https://schema.org/Review"><time '
                                   'itemprop="datePublished" datetime="2025-01-05">5 Jan 2025</time></div>'),
     "https://www.example.com/news/council-budget", MARCH_10),
]

if __name__ == "__main__":
    sets = {"padded": PADDED_PAGES, "padded-after": PADDED_PAGES_AFTER, "votes": VOTE_PAGES,
            "votes-after": VOTE_PAGES_AFTER, "fragments": FRAGMENT_PAGES, "fragments-after": FRAGMENT_PAGES_AFTER,
            "heroes": HERO_PAGES, "heroes-after": HERO_PAGES_AFTER, "microdata": MICRODATA_PAGES,
            "microdata-after": MICRODATA_PAGES_AFTER}
    probe_ages(next((sets[name] for name in sys.argv[1:] if name in sets), PADDED_PAGES))
