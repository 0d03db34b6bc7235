"""The twenty-fifth date pass's batch (docs/extraction.md, "Twenty-fifth pass, dates (issue 15)"): classes found
among the tune halves' misses of htmldate's evaluation sets and its own test pages (the precision probe), where
htmldate alone was right and newsflow's rules broke its answer.

1. A date block named as a part of the headline's own block (BEM: "ArticleHeaderComment_publishDate" inside
   `<article class="ArticleHeaderComment">`, "opinion-comment__date" inside `<header class="opinion-comment">`): the
   block's name says "comment" (an opinion column's template) or "sidebar" (a layout's), so the date under the
   headline was read as a readers' comment's or a sidebar's and dropped; the page was stored undated (the fetch
   time). A part's own name is what says what it is: "post__comments" is still the readers' comments.
2. A day that opens the page's title ("23.01.2022 - Wierer jubelt", a press office's or a sports club's news) and that
   the story's photos repeat in their `alt` text, as CMSs fill it with the title: the tenth pass read an image's
   `alt` day as the photo's and dropped htmldate's answer, so the page was stored undated. A day the page's
   `<title>` or `og:title` names is the story's, whatever alt text repeats it; an alt's own day stays a photo's.
3. A generic Dublin Core date meta (`date`, `DC.date`, `DCTERMS.date`: TYPO3's and Drupal's record date, often its
   last change) that htmldate answers with, with a time of day, on a page that declares no publication, while the
   story's `<time datetime>` elements (a TYPO3 footer's `itemprop="datePublished"` outside any item, a Drupal node's
   "article-meta" under a headline that the site's header holds, both past the byline reader's reach) all give
   another day: htmldate's timed answer stood. That day is now the publication's, unless the byline under the
   headline prints the meta's day.
4. A URL's day (`/2026/03/11/`) a day before the day of the UTC time the page declares (JSON-LD `datePublished`
   2026-03-12T10:04Z) on a site whose time zone is not known (a .com in English): the URL's bare day was kept when
   within a day of the declared one, as some zone could make them one day. But no zone where news is published
   (UTC-10, Hawaii, to UTC+14) puts 10:04Z on the 11th: the URL dates the draft, and the declared day is kept.

Each page is hand-written from how its class is built, not copied from a site. Each entry is (name, html, url,
the day a run stores for it fetched at `tests.date_batch20.FETCHED`, 4 December 2026 10:00 UTC, from a feed item
without a date). Both sets of each class were written before its rule; the second sets (`*_AFTER`) were run once,
after the rule, and not used to choose it.

`python -m tests.date_batch25 [parts|...|generic-after|drafts|drafts-after]` prints the misses.
"""

from __future__ import annotations

import sys
from datetime import date

from tests.date_batch20 import probe_ages
from tests.date_batch24 import ld
from tests.test_date_classes import STORY, TITLE

MARCH_12 = date(2026, 3, 12)
FETCH_DAY = date(2026, 12, 4)


def column(block: str, date_line: str, lang: str = "en", tag: str = "article", after: str = "") -> str:
    """An opinion column's page: the headline and its date in a header `tag` whose class is `block`, the date line
    in `block`'s part named by `date_line` (a (part's class, text) pair); the story after the header."""
    part, text = date_line
    return (f'<html lang="{lang}"><head><title>{TITLE} | Example</title></head><body><header class="site">'
            f'<a href="/">Example</a><nav><a href="/meinung">Opinion</a></nav></header><div class="page">'
            f'<{tag} class="{block}"><div class="{block}_author">A. Writer</div><h1 class="{block}_headline">{TITLE}'
            f'</h1><div class="{part}">{text}</div></{tag}><div class="page-body">{STORY}{after}</div></div>'
            f"<footer>© 2026 Example</footer></body></html>")


COMMENTS = ('<section class="{0}"><h3>2 comments</h3><div class="{0}-item"><b>Reader</b> '
            '<span class="{0}-date">20 March 2026</span><p>I agree.</p></div></section>')
PART_PAGES: list[tuple[str, str, str, date | None]] = [
    ("de-header-comment", column("ArticleHeaderComment", ("PublishDate ArticleHeaderComment_publishDate",
                                 '<span class="PublishDate_day">Donnerstag,</span> <span>12. März 2026</span>'), "de"),
     "https://www.example.de/marketing/kommentare/haushalt-172529", MARCH_12),
    ("en-opinion-comment", column("opinion-comment", ("opinion-comment__date", "March 12, 2026"), tag="header"),
     "https://www.example.com/opinion/council-budget-9", MARCH_12),
    ("fr-sidebar-layout", column("layout-sidebar", ("layout-sidebar__meta", "Publié le 12 mars 2026"), "fr"),
     "https://www.example.fr/tribunes/budget-du-conseil", MARCH_12),
    # guards: the readers' comments are a part of the story's block ("post__comments"), their day a reader's: the
    # URL's day stays; a related list named as the block's part
    ("en-comments-part-guard", column("post", ("post__byline", "By A. Writer"),
                                      after=COMMENTS.format("post__comments")),
     "https://www.example.com/2026/03/12/council-budget/", MARCH_12),
    ("en-related-part-guard", column("article", ("article__byline", "By A. Writer"),
                                     after='<div class="article__related"><a href="/x">Port closes</a> '
                                           "<time>20 March 2026</time></div>"),
     "https://www.example.com/2026/03/12/council-budget/", MARCH_12),
]
PART_PAGES_AFTER: list[tuple[str, str, str, date | None]] = [
    ("es-column-comment", column("ColumnComment", ("ColumnComment_byline", "12 de marzo de 2026"), "es"),
     "https://www.example.com.ar/opinion/presupuesto-123", MARCH_12),
    ("it-comment-header", column("story-comment", ("story-comment__dateline", "12 marzo 2026 - 10:05"), "it",
                                 tag="div"), "https://www.example.it/commenti/bilancio-77", MARCH_12),
    # guard: the comments named as a part with a single underscore ("Story_comments") after a byline without a day
    ("de-comments-guard", column("Story", ("Story_byline", "Von A. Writer"), "de",
                                 after=COMMENTS.format("Story_comments")),
     "https://www.example.de/2026/03/12/haushalt/", MARCH_12),
]


# --- the second class: the title's day, repeated in the photos' alt text ------------------------------------------
def titled(title: str, alt: str, lang: str = "en", byline: str = "") -> str:
    """A news page whose `<title>`, og:title and headline are `title`, with two photos whose alt text is `alt`."""
    photos = "".join(f'<figure><img src="/media/photo-{n}.jpg" alt="{alt}"></figure>' for n in range(2))
    return (f'<html lang="{lang}"><head><title>{title} - Example</title><meta property="og:title" content="{title}">'
            f'</head><body><header><a href="/">Example</a></header><main><h1>{title}</h1>{byline}{photos}{STORY}'
            f"</main><footer>© 2026 Example</footer></body></html>")


TITLE_DE = "12.03.2026 - Stadtrat beschließt den Schulhaushalt"
TITLE_PAGES: list[tuple[str, str, str, date | None]] = [
    ("de-dotted-title", titled(TITLE_DE, TITLE_DE, "de"),
     "https://www.example.it/de/newsroom/12-03-2026-stadtrat-beschliesst/17-378.html", MARCH_12),
    ("en-named-title", titled(f"March 12, 2026: {TITLE}", f"March 12, 2026: {TITLE}"),
     "https://www.example.org/press/council-budget", MARCH_12),
    # guards: the alt repeats the title's words and names the photo's own day (the title names none); an alt's day
    # that is not the title's, on a page whose title names another day
    ("en-photo-day-guard", titled(TITLE, f"{TITLE} (photo: 3 March 2026)"),
     "https://www.example.org/press/council-budget", None),
    ("de-other-day-guard", titled(TITLE_DE, "Archivbild vom 3. März 2026", "de", "<p>Von A. Writer</p>"),
     "https://www.example.de/presse/haushalt", MARCH_12),
]
TITLE_PAGES_AFTER: list[tuple[str, str, str, date | None]] = [
    ("fr-title-day", titled("12 mars 2026 : le conseil adopte le budget", "12 mars 2026 : le conseil adopte le "
                            "budget", "fr"), "https://www.example.fr/actualites/budget", MARCH_12),
    ("it-dotted", titled("12.03.2026 - Il consiglio approva il bilancio", "12.03.2026 - Il consiglio approva il "
                         "bilancio", "it"), "https://www.example.it/news/bilancio-9.html", MARCH_12),
    # guard: an archive photo's day, the title naming none
    ("en-archive-guard", titled(TITLE, "Archive photo, 3 March 2026"), "https://www.example.org/press/budget", None),
]


# --- the third class: a generic Dublin Core date meta against the story's `<time>` ---------------------------------
def record(metas: str, footer: str = "", byline: str = "", lang: str = "de") -> str:
    """A CMS's news record (TYPO3's tx_news and its kind): generic date `metas` in the head, the story in an
    `<article>` with `byline` under its headline and `footer` after the story."""
    return (f'<html lang="{lang}"><head><title>{TITLE}</title>{metas}</head><body><header><a href="/">Home</a>'
            f'</header><div class="news news-single"><article itemscope itemtype="https://schema.org/Article"><h1>'
            f'{TITLE}</h1>{byline}{LONG_STORY}<div class="footer"><p>{footer}</p></div></article></div>'
            f"<footer>© 2026 Example</footer></body></html>")


LONG_STORY = "".join(f"<p>{sentence}</p>" for sentence in [
    "The council met on Tuesday and approved the budget for schools, roads and the library.",
    "The vote was close, and the mayor said the city would review the plan in the autumn."] * 8)
"""A story of 16 paragraphs: a footer after it is past the texts the byline reader reads under the headline."""

MENU = "".join(f'<a href="/themen/{n}">Thema {n}</a>' for n in range(16))


def drupal_node(metas: str, meta_block: str, lang: str = "de") -> str:
    """A Drupal page whose `<h1>` (the title with the site's name) is in the site's header region, before the menu;
    the node's `<article>` opens with `meta_block`, then the story."""
    return (f'<html lang="{lang}"><head><title>{TITLE} | Example</title>{metas}</head><body class="not-front">'
            f'<header class="region-header"><div class="container-fluid"><a href="/">Logo</a><div><h1>{TITLE} | '
            f'Example</h1></div></div></header><nav class="menu"><a href="/themen">Themen</a><a href="/presse">Presse'
            f'</a>{MENU}</nav><div class="container-fluid"><div class="row-fluid"><div class="span8">'
            f'<article class="node node-news"><div class="row-fluid"><div class="span9">{meta_block}'
            f'<div class="article-content">'
            f"{LONG_STORY}</div></div></div></article></div></div></div><footer>© 2026 Example</footer></body></html>")


def dc_date(value: str, name: str = "date") -> str:
    return f'<meta name="{name}" content="{value}">'


MICRO_12 = '<span class="news-list-date"><time itemprop="datePublished" datetime="2026-03-12">12.03.2026</time></span>'
GENERIC_PAGES: list[tuple[str, str, str, date | None]] = [
    ("de-orphan-itemprop", record(dc_date("2026-03-06T15:38:44+01:00"), MICRO_12).replace(
        ' itemscope itemtype="https://schema.org/Article"', ""),
     "https://www.example.de/service/aktuelles/schnee-mit-hund/", MARCH_12),
    ("de-drupal-time", drupal_node(dc_date("2026-03-09T09:43+01:00", "dcterms.date"), '<div class="article-meta">'
                                   '<time class="date-display-single" datetime="2026-03-12T08:00:00+01:00">'
                                   "12.03.2026</time></div>"), "https://www.example.de/themen/taxonomie", MARCH_12),
    # guard: no `<time>` in the story: the generic meta's day stands
    ("de-no-time-guard", record(dc_date("2026-03-12T10:00:00+01:00"), "Kategorie: Aktuelles"),
     "https://www.example.de/service/aktuelles/haushalt/", MARCH_12),
]
GENERIC_PAGES_AFTER: list[tuple[str, str, str, date | None]] = [
    # written before the rule; a first second set, for a form of the rule not kept (a declared publication over the
    # generic meta), was run before any rule by mistake and is not kept (docs)
    ("nl-story-time", record(dc_date("2026-03-03T10:00:00+01:00", "DC.date"), lang="nl",
                             byline='<p class="meta"><time datetime="2026-03-12">12 maart 2026</time></p>'),
     "https://www.example.nl/nieuws/begroting", MARCH_12),
    ("en-orphan-footer", record(dc_date("2026-03-17T08:00:00-05:00", "dcterms.date"), lang="en",
                                footer='Posted <time itemprop="datePublished" datetime="2026-03-12">March 12, 2026'
                                       "</time>").replace(' itemscope itemtype="https://schema.org/Article"', ""),
     "https://www.example.com/news/council-budget", MARCH_12),
    # guards: two `<time>`s of the story on two days (a publication and an event); a `<time>` in a related list
    ("de-two-days-guard", record(dc_date("2026-03-12T10:00:00+01:00"), lang="de",
                                 byline='<p><time datetime="2026-03-09">9.3.2026</time></p>',
                                 footer='Termin: <time datetime="2026-03-20">20.03.2026</time>'),
     "https://www.example.de/aktuelles/haushalt", date(2026, 3, 9)),  # the byline's `<time>` (see the docs)
    ("en-related-time-guard", record(dc_date("2026-03-12T10:00:00Z"), lang="en",
                                     footer='<ul class="related-articles"><li><a href="/x">Port</a> <time datetime='
                                            '"2026-03-02">March 2</time></li></ul>'),
     "https://www.example.com/news/council-budget", MARCH_12),
]


# --- the fourth class: the URL's day a day before a UTC time that no zone puts on it --------------------------------
def wire(url_published: str, declared: str, lang: str = "en") -> str:
    """A .com story page: JSON-LD (or a published meta, `declared` starting with "meta:") and no printed date."""
    head = (f'<meta property="article:published_time" content="{declared[5:]}">' if declared.startswith("meta:")
            else ld(declared))
    return (f'<html lang="{lang}"><head><title>{TITLE}</title>{head}<link rel="canonical" href="{url_published}">'
            f'</head><body><header><a href="/">Home</a></header><article><h1>{TITLE}</h1><p>By A. Writer</p>'
            f"{STORY}</article><footer>© 2026 Example</footer></body></html>")


DRAFT_URL = "https://www.example.com/politics/council-budget/2026/03/11/c3d22ec8_story.html"
DRAFT_PAGES: list[tuple[str, str, str, date | None]] = [
    ("en-ld-morning", wire(DRAFT_URL, "2026-03-12T10:04:04Z"), DRAFT_URL, MARCH_12),
    ("en-meta-noon", wire(DRAFT_URL, "meta:2026-03-12T16:30:00Z"), DRAFT_URL, MARCH_12),
    # guards: a US evening story (01:30Z is 21:30 on the 11th in New York); the URL's day after the declared one
    ("en-evening-guard", wire(DRAFT_URL, "2026-03-12T01:30:00Z"), DRAFT_URL, date(2026, 3, 11)),
    ("en-url-after-guard", wire(DRAFT_URL.replace("/11/", "/13/"), "2026-03-12T08:00:00Z"),
     DRAFT_URL.replace("/11/", "/13/"), date(2026, 3, 13)),
]
DRAFT_PAGES_AFTER: list[tuple[str, str, str, date | None]] = [
    ("en-ld-afternoon", wire(DRAFT_URL.replace("politics", "world"), "2026-03-12T14:00:00+00:00"),
     DRAFT_URL.replace("politics", "world"), MARCH_12),
    # guards: 09:30Z is 23:30 on the 11th in Honolulu (UTC-10); an Asian morning (20:00Z on the 11th, the 12th east)
    ("en-hawaii-guard", wire(DRAFT_URL, "2026-03-12T09:30:00Z"), DRAFT_URL, date(2026, 3, 11)),
    ("en-asia-guard", wire(DRAFT_URL.replace("/11/", "/12/"), "2026-03-11T20:00:00Z"),
     DRAFT_URL.replace("/11/", "/12/"), MARCH_12),
]

if __name__ == "__main__":
    sets = {"parts": PART_PAGES, "parts-after": PART_PAGES_AFTER, "titles": TITLE_PAGES,
            "titles-after": TITLE_PAGES_AFTER, "generic": GENERIC_PAGES, "generic-after": GENERIC_PAGES_AFTER,
            "drafts": DRAFT_PAGES, "drafts-after": DRAFT_PAGES_AFTER}
    probe_ages(next((sets[name] for name in sys.argv[1:] if name in sets), PART_PAGES))
