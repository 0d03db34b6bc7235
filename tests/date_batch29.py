"""The twenty-ninth date pass's batch (docs/extraction.md, "Twenty-ninth pass, dates"): a class found among the misses
of the tune half of a fourth blind set (metascraper's integration fixtures and their snapshots' `date`).

1. A publication time given in UTC only, on a site whose zone nothing names (a .com in English, Spanish, French,
   Portuguese, Russian), while the byline under the headline prints the publisher's day, the day before or after the
   UTC one: `<time datetime="Fri, 13 Mar 2026 00:44:09 +0000">March 12, 2026</time>` (a US evening story: 20:44 in New
   York), or a JSON-LD or meta time of 22:30 Z over a printed "March 13, 2026" (a morning story east of UTC). The UTC
   day was stored. Guards: a printed day that no zone where news is published puts the instant on (14:00 Z over the
   day before, 09:00 Z over the day after, two days off), a day only a related story's card prints.

Each page is hand-written from how its class is built, not copied from a site. Each entry is (name, html, url, the
day a run stores for it fetched at `tests.date_batch20.FETCHED`, 4 December 2026 10:00 UTC, from a feed item
without a date). Both sets were written before the rule; the second (`*_AFTER`) was run once, after it, and not used
to choose it.

`python -m tests.date_batch29 [utc|utc-after]` prints the misses.
"""

from __future__ import annotations

import json
import sys
from datetime import date

from tests.date_batch20 import probe_ages
from tests.date_batch28 import STORIES

MARCH_11, MARCH_12, MARCH_13 = date(2026, 3, 11), date(2026, 3, 12), date(2026, 3, 13)

STORIES_MORE = {
    **STORIES,
    "pt": ("Câmara aprova o orçamento das escolas",
           "A câmara reuniu-se na terça-feira e aprovou o orçamento das escolas, das ruas e da biblioteca. "),
    "ru": ("Городской совет утвердил школьный бюджет",
           "Совет собрался во вторник и утвердил бюджет школ, дорог и городской библиотеки. "),
}


def utc_page(byline: str, lang: str = "en", meta: str = "", json_ld: str = "", after: str = "") -> str:
    """A story whose publication time is stated in UTC only (`meta`: `article:published_time`, `json_ld`:
    `datePublished`), with `byline` under its headline and `after` below the story."""
    title, sentence = STORIES_MORE[lang]
    head = f'<meta property="article:published_time" content="{meta}">' if meta else ""
    if json_ld:
        head += ('<script type="application/ld+json">'
                 + json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
                               "datePublished": json_ld}, ensure_ascii=False) + "</script>")
    return (f'<html lang="{lang}"><head><title>{title}</title>{head}</head><body><header><a href="/">Home</a>'
            f'</header><main><article><header><h1>{title}</h1><div class="byline">{byline}</div></header>'
            '<div class="body">' + "".join(f"<p>{sentence * 3}</p>" for _ in range(4))
            + f"</div></article>{after}</main><footer>© 2026 Example</footer></body></html>")


def related(card: str) -> str:
    return ('<aside class="related"><h3>More stories</h3><ul><li><a href="/news/storm-closes-the-coastal-road">Storm '
            f"closes the coastal road for two days</a> {card}</li></ul></aside>")


EVENING = "Fri, 13 Mar 2026 00:44:09 +0000"
URL = "https://www.example.com/news/council-school-budget"
UTC_PAGES: list[tuple[str, str, str, date | None]] = [
    ("en-time-text", utc_page(f'By <a href="/by/a">A. Writer</a> on <time datetime="{EVENING}">March 12, 2026</time>',
                              meta="2026-03-13T00:44:09+00:00", json_ld="2026-03-13T00:44:09+00:00"), URL, MARCH_12),
    ("es-json-ld-byline", utc_page("Por A. Escritor | 12 de marzo de 2026", "es", json_ld="2026-03-13T03:15:00Z"),
     "https://www.example.com/noticias/presupuesto-escolar", MARCH_12),
    ("en-asia-morning", utc_page("By A. Writer · March 13, 2026", meta="2026-03-12T22:30:00+00:00"), URL, MARCH_13),
    ("en-afternoon-guard", utc_page("By A. Writer · March 12, 2026", json_ld="2026-03-13T14:00:00Z"), URL, MARCH_13),
    ("en-two-days-guard", utc_page("By A. Writer · March 11, 2026", json_ld="2026-03-13T00:44:09Z"), URL, MARCH_13),
    ("en-teaser-guard", utc_page("By A. Writer", json_ld="2026-03-13T00:44:09Z",
                                 after=related("<span>March 12, 2026</span>")), URL, MARCH_13),
]
UTC_PAGES_AFTER: list[tuple[str, str, str, date | None]] = [
    ("fr-time-text", utc_page('Par A. Auteur, <time datetime="2026-03-13T01:30:00+00:00">12 mars 2026</time>', "fr",
                              meta="2026-03-13T01:30:00+00:00"), "https://www.example.com/fr/conseil-budget", MARCH_12),
    ("pt-meta-span", utc_page('Por A. Autor <span class="date">12 de março de 2026</span>', "pt",
                              meta="2026-03-13T02:10:00Z"), "https://www.example.com/noticias/orcamento", MARCH_12),
    ("ru-morning", utc_page("А. Автор, 13 марта 2026", "ru", json_ld="2026-03-12T21:40:00Z"),  # noqa: RUF001 (a Cyrillic initial)
     "https://www.example.com/news/byudzhet", MARCH_13),
    ("en-morning-guard", utc_page("By A. Writer · March 13, 2026", json_ld="2026-03-12T09:00:00Z"), URL, MARCH_12),
    ("en-related-time-guard", utc_page("By A. Writer", meta="2026-03-13T00:44:09Z", after=related(
        '<time datetime="2026-03-12T20:00:00Z">March 12, 2026</time>')), URL, MARCH_13),
]

if __name__ == "__main__":
    sets = {"utc": UTC_PAGES, "utc-after": UTC_PAGES_AFTER}
    probe_ages(sets[sys.argv[1] if len(sys.argv) > 1 else "utc"])
