"""The seventeenth date pass's batch of hand-written class pages (docs/extraction.md, "Seventeenth pass,
dates"): a story's own top bar on a script-built page without `<article>`, US-order dates on Korean
pages, a story's own section class named like a list of other stories, a page dated only by its
modification, Kurdish months, dates in a `title` attribute, relative times in more languages, and
JSON-LD graphs with several dates.

Every page is written from how its class prints dates, not copied from any site. Each entry is
(name, html, url, the publication day). Shared by tests/test_date_classes17.py and the probe
`python -m tests.date_batch17 probe [after]` (which prints how many are right).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import date, timedelta

from tests.date_batch12 import probe
from tests.test_date_classes import STORY, TITLE, page

MAR_12 = date(2026, 3, 12)  # a Thursday
NOV_9 = date(2025, 11, 9)  # a Sunday
KR = "https://www.example.co.kr/a/"
COM = "https://news.example.com/story"
TODAY_BAR = "Thursday, December 3, 2026"  # the day the site is read: the site's bar, not the story's


def spa_page(story_bar: str, site_bar: str = TODAY_BAR, lang: str = "en", depth: int = 2) -> str:
    """A script-built page (Next.js, a single-page app) without `<article>`: the site's top bar with
    today's date, its header, then the story's wrapper, whose own top bar (section and day) sits in
    plain `<div>`s `depth` levels from the headline's."""
    wrapped = story_bar
    for level in range(depth - 1):
        wrapped = f'<div class="Story_row__{level}">{wrapped}</div>'
    return (f'<html lang="{lang}"><head><title>{TITLE}</title></head><body><div id="__next">'
            f'<div class="Layout_topBar__a1">{site_bar}</div><header class="Header_header__b2"><a href="/">Daily</a>'
            f'</header><div class="Layout_content__c3">{wrapped}<div class="Story_head__d4"><h1>{TITLE}</h1></div>'
            f'<div class="Story_body__e5">{STORY}</div></div></div></body></html>')


def branch_page(story_bar: str, lang: str = "en") -> str:
    """A script-built page whose story's top bar and headline sit in sibling branches of the story's
    wrapper, each two `<div>`s deep, after the site's header (today's date in the site's bar above it)."""
    return (f'<html lang="{lang}"><head><title>{TITLE}</title></head><body><div id="root"><div class="app">'
            f'<div class="site-top-bar">{TODAY_BAR}</div><nav class="menu"><a href="/news">News</a></nav>'
            f'<div class="page"><div class="story"><div class="story-meta"><div class="topbar">{story_bar}</div></div>'
            f'<div class="story-main"><div class="story-title"><h1>{TITLE}</h1></div>{STORY}</div></div></div>'
            f"</div></div></body></html>")


def wrapped_page(wrapper_class: str, byline: str, lang: str = "es") -> str:
    """A theme that prints the headline above the story's wrapper, whose class names its section."""
    return (f'<html lang="{lang}"><head><title>{TITLE}</title></head><body><header class="site-header">'
            f'<a href="/">Home</a></header><main><h1 class="titulo">{TITLE}</h1><div class="{wrapper_class}">'
            f'<div class="autor">A. Writer <span class="fecha">{byline}</span></div>{STORY}</div></main>'
            f"<footer>© 2026 Example</footer></body></html>")


def ld(**fields: object) -> str:
    return f'<script type="application/ld+json">{json.dumps({"@type": "NewsArticle", **fields})}</script>'


# --- 1. a story's own top bar on a page without <article> ---------------------------------------------
SPA: list[tuple[str, str, str, date | None]] = [
    ("spa-topbar-depth2", spa_page('<div class="topbar"><span>Politics</span> <span>March 12, 2026</span></div>'),
     COM, MAR_12),
    ("spa-top-bar-depth3", spa_page('<div class="top-bar">Politics · 12 March 2026</div>', depth=3), COM, MAR_12),
    ("spa-masthead-de", spa_page('<div class="masthead">Politik 12.03.2026</div>', "Donnerstag, 3. Dezember 2026",
                                 "de"), "https://www.example.de/a/1", MAR_12),
    ("spa-topbar-time", spa_page('<div class="TopBar_bar__x9"><time datetime="2026-03-12T09:15:00+01:00">'
                                 "12 March 2026</time></div>"), COM, MAR_12),
    ("spa-branch-topbar", branch_page("Politics · March 12, 2026"), COM, MAR_12),
    ("spa-branch-topbar-fr", branch_page("Politique | 12 mars 2026", "fr").replace(TODAY_BAR, "jeudi 3 décembre 2026"),
     "https://www.example.fr/a/5", MAR_12),
]

# --- 2. US-order dates on Korean pages ------------------------------------------------------------------
KOREAN: list[tuple[str, str, str, date | None]] = [
    ("ko-us-slashed", page("입력 03/12/2026 09:15 AM", "ko"), KR + "1", MAR_12),
    ("ko-us-named", page("Published : Mar. 12, 2026 - 09:15", "ko"), KR + "2", MAR_12),
    ("ko-us-ld", page("", "ko", head=ld(datePublished="03/12/2026 09:15")), KR + "3", MAR_12),
    ("ko-us-dashed", page("등록 2026-03-12 09:15 | 03-12-2026", "ko"), KR + "4", MAR_12),
]

# --- 3. the story's own section class named like a list of other stories --------------------------------
SECTION: list[tuple[str, str, str, date | None]] = [
    ("es-seccion-ultimas", wrapped_page("nota seccion-ultimas-noticias", "12 de marzo de 2026"),
     "https://www.example.com.ar/a/1", MAR_12),
    ("pt-editoria-mais-lidas", wrapped_page("materia editoria-mais-lidas", "12/03/2026 09h15", "pt-BR"),
     "https://www.example.com.br/a/1", MAR_12),
    ("fr-rubrique-a-lire", wrapped_page("article-body rubrique-a-lire-aussi", "12 mars 2026", "fr"),
     "https://www.example.fr/a/1", MAR_12),
    ("it-sezione-ultime", wrapped_page("sezione-ultime-notizie", "12 marzo 2026", "it"),
     "https://www.example.it/a/1", MAR_12),
    ("id-kanal-terpopuler", wrapped_page("kanal-berita-terpopuler detail", "Kamis, 12 Maret 2026 09:15 WIB", "id"),
     "https://www.example.co.id/a/1", MAR_12),
    ("en-section-latest", wrapped_page("story section-latest-news", "March 12, 2026", "en"), COM, MAR_12),
]

# --- 4. a page dated only by its modification: its day, which the feed's date beats in a run -----------
MODIFIED: list[tuple[str, str, str, date | None]] = [
    ("ld-modified-only", page("", head=ld(dateModified="2026-03-12T09:15:00+01:00")), COM, MAR_12),
    ("meta-modified-only", page("", head='<meta property="article:modified_time" content="2026-03-12T09:15:00+01:00">'),
     COM, MAR_12),
    ("og-updated-only", page("", head='<meta property="og:updated_time" content="2026-03-12T09:15:00+01:00">'),
     COM, MAR_12),
    ("printed-updated-only", page("Updated 12 March 2026"), COM, MAR_12),
]

# --- 5. Kurdish months: Sorani (Arabic script, ezafe) and Kurmanji (Latin, genitive) ---------------------
KURDISH: list[tuple[str, str, str, date | None]] = [
    ("ckb-ezafe", page("12ی ئازاری 2026", "ckb"), "https://www.example.krd/a/1", MAR_12),
    ("ckb-plain", page("12 ئازار 2026", "ckb"), "https://www.example.krd/a/2", MAR_12),
    ("ckb-arabic-digits", page("١٢ی ئازاری ٢٠٢٦", "ckb"), "https://www.example.krd/a/3", MAR_12),
    ("ckb-two-words", page("9ی تشرینی دووەمی 2025", "ckb"), "https://www.example.krd/a/4", NOV_9),
    ("kmr-genitive", page("12ê Adarê 2026", "ku"), "https://www.example.com/ku/1", MAR_12),
    ("kmr-plain", page("12 Adar 2026", "ku"), "https://www.example.com/ku/2", MAR_12),
    ("kmr-mijdar", page("9'ê Mijdara 2025an", "ku"), "https://www.example.com/ku/3", NOV_9),
]

# --- 6. a byline's date in a title attribute, its text relative -----------------------------------------
TITLED: list[tuple[str, str, str, date | None]] = [
    ("span-title-iso", page('<span class="date" title="2026-03-12T09:15:00+01:00">vor 2 Tagen</span>', "de"),
     "https://www.example.de/a/2", MAR_12),
    ("span-title-text", page('<span class="timeago" title="12 March 2026 09:15">2 days ago</span>', "en-GB"),
     "https://www.example.co.uk/a/1", MAR_12),
    ("abbr-title-dotted", page('<abbr class="time" title="12.03.2026 09:15">hace 2 días</abbr>', "es"),
     "https://www.example.es/a/1", MAR_12),
    ("discuz-span-title", page('发表于 <span title="2026-3-12 09:15">3&nbsp;天前</span>', "zh-CN"),
     "https://bbs.example.cn/a/1", MAR_12),
]

# --- 7. JSON-LD graphs with several dates ----------------------------------------------------------------
_GRAPH = {"@context": "https://schema.org", "@graph": [
    {"@type": "WebSite", "datePublished": "2019-05-01T00:00:00+00:00"},
    {"@type": "WebPage", "datePublished": "2026-03-10T08:00:00+01:00", "dateModified": "2026-03-13T08:00:00+01:00"},
    {"@type": "NewsArticle", "datePublished": "2026-03-12T09:15:00+01:00", "dateModified": "2026-03-13T08:00:00+01:00"},
]}
_EVENT = [{"@type": "Event", "startDate": "2026-03-20T19:00:00+01:00"},
          {"@type": "NewsArticle", "datePublished": "2026-03-12T09:15:00+01:00"}]
GRAPHS: list[tuple[str, str, str, date | None]] = [
    ("ld-graph-webpage-first", page("", head=f'<script type="application/ld+json">{json.dumps(_GRAPH)}</script>'),
     COM, MAR_12),
    ("ld-event-first", page("", head=f'<script type="application/ld+json">{json.dumps(_EVENT)}</script>'),
     COM, MAR_12),
]

# --- 8. relative times in more languages: the page's only date, an age counted back from the fetch --------
# (the line under the headline, the age it gives; read by `published_ago`)
RELATIVE: list[tuple[str, str, timedelta]] = [
    ("ky", "2 саат мурун", timedelta(hours=2)), ("kk", "3 сағат бұрын", timedelta(hours=3)),
    ("uz", "2 soat oldin", timedelta(hours=2)), ("az", "5 saat əvvəl", timedelta(hours=5)),
    ("tl", "2 oras ang nakalipas", timedelta(hours=2)), ("ar", "منذ ساعتين", timedelta(hours=2)),
    ("ar", "قبل 3 ساعات", timedelta(hours=3)), ("ar", "منذ يومين", timedelta(days=2)),
    ("en", "2h ago", timedelta(hours=2)), ("ta", "2 மணி நேரத்திற்கு முன்பு", timedelta(hours=2)),
    ("te", "3 గంటల క్రితం", timedelta(hours=3)), ("ml", "2 മണിക്കൂർ മുമ്പ്", timedelta(hours=2)),
    ("gu", "2 કલાક પહેલા", timedelta(hours=2)), ("pa", "2 ਘੰਟੇ ਪਹਿਲਾਂ", timedelta(hours=2)),
    ("sr", "пре 2 сата", timedelta(hours=2)), ("hr", "prije 2 sata", timedelta(hours=2)),
    ("bg", "преди 2 часа", timedelta(hours=2)), ("lt", "prieš 2 valandas", timedelta(hours=2)),
    ("lv", "pirms 2 stundām", timedelta(hours=2)), ("et", "2 tundi tagasi", timedelta(hours=2)),
    ("hy", "2 ժամ առաջ", timedelta(hours=2)), ("ka", "2 საათის წინ", timedelta(hours=2)),
    ("mn", "2 цагийн өмнө", timedelta(hours=2)), ("km", "2 ម៉ោងមុន", timedelta(hours=2)),
]

PAGES = SPA + KOREAN + SECTION + MODIFIED + KURDISH + TITLED + GRAPHS

# --- the second set: written with the first, before the rules; not used to choose them ------------------
AFTER: list[tuple[str, str, str, date | None]] = [
    ("spa-topbar-nov", spa_page('<div class="Article_topbar">World | Nov 9, 2025</div>', depth=3), COM, NOV_9),
    ("spa-topbar-es", spa_page('<div class="top-bar">Mundo · 9 de noviembre de 2025</div>',
                               "jueves, 3 de diciembre de 2026", "es"), "https://www.example.com.mx/a/9", NOV_9),
    ("ko-us-nov", page("Updated : Nov. 9, 2025 - 20:15", "ko"), KR + "9", NOV_9),
    ("ko-us-slashed-nov", page("기사입력 11/09/2025 08:15 PM", "ko-KR"), KR + "10", NOV_9),
    ("es-seccion-mas-leidas", wrapped_page("cuerpo seccion-mas-leidas", "9 de noviembre de 2025"),
     "https://www.example.com.co/a/9", NOV_9),
    ("de-ressort-meistgelesen", wrapped_page("ressort-meistgelesen artikel", "09.11.2025", "de"),
     "https://www.example.de/a/9", NOV_9),
    ("ld-modified-only-nov", page("", head=ld(dateModified="2025-11-09T20:15:00-05:00")),
     "https://www.example.com/nov", NOV_9),
    ("printed-last-updated-nov", page("Last updated: Nov 9, 2025"), COM, NOV_9),
    ("ckb-nov", page("9ی تشرینی دووەم 2025", "ckb"), "https://www.example.krd/a/9", NOV_9),
    ("kmr-adar-comma", page("12ê Adarê, 2026", "ku"), "https://www.example.com/ku/9", MAR_12),
    ("time-title-only", page('<time class="ago" title="9 November 2025, 20:15">a month ago</time>', "en-GB"),
     "https://www.example.co.uk/a/9", NOV_9),
    ("ld-graph-nov", page("", head='<script type="application/ld+json">' + json.dumps({"@graph": [
        {"@type": "WebPage", "datePublished": "2025-11-01T08:00:00Z"},
        {"@type": "Article", "datePublished": "2025-11-09T20:15:00Z"}]}) + "</script>"), COM, NOV_9),
]

# relative times of the second set: other units, counts and languages
RELATIVE_AFTER: list[tuple[str, str, timedelta]] = [
    ("ky", "3 күн мурун", timedelta(days=3)), ("kk", "45 минут бұрын", timedelta(minutes=45)),
    ("uz", "1 kun oldin", timedelta(days=1)), ("ar", "منذ 4 ساعات", timedelta(hours=4)),
    ("ar", "قبل ساعتين", timedelta(hours=2)), ("en", "5d ago", timedelta(days=5)),
    ("sr", "pre 3 sata", timedelta(hours=3)), ("bg", "преди 20 минути", timedelta(minutes=20)),
    ("ta", "3 நாட்களுக்கு முன்பு", timedelta(days=3)), ("hy", "3 օր առաջ", timedelta(days=3)),
]


def probe_relative(cases: Sequence[tuple[str, str, timedelta | None]]) -> None:
    """Prints each relative-time line whose page's age is not read as expected, and how many are right."""
    from newsflow.extract import extract_article

    right = 0
    for lang, line, age in cases:
        article = extract_article(page(line, lang), f"https://news.example.com/{lang}")
        got = article.published_ago if article is not None else None
        right += got == age
        print("" if got == age else f"MISS {lang} {line}: {got}")
    print(f"{right} of {len(cases)} right")


if __name__ == "__main__" and "probe" in sys.argv[1:]:
    probe(AFTER if "after" in sys.argv[1:] else PAGES)
if __name__ == "__main__" and "relative" in sys.argv[1:]:
    probe_relative(RELATIVE_AFTER if "after" in sys.argv[1:] else RELATIVE)
