"""The eighteenth date pass's batch of hand-written class pages (docs/extraction.md, "Eighteenth pass,
dates"): today's date in a site bar above the headline that htmldate takes (named or not), a story's bar
above its headline on a script-built page in Spanish, "section-latest-news" on a story's own wrapper,
and relative times that are no page's age (Serbian, Croatian and Bulgarian "before", a sentence of
the story).

Every page is written from how its class prints dates, not copied from any site. Each entry is
(name, html, url, the publication day). Shared by tests/test_date_classes18.py and the probe
`python -m tests.date_batch18 probe [after]` (which prints how many are right). The second set
(`AFTER`, `RELATIVE_AFTER`) was written with the first, before any rule, and not used to choose them.
"""

from __future__ import annotations

import sys
from datetime import date, timedelta

from tests.date_batch12 import probe
from tests.date_batch17 import NOV_9, probe_relative, spa_page, wrapped_page
from tests.test_date_classes import STORY, TITLE, page

MAR_12 = date(2026, 3, 12)
TODAY_EN = "Thursday, December 3, 2026"
TODAY_ES = "jueves, 3 de diciembre de 2026"  # the day the site is read: the site's bar, not the story's


def bar_page(bar: str, byline: str, lang: str = "en", article: bool = True) -> str:
    """A site whose top bar (today's date, in a block whose name says nothing of it) sits above its
    header and the story; the story's byline prints its day in a form htmldate reads."""
    story = f'<h1>{TITLE}</h1><div class="meta"><span class="date">{byline}</span></div>{STORY}'
    story = f"<article>{story}</article>" if article else f'<div class="content">{story}</div>'
    return (f'<html lang="{lang}"><head><title>{TITLE}</title></head><body>{bar}<div class="logo"><a href="/">Daily</a>'
            f'</div><nav class="main-nav"><a href="/news">News</a></nav><div class="container">{story}</div>'
            f"<footer>© 2026 Example</footer></body></html>")


# --- 1. today's date in the site's bar above the headline, which htmldate takes -------------------------
SITE_BAR: list[tuple[str, str, str, date | None]] = [
    ("bar-header-date-be", bar_page(f'<div class="header-date">{TODAY_EN}</div>', "12 сакавіка 2026", "be"),
     "https://www.example.by/a/1", MAR_12),
    ("bar-fecha-hoy-ca", bar_page('<div class="fecha-hoy">dijous, 3 de desembre de 2026</div>', "12 de març de 2026",
                                  "ca"), "https://www.example.cat/a/1", MAR_12),
    ("bar-current-date-ka", bar_page(f'<p id="current-date">{TODAY_EN}</p>', "12 მარტი, 2026", "ka"),
     "https://www.example.ge/a/1", MAR_12),
    ("bar-today-hy", bar_page(f'<div class="today">{TODAY_EN}</div>', "12 մարտի, 2026", "hy"),
     "https://www.example.am/a/1", MAR_12),
    ("bar-plain-div-ta", bar_page(f'<div class="col-md-4"><span>{TODAY_EN}</span></div>', "12 மார்ச் 2026", "ta"),
     "https://www.example.lk/a/1", MAR_12),
    ("bar-no-article-mk", bar_page(f'<div class="date-now">{TODAY_EN}</div>', "12 март 2026", "mk", article=False),
     "https://www.example.mk/a/1", MAR_12),
    ("bar-header-tag-et", page("12. märts 2026", "et").replace("<header>", f'<header><div>{TODAY_EN}</div>'),
     "https://www.example.ee/a/1", MAR_12),
    ("bar-header-date-undated", bar_page(f'<div class="header-date">{TODAY_EN}</div>', "A. Writer"),
     "https://news.example.com/a/1", None),
]

# --- 2. a story's bar above its headline on a script-built page in Spanish (site bar: today) ------------
SPA_ES: list[tuple[str, str, str, date | None]] = [
    ("spa-es-depth2", spa_page('<div class="top-bar">Mundo · 12 de marzo de 2026</div>', TODAY_ES, "es"),
     "https://www.example.com.mx/a/1", MAR_12),
    ("spa-es-depth1", spa_page('<div class="topbar">Política | 12 de marzo de 2026</div>', TODAY_ES, "es", depth=1),
     "https://www.example.es/a/1", MAR_12),
    ("spa-pt-depth2", spa_page('<div class="top-bar">Mundo · 12 de março de 2026</div>',
                               "quinta-feira, 3 de dezembro de 2026", "pt-BR"),
     "https://www.example.com.br/a/1", MAR_12),
]

# --- 3. "section-latest-news" and other list words on a story's own wrapper ----------------------------
SECTION: list[tuple[str, str, str, date | None]] = [
    ("en-section-latest", wrapped_page("story section-latest-news", "March 12, 2026", "en"),
     "https://news.example.com/story", MAR_12),
    ("en-latest-news-body", wrapped_page("latest-news-body", "12 March 2026", "en-GB"),
     "https://www.example.co.uk/a/1", MAR_12),
    ("es-section-ultimas", wrapped_page("section-ultimas-noticias nota", "12 de marzo de 2026"),
     "https://www.example.com.ar/a/2", MAR_12),
]

PAGES = SITE_BAR + SPA_ES + SECTION

# --- 4. relative times that are no age (the line under the headline, the age it gives or None) ----------
RELATIVE: list[tuple[str, str, timedelta | None]] = [
    ("hr", "Prije 3 dana utakmice, trener je bio miran", None),
    ("sr", "Pre 2 sata početka sednice", None),
    ("sr", "пре 3 дана избора", None),
    ("bg", "Преди 2 дни изборите", None),
    ("en", "The storm hit 2 hours ago.", None),
    ("es", "El sismo ocurrió hace 3 horas.", None),
    ("de", "Das Feuer brach vor 2 Stunden aus.", None),
    # guards: a byline's own age
    ("hr", "prije 2 sata", timedelta(hours=2)), ("sr", "Objavljeno pre 3 sata | Vesti", timedelta(hours=3)),
    ("bg", "преди 5 минути", timedelta(minutes=5)), ("en", "By A. Writer, 2 hours ago", timedelta(hours=2)),
    ("en", "Posted 3 hours ago.", timedelta(hours=3)),
]

# --- the second set: written with the first, before the rules; not used to choose them ------------------
AFTER: list[tuple[str, str, str, date | None]] = [
    ("bar-date-top-kk", bar_page('<div class="date-top">3 желтоқсан 2026</div>', "9 қараша 2025", "kk"),
     "https://www.example.kz/a/9", NOV_9),
    ("bar-fecha-actual-gl", bar_page('<span class="fecha_actual">xoves, 3 de decembro de 2026</span>',
                                     "9 de novembro de 2025", "gl"), "https://www.example.gal/a/9", NOV_9),
    ("bar-datum-lb", bar_page('<div class="datum">Donneschdeg, 3. Dezember 2026</div>', "9. November 2025", "lb"),
     "https://www.example.lu/a/9", NOV_9),
    ("bar-today-no-article-uz", bar_page(f'<div class="today-date">{TODAY_EN}</div>', "9-noyabr, 2025", "uz",
                                         article=False), "https://www.example.uz/a/9", NOV_9),
    ("spa-es-nov", spa_page('<div class="top-bar">Mundo · 9 de noviembre de 2025</div>', TODAY_ES, "es"),
     "https://www.example.com.mx/a/9", NOV_9),
    ("en-section-latest-nov", wrapped_page("article section-latest-stories", "Nov 9, 2025", "en"),
     "https://news.example.com/nov", NOV_9),
]

RELATIVE_AFTER: list[tuple[str, str, timedelta | None]] = [
    ("hr", "Prije 2 dana izbora u Zagrebu", None),
    ("bg", "преди 3 часа мача", None),
    ("en", "Police said the fire started 3 hours ago.", None),
    ("fr", "Le séisme a frappé il y a 2 heures.", None),
    ("sr", "pre 20 minuta", timedelta(minutes=20)),
    ("en", "5 hours ago | World", timedelta(hours=5)),
]


if __name__ == "__main__" and "probe" in sys.argv[1:]:
    probe(AFTER if "after" in sys.argv[1:] else PAGES)
if __name__ == "__main__" and "relative" in sys.argv[1:]:
    probe_relative(RELATIVE_AFTER if "after" in sys.argv[1:] else RELATIVE)
