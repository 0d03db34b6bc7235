"""The thirtieth date pass's batch (docs/extraction.md, "Thirtieth pass, dates"): classes found among the misses of
the tune halves of the blind sets (fundus's German publishers the corpora left out; the twenty-ninth pass's left).

1. A headline that is no `<h1>` (`HEADING_PAGES`): the page's title in an `<h2>` or `<h3>` (a broadcaster's article
   module, `<h3><span class="roofline">…</span><span class="titletext">…</span></h3>`, on a page with no `<h1>` at
   all), the byline under it ("Do 12.03.26 | 14:07 Uhr | Von A. Autor", "By A. Writer | March 12, 2026"). Without
   a headline no byline is read and no block is told apart from the story: a related list's day, or none (htmldate's
   day dropped as a teaser photo's alt text), was stored. Guards: `<h2>`s that are teasers' titles only (no
   headline: as before; `NO_HEADLINE_PAGES`), an `<h1>` headline beside an `<h2>` naming the page too (the `<h1>`
   stays the headline).
2. A `<time>` of the UTC instant whose text prints no year (`YEARLESS_PAGES`): `<time datetime="…00:44:09Z">Mar
   12</time>` on a US evening story, the twenty-ninth pass's rule reading only a text with its year. Guards: a
   yearless text two days off, 14:00 Z over the day before (no zone puts it there).

Each page is hand-written from how its class is built, not copied from a site. Each entry is (name, html, url, the
day a run stores for it fetched at `tests.date_batch20.FETCHED`, 4 December 2026 10:00 UTC, from a feed item
without a date). Both sets were written before their rule; the `*_AFTER` sets were run once, after it, and not used
to choose it.

`python -m tests.date_batch31 [heading|heading-after|yearless|yearless-after]` prints the misses.
"""

from __future__ import annotations

import json
import sys
from datetime import date

from tests.date_batch20 import probe_ages
from tests.date_batch28 import STORIES

MARCH_10, MARCH_12, MARCH_13 = date(2026, 3, 10), date(2026, 3, 12), date(2026, 3, 13)


def _paragraphs(lang: str) -> str:
    return "".join(f"<p>{STORIES[lang][1] * 3}</p>" for _ in range(4))


def teasers(days: list[str], lang: str = "en", images: bool = False) -> str:
    """A list of other stories, each with its day (as text, or as a photo's alt text with `images`)."""
    cards = "".join(
        f'<li><a href="/news/story-{n}"><img src="/img/{n}.jpg" alt="{day}, Berlin: Teilnehmer einer Demonstration">'
        f"Storm closes the coastal road for {n + 2} days</a></li>" if images else
        f'<li><a href="/news/story-{n}">Storm closes the coastal road for {n + 2} days</a> <span>{day}</span></li>'
        for n, day in enumerate(days))
    return f'<div class="teaserbox"><ul>{cards}</ul></div>'


def heading_page(heading: str, byline: str, lang: str = "en", before: str = "", after: str = "",
                 h1: str = "") -> str:
    """A story whose title is in `heading` (an `<h2>`/`<h3>`, its text the page's title), with `byline` under it,
    `before` (above the story) and `after` (below it) other blocks, and an optional `<h1>` above all."""
    title = STORIES[lang][0]
    return (f'<html lang="{lang}"><head><title>{title} | Example News</title></head><body><header><a href="/">'
            f'Example News</a></header>{h1}<div class="main">{before}<article class="layoutarticlemodule">'
            f'{heading}<div class="technicalline"><div class="lineinfo">{byline}</div></div>'
            f'<div class="textblock">{_paragraphs(lang)}</div></article>{after}</div>'
            "<footer>© 2026 Example</footer></body></html>")


def roofline(lang: str = "de") -> str:
    return (f'<h3><span class="roofline">Premiere in der Stadthalle</span><span class="hideme"> - </span>'
            f'<span class="titletext">{STORIES[lang][0]}</span></h3>')


DE_URL = "https://www.example.de/politik/beitrag/2026/03/stadtrat-schulhaushalt.html"
URL = "https://www.example.com/news/council-school-budget"
DE_BYLINE = 'Do 12.03.26 | 14:07 Uhr | Von <span class="authorname">A. Autor</span>'
HEADING_PAGES: list[tuple[str, str, str, date | None]] = [
    ("de-h3-roofline-teaser-photos", heading_page(roofline(), DE_BYLINE, "de", after=teasers(
        ["12.03.2026", "11.03.2026"], images=True)), DE_URL, MARCH_12),
    ("en-h2-list-above", heading_page(f"<h2>{STORIES['en'][0]}</h2>", "By A. Writer | March 12, 2026",
                                      before=teasers(["March 10, 2026", "March 9, 2026"])), URL, MARCH_12),
    ("fr-h2-list-above", heading_page(f'<h2 class="title">{STORIES["fr"][0]}</h2>', "Publié le 12 mars 2026", "fr",
                                      before=teasers(["10 mars 2026", "9 mars 2026"])),
     "https://www.example.com/fr/conseil-budget", MARCH_12),
    ("h1-over-h2-guard", heading_page(f"<h2>{STORIES['en'][0]}</h2>", "March 10, 2026",
                                      h1=f"<h1>{STORIES['en'][0]}</h1><p>By A. Writer | March 12, 2026</p>"),
     URL, MARCH_12),
]
HEADING_PAGES_AFTER: list[tuple[str, str, str, date | None]] = [
    ("es-h3-list-below", heading_page(f"<h3>{STORIES['es'][0]}</h3>", "Por A. Escritor | 12 de marzo de 2026", "es",
                                      before=teasers(["10 de marzo de 2026"])),
     "https://www.example.com/noticias/presupuesto-escolar", MARCH_12),
    ("de-h2-teaser-photos", heading_page(f"<h2>{STORIES['de'][0]}</h2>", "12.03.2026, 09:15 Uhr", "de",
                                         after=teasers(["12.03.2026"], images=True)), DE_URL, MARCH_12),
]

# Pages whose `<h2>`s are teasers' titles only: no headline is read (an undated story beside one teaser's day stores
# that day, on main as after the rule: the run was written to expect none, and the two guards moved here, below)
NO_HEADLINE_PAGES: list[tuple[str, str]] = [
    ("h2-teasers-only-guard", heading_page("<h2>Storm closes the coastal road</h2>", "By A. Writer",
                                           before=teasers(["March 10, 2026"]))),
    ("en-h2-related-guard", heading_page("<h2>Storm closes the coastal road</h2>", "By A. Writer",
                                         after=teasers(["March 10, 2026"]))),
]


def yearless_page(text: str, instant: str, lang: str = "en") -> str:
    """A story whose JSON-LD states its publication in UTC only, its byline's `<time>` of that instant printing
    `text`."""
    title = STORIES[lang][0]
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
                     "datePublished": instant}, ensure_ascii=False)
    return (f'<html lang="{lang}"><head><title>{title}</title><script type="application/ld+json">{ld}</script>'
            f'</head><body><main><article><header><h1>{title}</h1><div class="byline">By <a href="/by/a">A. Writer'
            f'</a> <time datetime="{instant}">{text}</time></div></header><div class="body">{_paragraphs(lang)}'
            "</div></article></main></body></html>")


EVENING = "2026-03-13T00:44:09Z"
YEARLESS_PAGES: list[tuple[str, str, str, date | None]] = [
    ("en-mar-12", yearless_page("Mar 12", EVENING), URL, MARCH_12),
    ("en-12-march-time", yearless_page("12 March, 8:44 PM", EVENING), URL, MARCH_12),
    ("en-two-days-guard", yearless_page("Mar 11", EVENING), URL, MARCH_13),
    ("en-afternoon-guard", yearless_page("Mar 12", "2026-03-13T14:00:00Z"), URL, MARCH_13),
]
YEARLESS_PAGES_AFTER: list[tuple[str, str, str, date | None]] = [
    ("fr-12-mars", yearless_page("12 mars", "2026-03-13T01:30:00Z", "fr"), "https://www.example.com/fr/conseil",
     MARCH_12),
    ("en-morning-east", yearless_page("Mar 13", "2026-03-12T22:30:00Z"), URL, MARCH_13),
    ("en-update-guard", yearless_page("Updated Mar 13", "2026-03-12T20:00:00Z"), URL, MARCH_12),
]



def event_page(under: str, lang: str = "en") -> str:
    """A story with no date declared in its markup (no JSON-LD, no meta), `under` its headline."""
    title = STORIES[lang][0]
    return (f'<html lang="{lang}"><head><title>{title}</title></head><body><main><article><header><h1>{title}</h1>'
            f'{under}</header><div class="body">{_paragraphs(lang)}</div></article></main></body></html>')


# 3. An event's day printed under the headline before the byline's (`EVENT_PAGES`): a kicker "Vote on <time
#    datetime="2026-03-20">March 20, 2026</time>" above "By A. Writer · March 12, 2026"; htmldate answered the 12th
#    (the byline's day, the URL's), and the first day printed under the headline, the event's, replaced it. Guards:
#    an update stamp before the byline (its day is no publication), a byline whose day htmldate did not find.
EVENT_PAGES: list[tuple[str, str, str, date | None]] = [
    ("en-vote-kicker", event_page('<p class="kicker">Vote on <time datetime="2026-03-20">March 20, 2026</time></p>'
                                  '<p class="byline">By A. Writer · March 12, 2026</p>'), URL, MARCH_12),
    ("de-termin-kicker", event_page('<p>Abstimmung am <time datetime="2026-03-20">20.03.2026</time></p>'
                                    "<p>Von A. Autor, 12.03.2026</p>", "de"), DE_URL, MARCH_12),
    ("en-url-day-kicker", event_page('<p>Vote scheduled for March 20, 2026</p><p>By A. Writer | March 12, 2026</p>'),
     "https://www.example.com/2026/03/12/council-school-budget", MARCH_12),
    ("en-update-first-guard", event_page("<p>Updated March 13, 2026</p><p>By A. Writer · March 12, 2026</p>"), URL,
     MARCH_12),
]
EVENT_PAGES_AFTER: list[tuple[str, str, str, date | None]] = [
    ("fr-seance-kicker", event_page('<p>Séance du <time datetime="2026-03-20">20 mars 2026</time></p>'
                                    "<p>Par A. Auteur, le 12 mars 2026</p>", "fr"),
     "https://www.example.com/fr/conseil-budget", MARCH_12),
    ("es-sesion-kicker", event_page("<p>Próxima sesión: 20 de marzo de 2026</p><p>Por A. Escritor | 12 de marzo de "
                                    "2026</p>", "es"), "https://www.example.com/noticias/presupuesto", MARCH_12),
]

if __name__ == "__main__":
    sets = {"heading": HEADING_PAGES, "heading-after": HEADING_PAGES_AFTER, "yearless": YEARLESS_PAGES,
            "yearless-after": YEARLESS_PAGES_AFTER, "event": EVENT_PAGES, "event-after": EVENT_PAGES_AFTER}
    probe_ages(sets[sys.argv[1] if len(sys.argv) > 1 else "heading"])
