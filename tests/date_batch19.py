# ruff: noqa: RUF001  (letters of other scripts are the dates' own)
"""The nineteenth date pass's batch of hand-written class pages (docs/extraction.md, "Nineteenth pass,
dates"): dates joined by a word or a suffix (Hausa "12 ga Maris, 2026", Maltese "12 ta' Marzu 2026",
Somali "12-ka Maarso 2026", Turkmen "12-nji mart 2026"), Kazakh and Kyrgyz months and their year-first
forms, Oromo months, a byline printed above the story's `<article>` with a teaser's date below the story,
and relative times that are no page's age (Lithuanian, Latvian, Hebrew and Czech "before") or are
(a byline's role word before the age, "Jane Doe, staff writer 2 hours ago.").

Every page is written from how its class prints dates, not copied from any site. Each entry is
(name, html, url, the publication day). Shared by tests/test_date_classes19.py and the probe
`python -m tests.date_batch19 probe [after]` (which prints how many are right). The second set
(`AFTER`, `RELATIVE_AFTER`) was written with the first, before any rule, and not used to choose them.
"""

from __future__ import annotations

import sys
from datetime import date, timedelta

from tests.date_batch12 import probe
from tests.date_batch17 import NOV_9, probe_relative
from tests.date_batch18 import bar_page
from tests.test_date_classes import TITLE, page

MAR_12 = date(2026, 3, 12)
KZ_BAR = '<div class="date-top">3 желтоқсан 2026</div>'  # the day the site is read, in the site's bar

# --- 1. a day and its month joined by a word or a suffix ------------------------------------------------
JOINED: list[tuple[str, str, str, date | None]] = [
    ("ha-ga", page("Alhamis, 12 ga Maris, 2026", "ha"), "https://aminiya.example.ng/labarai/1", MAR_12),
    ("ha-ga-watan", page("12 ga watan Maris, 2026 09:15", "ha"), "https://www.example.ng/hausa/1", MAR_12),
    ("mt-ta", page("12 ta' Marzu 2026", "mt"), "https://www.example.com.mt/a/1", MAR_12),
    ("mt-ta-curly", page("Il-Ħamis, 12 ta’ Marzu, 2026 – 09:15", "mt"), "https://newsbook.example.mt/a/1", MAR_12),
    ("so-ka", page("Khamiis, 12-ka Maarso 2026", "so"), "https://www.example.so/a/1", MAR_12),
    ("tk-nji", page("12-nji mart 2026", "tk"), "https://www.example.tm/a/1", MAR_12),
]

# --- 2. Kazakh and Kyrgyz months and years, Oromo months ----------------------------------------------
CENTRAL_ASIA: list[tuple[str, str, str, date | None]] = [
    ("kk-year-first", page("2026 жылғы 12 наурыз", "kk"), "https://www.example.kz/a/1", MAR_12),
    ("kk-zh", page("12 наурыз 2026 ж. 09:15", "kk"), "https://www.example.kz/a/2", MAR_12),
    ("kk-under-bar", bar_page(KZ_BAR, "12 наурыз 2026", "kk"), "https://www.example.kz/a/3", MAR_12),
    ("ky-year-first", page("2026-жылдын 12-марты", "ky"), "https://www.example.kg/a/1", MAR_12),
    ("om-mdy", page("Bitootessa 12, 2026", "om"), "https://www.example.et/om/1", MAR_12),
    ("om-dmy", page("12 Bitootessa 2026", "om"), "https://www.example.com/afaan-oromoo/1", MAR_12),
]


# --- 3. a byline above the story's <article> (below the site's menu), a teaser's date below the story ---
def above_page(byline: str, teaser: str, layout: str = "column", lang: str = "en") -> str:
    """A CMS theme printing the byline in a column beside (or a row above) the story's `<article>`, below
    the site's menu, and a widget of other stories after the story, one of them dated."""
    body = "".join(f"<p>The council voted on the budget plan number {i} after a long debate about roads, schools "
                   "and the harbour, and the mayor said the city would publish the full figures soon.</p>"
                   for i in range(5))
    by = f'<div class="entry-meta"><span>By Jane Doe</span> {byline}</div>'
    story = f"<article><h1>{TITLE}</h1>{body}</article>"
    layouts = {
        "column": f'<div class="row"><div class="col-md-3">{by}</div><div class="col-md-9">{story}</div></div>',
        "row": f'<div class="row">{by}{story}</div>',
        "no-article": (f'<div class="wrap">{by}<div class="c1"><div class="c2"><h1>{TITLE}</h1>{body}</div></div>'
                       "</div>"),
    }
    return (f'<html lang="{lang}"><head><title>{TITLE}</title></head><body><nav><a href="/">Home</a></nav>'
            f'<div class="container">{layouts[layout]}</div>{teaser}<footer>City News</footer></body></html>')


TEASER_SPAN = '<div class="widget"><a href="/a">Mayor opens new school</a> <span>February 1, 2026</span></div>'
TEASER_CARD = ('<div class="card"><a href="/a"><h3>Mayor opens new school</h3></a>'
               '<time datetime="2026-02-01T08:00:00Z">Feb 1, 2026</time></div>')
TEASER_DOTTED = ('<div class="more"><ul><li><a href="/a">Mayor opens new school</a> <span>01.02.2026</span></li>'
                 '<li><a href="/b">Bridge works</a> <span>28.01.2026</span></li></ul></div>')
ABOVE: list[tuple[str, str, str, date | None]] = [
    ("above-dotted-span", above_page("<span>12.03.2026 09:30</span>", TEASER_SPAN, lang="de"),
     "https://www.example.de/politik/haushalt", MAR_12),
    ("above-es-card", above_page("<span>12 de marzo de 2026</span>", TEASER_CARD, "row", "es"),
     "https://www.example.es/politica/presupuesto", MAR_12),
    ("above-en-list", above_page("<span>March 12, 2026</span>", TEASER_DOTTED, "no-article"),
     "https://citynews.example.com/politics/council-budget", MAR_12),
    ("above-en-span-row", above_page("<span>12 March 2026</span>", TEASER_SPAN, "row", "en-GB"),
     "https://www.example.co.uk/news/council", MAR_12),
    # guards: the byline's `<time datetime>` beats the teaser on main already; an undated byline stays undated
    ("above-time-datetime", above_page('<time datetime="2026-03-12T09:30:00Z">March 12, 2026</time>', TEASER_SPAN),
     "https://citynews.example.com/politics/council-budget-2", MAR_12),
]

PAGES = JOINED + CENTRAL_ASIA + ABOVE

# --- 4. relative times (the line under the headline, the age it gives or None) -------------------------
RELATIVE: list[tuple[str, str, timedelta | None]] = [
    ("lt", "Prieš 3 dienas rinkimų komisija paskelbė", None),
    ("lv", "Pirms 2 stundām sākās sēde", None),
    ("he", "לפני 3 ימים הבחירות", None),
    ("cs", "Před 2 hodinami začal zápas", None),
    ("en", "Jane Doe, staff writer 2 hours ago.", timedelta(hours=2)),
    ("es", "María Pérez, corresponsal hace 3 horas.", timedelta(hours=3)),
    # guards ("Publikováno" was "Aktualizováno", updated, until the first probe: an update's age dates no
    # publication, as on main, `headline_date.UPDATE_CUE`; the expectation was wrong, the line changed)
    ("lt", "prieš 3 valandas", timedelta(hours=3)), ("cs", "Publikováno před 2 hodinami", timedelta(hours=2)),
    ("he", "לפני 5 דקות", timedelta(minutes=5)), ("lv", "pirms 3 stundām | Latvijā", timedelta(hours=3)),
    ("en", "The reporter said the blast came 2 hours ago.", None),
]

# --- the second set: written with the first, before the rules; not used to choose them ------------------
AFTER: list[tuple[str, str, str, date | None]] = [
    ("ha-lahadi", page("Lahadi, 9 ga watan Nuwamba 2025", "ha"), "https://www.example.ng/hausa/9", NOV_9),
    ("mt-nov", page("9 ta' Novembru 2025, 20:15", "mt"), "https://www.example.com.mt/a/9", NOV_9),
    ("so-nov", page("9-ka Nofembar 2025", "so"), "https://www.example.so/a/9", NOV_9),
    ("tk-nov", page("9-njy noýabr 2025 ý.", "tk"), "https://www.example.tm/a/9", NOV_9),
    ("kk-nov", page("2025 жылғы 9 қараша, 20:15", "kk"), "https://www.example.kz/a/9", NOV_9),
    ("kk-bar-nov", bar_page(KZ_BAR, "9 қараша 2025 ж.", "kk"), "https://www.example.kz/a/10", NOV_9),
    ("om-nov", page("Sadaasa 9, 2025", "om"), "https://www.example.et/om/9", NOV_9),
    ("above-fr-nov", above_page("<span>9 novembre 2025</span>", TEASER_DOTTED, "column", "fr"),
     "https://www.example.fr/politique/budget", NOV_9),
    ("above-pt-nov", above_page("<span>09/11/2025 20:15</span>", TEASER_CARD, "no-article", "pt-BR"),
     "https://www.example.com.br/politica/orcamento", NOV_9),
]

RELATIVE_AFTER: list[tuple[str, str, timedelta | None]] = [
    ("lt", "prieš 2 dienas Seimas priėmė", None),
    ("cs", "před 3 hodinami | Zprávy", timedelta(hours=3)),
    ("he", "לפני 2 שעות", timedelta(hours=2)),
    ("lv", "Pirms 3 dienām valdība lēma", None),
    ("en", "John Smith, correspondent 5 hours ago.", timedelta(hours=5)),
    ("en", "Officials said the fire started 5 hours ago.", None),
]


if __name__ == "__main__" and "probe" in sys.argv[1:]:
    probe(AFTER if "after" in sys.argv[1:] else PAGES)
if __name__ == "__main__" and "relative" in sys.argv[1:]:
    probe_relative(RELATIVE_AFTER if "after" in sys.argv[1:] else RELATIVE)
