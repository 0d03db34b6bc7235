"""The sixteenth date pass's batch of hand-written class pages (docs/extraction.md, "Sixteenth pass,
dates"): Korean two-digit years printed first ("26.03.12"), lunar dates written in digits, a story's
own top bar in the page's `<main>`, lists of other stories named in the page's language, month names
of Morocco and Myanmar and dashed or bracketed forms, and a photo's upload month read as its first day.

Every page is written from how its class prints dates, not copied from any site. Each entry is
(name, html, url, the publication day). Shared by tests/test_date_classes16.py and the probe
`python -m tests.date_batch16 probe [after]` (which prints how many are right).
"""

from __future__ import annotations

import sys
from datetime import date

from tests.date_batch12 import probe
from tests.date_batch15 import latest, site
from tests.test_date_classes import STORY, TITLE, page

MAR_12 = date(2026, 3, 12)  # a Thursday; 24 of the first lunar month
KR, CN, VN = "https://www.example.co.kr/a/", "https://www.example.cn/a/", "https://www.example.vn/a/"
COM = "https://news.example.com/story"


def main_page(bar: str, lang: str = "en", wrapper: str = "main") -> str:
    """A page whose story's top bar (its section and day) sits in `<main>` (or `role="main"`) before
    its `<article>`, under the site's own header."""
    opening = "<main>" if wrapper == "main" else f'<div role="main" class="{wrapper}">'
    closing = "</main>" if wrapper == "main" else "</div>"
    return (f'<html lang="{lang}"><head><title>{TITLE}</title></head><body><header class="site-header"><a href="/">'
            f"Home</a></header>{opening}{bar}<article><h1>{TITLE}</h1>{STORY}</article>{closing}"
            f"<footer>© 2026 Example</footer></body></html>")


# --- 1. Korean two-digit years, printed first ----------------------------------------------------
KOREAN: list[tuple[str, str, str, date | None]] = [
    ("ko-input-short", page("입력 26.03.12 09:15", "ko"), KR + "1", MAR_12),
    ("ko-short-only", page("26.03.12", "ko"), KR + "2", MAR_12),
    ("ko-short-dashed", page("기사입력 26-03-12 09:15", "ko"), KR + "3", MAR_12),
    ("ko-short-with-update", page("입력 26.03.12 09:15 수정 26.03.13 10:00", "ko-KR"), KR + "4", MAR_12),
    ("ko-full-guard", page("입력 2026.03.12 09:15", "ko"), KR + "5", MAR_12),
]

# --- 2. lunar dates in digits: no Gregorian day --------------------------------------------------
LUNAR: list[tuple[str, str, str, date | None]] = [
    ("zh-lunar-only", page("农历2026年1月24日", "zh-CN"), CN + "1", None),
    ("zh-lunar-before-gregorian", page("农历2026年1月24日 公历2026年3月12日", "zh-CN"), CN + "2", MAR_12),
    ("zh-tw-lunar-only", page("農曆2026年1月24日", "zh-TW"), "https://www.example.com.tw/a/1", None),
    ("ko-lunar-only", page("음력 2026년 1월 24일", "ko"), KR + "6", None),
    ("vi-lunar-after", page("ngày 24 tháng 1 năm 2026 âm lịch", "vi"), VN + "1", None),
    ("zh-gregorian-then-lunar", page("2026年3月12日 农历2026年1月24日", "zh-CN"), CN + "3", MAR_12),
]

# --- 3. a story's own top bar in the page's <main> ------------------------------------------------
TOPBAR: list[tuple[str, str, str, date | None]] = [
    ("topbar-in-main", main_page('<div class="topbar"><span class="cat">Politics</span> '
                                '<span class="date">March 12, 2026</span></div>'), COM, MAR_12),
    ("top-bar-time-in-main", main_page('<div class="top-bar"><time datetime="2026-03-12T09:15:00Z">March 12, 2026'
                                       "</time></div>"), COM, MAR_12),
    ("es-topbar-role-main", main_page('<div class="topbar">12 de marzo de 2026</div>', "es", "contenido"),
     "https://www.example.es/a/1", MAR_12),
    ("masthead-in-main", main_page('<div class="masthead"><a href="/world">World</a> 12.03.2026</div>', "de"),
     "https://www.example.de/a/1", MAR_12),
]

# --- 4. lists of other stories named in the page's language (after the story, not in the header) ---
LISTS: list[tuple[str, str, str, date | None]] = [
    ("es-ultimas-noticias", site("", "es", after=latest(("9 de marzo de 2026", "8 de marzo de 2026"),
                                                       "ultimas-noticias")), "https://www.example.es/b/1", None),
    ("de-weitere-artikel", site("", "de", after=latest(("09.03.2026", "08.03.2026"), "weitere-artikel")),
     "https://www.example.de/b/1", None),
    ("fr-autres-articles", site("", "fr", after=latest(("9 mars 2026", "8 mars 2026"), "autres-articles")),
     "https://www.example.fr/b/1", None),
    ("it-altre-notizie", site("", "it", after=latest(("9 marzo 2026", "8 marzo 2026"), "altre-notizie")),
     "https://www.example.it/b/1", None),
    ("id-berita-terkait", site("", "id", after=latest(("9 Maret 2026",), "berita-terkait")),
     "https://www.example.co.id/b/1", None),
    ("tr-ilgili-haberler", site("", "tr", after=latest(("9 Mart 2026",), "ilgili-haberler")),
     "https://www.example.com.tr/b/1", None),
    ("fr-a-lire-aussi", site("", "fr", after=latest(("9 mars 2026",), "a-lire-aussi")), "https://www.example.fr/b/2",
     None),
    ("pt-leia-tambem-slashed", site("", "pt-BR", after=latest(("09/03/2026", "08/03/2026"), "leia-tambem")),
     "https://www.example.com.br/b/1", None),
    ("de-mehr-zum-thema-own-date", site('<p class="date">12.03.2026</p>', "de",
                                        after=latest(("09.03.2026",), "mehr-zum-thema")),
     "https://www.example.de/b/2", MAR_12),
]

# --- 5. month names of Morocco and Myanmar; dashed and bracketed forms ------------------------------
MONTH_FORMS: list[tuple[str, str, str, date | None]] = [
    ("ma-yulyuz", page("12 يوليوز 2025", "ar"), "https://www.example.ma/a/1", date(2025, 7, 12)),
    ("ma-ghusht", page("12 غشت 2025", "ar"), "https://www.example.ma/a/2", date(2025, 8, 12)),
    ("ma-shutanbir", page("12 شتنبر 2025", "ar"), "https://www.example.ma/a/3", date(2025, 9, 12)),
    ("ma-dujanbir", page("12 دجنبر 2025", "ar"), "https://www.example.ma/a/4", date(2025, 12, 12)),
    ("my-year-first", page("၂၀၂၆ မတ်လ ၁၂ ရက်", "my"), "https://www.example.com.mm/a/1", MAR_12),
    ("en-in-dashed-caps", page("12-MAR-2026 09:15", "en-IN"), "https://www.example.in/a/1", MAR_12),
    ("ar-levant-bracketed", page("12 آذار (مارس) 2026", "ar"), "https://www.example.lb/a/1", MAR_12),
]

# --- 6. a photo's upload month is no day ------------------------------------------------------------
_PHOTO = '<figure><img src="/wp-content/uploads/2026/03/council.jpg" alt="The council"></figure>'
IMAGE_MONTH: list[tuple[str, str, str, date | None]] = [
    ("wp-upload-month-only", page("", story=_PHOTO + STORY), COM, None),
    ("wp-upload-month-og-image", page("", head='<meta property="og:image" content="https://news.example.com/'
                                               'wp-content/uploads/2026/03/council-1200x630.jpg">'), COM, None),
    ("wp-upload-month-byline", page("March 12, 2026", story=_PHOTO + STORY), COM, MAR_12),
    ("wp-upload-month-first-stated", page("March 1, 2026", story=_PHOTO + STORY), COM, date(2026, 3, 1)),
]

PAGES = KOREAN + LUNAR + TOPBAR + LISTS + MONTH_FORMS + IMAGE_MONTH

# --- the second set: the same classes on other days and in other forms; not used to choose the rules ---
NOV_9 = date(2025, 11, 9)
AFTER: list[tuple[str, str, str, date | None]] = [
    ("ko-nov-short", page("승인 25.11.09 20:15", "ko-KR"), KR + "b1", NOV_9),
    ("ko-nov-slashed", page("등록 25/11/09 20:15", "ko"), KR + "b2", NOV_9),
    ("zh-lunar-mid-autumn", page("农历2025年8月15日", "zh-CN"), CN + "b1", None),
    ("ko-lunar-chuseok", page("음력 2025.08.15", "ko"), KR + "b3", None),
    ("topbar-main-nov", main_page('<div class="article-topbar-wrap"><div class="topbar">Nov 9, 2025</div></div>'),
     COM, NOV_9),
    ("pt-leia-tambem", site("", "pt-BR", after=latest(("7 de novembro de 2025",), "leia-tambem")),
     "https://www.example.com.br/b/1", None),
    ("nl-meer-nieuws", site("", "nl", after=latest(("7 november 2025",), "meer-nieuws")),
     "https://www.example.nl/b/1", None),
    ("pl-czytaj-takze", site("", "pl", after=latest(("7 listopada 2025",), "czytaj-takze")),
     "https://www.example.pl/b/1", None),
    ("ma-nunbir", page("9 نونبر 2025", "ar"), "https://www.example.ma/b/1", NOV_9),
    ("my-day-first", page("၉ နိုဝင်ဘာ ၂၀၂၅", "my"), "https://www.example.com.mm/b/1", NOV_9),
    ("en-dashed-nov", page("09-NOV-2025", "en-GB"), "https://www.example.co.uk/b/1", NOV_9),
    ("ar-levant-nov", page("9 تشرين الثاني (نوفمبر) 2025", "ar"), "https://www.example.sy/b/1", NOV_9),
    ("es-mx-relacionadas-slashed", site("", "es-MX", after=latest(("07/11/2025",), "notas-relacionadas")),
     "https://www.example.com.mx/b/1", None),
    ("wp-upload-month-nov", page("", story='<img src="/wp-content/uploads/2025/11/photo-768x512.jpg">' + STORY),
     COM, None),
]


if __name__ == "__main__" and "probe" in sys.argv[1:]:
    probe(AFTER if "after" in sys.argv[1:] else PAGES)
