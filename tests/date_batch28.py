"""The twenty-eighth date pass's batch (docs/extraction.md, "Twenty-eighth pass, dates"): classes found among the
misses of the tune half of a new blind set (postlight/parser's custom-extractor fixtures and their expected
`date_published`).

1. A photo's upload day against the page's own: htmldate reads the day in the lead image's path (`og:image`
   `/img/2026/03/10/…`) and the page prints its own day only under a cue the rules read as an update's ("2026年03月12日
   12時00分更新", "Updated March 12, 2026", "Aktualisiert am 12.03.2026": many Japanese sites print every story's
   time so). Only the image's URL gives the day (`dates.dated_by_image_only`), and the page dated again without its
   image URLs gives another day (then `extract._dated_by_image`): the photo's day was kept all the same, flagged so
   that a feed's date replaces it in a run; without one, the photo's day was stored.

2. The story's meta column in an `<aside>`: a grid theme sets the story's category, date, reading time and share
   buttons in a narrow `<aside>` beside its header (`<aside class="columns"><ul class="content__meta"><li
   class="content__meta__date">19.07.2022</li>…`); an `<aside>` was another block's, so htmldate's day, the page's
   only one, was dropped as other stories' (stored: no date). Written after rule 1, before rule 2.

3. A URL's print-edition day against the declared UTC time the page also writes in its own offset: the URL is dated
   the next day's paper (/2026/03/13/), the published meta is "2026-03-12T11:46:01.000Z" and the page writes the same
   instant as `<time datetime="2026-03-12T07:46:01-04:00">` where the byline reader does not reach (past a share
   toolbar and the lead photo's caption, or at the story's end). The publisher's zone unknown (a .com), a bare day
   within a day of a UTC time was taken to be that time's day in some zone, and the URL's day stood. Written after
   rule 2, before rule 3.

Each page is hand-written from how its class is built, not copied from a site. Each entry is (name, html, url, the
day a run stores for it fetched at `tests.date_batch20.FETCHED`, 4 December 2026 10:00 UTC, from a feed item
without a date). Both sets were written before the rule; the second (`*_AFTER`) was run once, after it, and not used
to choose it.

`python -m tests.date_batch28 [images|asides|prints][-after]` prints the misses.
"""

from __future__ import annotations

import sys
from datetime import date

from tests.date_batch20 import probe_ages

MARCH_10, MARCH_12 = date(2026, 3, 10), date(2026, 3, 12)

STORIES = {
    "en": ("Council approves the school budget",
           "The council met on Tuesday and approved the budget for schools, roads and the library. "),
    "de": ("Stadtrat beschließt den Schulhaushalt",
           "Der Stadtrat hat am Dienstag den Haushalt für Schulen, Straßen und die Bibliothek beschlossen. "),
    "ja": ("市議会が学校予算を可決",
           "市議会は火曜日に会合を開き、学校と道路と図書館の予算を賛成多数で可決した。関係者は来年度の計画を説明した。"),
    "fr": ("Le conseil adopte le budget des écoles",
           "Le conseil s'est réuni mardi et a adopté le budget des écoles, des routes et de la bibliothèque. "),
    "es": ("El concejo aprueba el presupuesto escolar",
           "El concejo se reunió el martes y aprobó el presupuesto de escuelas, calles y la biblioteca municipal. "),
}


def image_page(byline: str, lang: str = "en", image: str = "https://cdn.example.com/img/2026/03/10/1643408/lead.jpg",
               after: str = "", body_image: bool = False) -> str:
    """A story whose lead photo's URL names a day, with `byline` under its headline."""
    title, sentence = STORIES[lang]
    photo = f'<figure><img src="{image}" alt=""></figure>' if body_image else ""
    return (f'<html lang="{lang}"><head><title>{title}</title><meta property="og:image" content="{image}"></head>'
            f'<body><header><a href="/">Home</a></header><main><div class="article-head"><h1>{title}</h1>'
            f'<p class="date">{byline}</p></div>{photo}<div class="body">'
            + "".join(f"<p>{sentence * 3}</p>" for _ in range(4)) + f"</div>{after}</main>"
            "<footer>© 2026 Example</footer></body></html>")


NEWS = "https://news.example.com/articles/428292/"
COMMENTS = ('<section id="comments"><h3>2 comments</h3><div class="comment"><p>Good news for the schools.</p>'
            '<time datetime="2026-03-14T08:00:00Z">March 14, 2026</time></div></section>')
IMAGE_PAGES: list[tuple[str, str, str, date | None]] = [
    ("ja-koshin", image_page("2026年03月12日 12時00分更新", "ja"), "https://weekly.example.jp/elem/000/428/", MARCH_12),
    ("en-updated", image_page("Updated March 12, 2026", image="https://example.com/wp-content/uploads/2026/03/10/"
                              "council.jpg"), NEWS, MARCH_12),
    ("de-aktualisiert", image_page("Aktualisiert am 12.03.2026, 09:30 Uhr", "de"), "https://www.example.de/politik/1",
     MARCH_12),
    ("en-photo-only-guard", image_page("By A. Writer"), NEWS, MARCH_10),
    ("en-same-day-guard", image_page("Updated March 10, 2026"), NEWS, MARCH_10),
]
IMAGE_PAGES_AFTER: list[tuple[str, str, str, date | None]] = [
    ("ja-koshin-body", image_page("2026/03/12 18:00 更新", "ja", body_image=True), "https://www.example.jp/news/77",
     MARCH_12),
    ("fr-mis-a-jour", image_page("Mis à jour le 12 mars 2026 à 10h15", "fr"), "https://www.example.fr/actu/1",
     MARCH_12),
    ("es-actualizado", image_page("Actualizado el 12 de marzo de 2026", "es"), "https://www.example.es/n/1",
     MARCH_12),
    ("de-photo-only-guard", image_page("Von A. Writer", "de"), "https://www.example.de/politik/2", MARCH_10),
]



def aside_page(aside: str, lang: str = "de", byline: str = "") -> str:
    """An undated story whose header has `aside` beside it in the theme's grid row."""
    title, sentence = STORIES[lang]
    return (f'<html lang="{lang}"><head><title>{title}</title></head><body><header><a href="/">Home</a></header>'
            f'<div class="row"><div class="columns"><h1>{title}</h1></div></div><div class="row">{aside}'
            f'<header class="columns"><p class="intro">{sentence}</p><div class="author">{byline}</div></header></div>'
            '<div class="row"><article class="content">'
            + "".join(f"<p>{sentence * 3}</p>" for _ in range(4)) + "</article></div>"
            "<footer>© 2026 Example</footer></body></html>")


SHARE = ('<li class="content__meta__share"><a href="https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fexample">'
         '<i class="fab fa-facebook"></i></a> <a href="mailto:?subject=Budget">E-Mail</a></li>')
ASIDE_PAGES: list[tuple[str, str, str, date | None]] = [
    ("de-content-meta", aside_page('<aside class="small-12 medium-2 columns"><ul class="content__meta"><li class="'
                                   'content__meta__category">Hintergrund</li><li class="content__meta__date">12.03.2026'
                                   '</li><li>Lesedauer ca. 5 Minuten</li><li><a href="javascript:window.print();">'
                                   f"Drucken</a></li>{SHARE}</ul></aside>"),
     "https://www.example.de/news/schulhaushalt/2039026", MARCH_12),
    ("en-article-meta", aside_page('<aside class="col-2"><div class="article-meta"><span class="date">March 12, 2026'
                                   '</span> <span>5 min read</span></div></aside>', "en"),
     "https://www.example.com/news/school-budget", MARCH_12),
    ("fr-post-meta", aside_page('<aside class="col"><div class="post-meta"><time datetime="2026-03-12T09:00:00+01:00">'
                                "12 mars 2026</time></div></aside>", "fr"),
     "https://www.example.fr/actu/budget", MARCH_12),
    ("de-teasers-guard", aside_page('<aside class="columns"><h3>Mehr zum Thema</h3><ul><li class="content__meta">'
                                    '<a href="/news/strassen/1">Der Stadtrat streitet über neue Straßen</a> '
                                    "<span>10.03.2026</span></li></ul></aside>"),
     "https://www.example.de/news/schulhaushalt/2039027", None),
    ("en-teaser-link-guard", aside_page('<aside class="col-2"><div class="entry-meta"><a href="/news/storm">Storm '
                                        "closes the coastal road for two days</a> · March 10, 2026</div></aside>",
                                        "en"), "https://www.example.com/news/school-budget-2", None),
]
ASIDE_PAGES_AFTER: list[tuple[str, str, str, date | None]] = [
    ("es-story-meta", aside_page('<aside class="col-md-2"><ul class="story-meta"><li class="story-meta__date">'
                                 "12/03/2026</li><li>Lectura: 4 min</li></ul></aside>", "es"),
     "https://www.example.es/noticias/presupuesto", MARCH_12),
    ("en-entry-meta-time", aside_page('<aside class="grid-col"><div class="entry-meta"><time datetime="2026-03-12">'
                                      'March 12, 2026</time> <a href="https://twitter.com/intent/tweet?url=x">Share'
                                      "</a></div></aside>", "en"), "https://www.example.com/news/school-budget-3",
     MARCH_12),
    ("de-latest-guard", aside_page('<aside class="columns"><ul class="content__meta"><li><a href="/news/a/2">'
                                   "Neue Radwege in der Innenstadt geplant</a> 10.03.2026</li><li><a href="
                                   '"/news/a/3">Bibliothek verlängert die Öffnungszeiten</a> 09.03.2026</li></ul>'
                                   "</aside>"), "https://www.example.de/news/schulhaushalt/2039028", None),
]



def print_page(time: str, meta_time: str = "2026-03-12T11:46:01.000Z", lang: str = "en", at_end: bool = False,
               toolbar: bool = True) -> str:
    """A story with a published meta in UTC and `time` written past the byline reader's reach."""
    title, sentence = STORIES[lang]
    tools = ('<div role="toolbar" aria-label="Share"><ul><li><button>Share</button></li><li><button>Give this article'
             '</button></li><li><a href="#comments">214</a></li><li><button>Save</button></li><li><button>Read in app'
             "</button></li></ul></div>") if toolbar else ""
    photo = ('<figure><img src="/photo.jpg" alt=""><figcaption><span>The council chamber during the vote.</span> '
             "<span>Credit...</span><span>A. Photographer for Example</span></figcaption></figure>")
    byline = ('<p class="byline">By <a href="/by/a">A. Writer</a>, <a href="/by/b">B. Writer</a> and '
              '<a href="/by/c">C. Writer</a></p>')
    stamp = f'<ul><li><time datetime="{time}">{sentence.split()[0]}</time></li></ul>'
    return (f'<html lang="{lang}"><head><title>{title}</title><meta property="article:published_time" '
            f'content="{meta_time}"></head><body><header><a href="/">Home</a></header><article><header><h1>{title}</h1>'
            f"{tools}{photo}{byline}{'' if at_end else stamp}</header><section>"
            + "".join(f"<p>{sentence * 3}</p>" for _ in range(4)) + f"</section>{stamp if at_end else ''}</article>"
            "<footer>© 2026 Example</footer></body></html>")


PRINT_URL = "https://www.example.com/2026/03/13/city/council-budget.html"
PRINT_PAGES: list[tuple[str, str, str, date | None]] = [
    ("en-print-edition", print_page("2026-03-12T07:46:01-04:00"), PRINT_URL, MARCH_12),
    ("en-time-at-end", print_page("2026-03-12T07:46:01-04:00", at_end=True, toolbar=False), PRINT_URL, MARCH_12),
    ("en-evening-pacific", print_page("2026-03-12T21:10:00-07:00", "2026-03-13T04:10:00Z"), PRINT_URL, MARCH_12),
    ("en-sydney-guard", print_page("2026-03-13T00:20:00+11:00", "2026-03-12T13:20:00Z"), PRINT_URL, date(2026, 3, 13)),
    ("en-another-instant-guard", print_page("2026-03-12T09:00:00-04:00"), PRINT_URL, date(2026, 3, 13)),
]
PRINT_PAGES_AFTER: list[tuple[str, str, str, date | None]] = [
    ("es-print-edition", print_page("2026-03-12T08:15:00-05:00", "2026-03-12T13:15:00Z", "es"),
     "https://www.example.com/2026/03/13/ciudad/presupuesto.html", MARCH_12),
    ("en-auckland-guard", print_page("2026-03-13T09:00:00+13:00", "2026-03-12T20:00:00Z", toolbar=False),
     PRINT_URL, date(2026, 3, 13)),
]

if __name__ == "__main__":
    sets = {"prints": PRINT_PAGES, "prints-after": PRINT_PAGES_AFTER, "images": IMAGE_PAGES,
            "images-after": IMAGE_PAGES_AFTER, "asides": ASIDE_PAGES,
            "asides-after": ASIDE_PAGES_AFTER}
    probe_ages(sets[sys.argv[1] if len(sys.argv) > 1 else "images"])
