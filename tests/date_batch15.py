# ruff: noqa: RUF001, RUF003  (letters of other scripts are the pages' own)
"""The fifteenth date pass's batch of hand-written class pages (docs/extraction.md, "Fifteenth pass,
dates"): dates in the Hebrew calendar only, dates in Chinese numerals (and Japanese era years in them),
Greek short month names, and Khmer, Mongolian and Basque dates; some pages carry the site's masthead
with today's date, which htmldate takes when it reads no date under the headline. And pages whose only
dates are another block's (the masthead's today, a "latest" list, a reader's comment).

Every page is written from how its class prints dates, not copied from any site. Each entry is
(name, html, url, the publication day). Shared by tests/test_date_classes15.py and the probe
`python -m tests.date_batch15 probe [after]` (which prints how many are right).
"""

from __future__ import annotations

import sys
from datetime import date

from tests.date_batch10 import COM
from tests.date_batch12 import probe
from tests.test_date_classes import STORY, TITLE, page

MAR_12 = date(2026, 3, 12)  # a Thursday: 23 Adar 5786 in the Hebrew calendar


def masthead(byline: str, lang: str, today: str) -> str:
    """A page whose header prints today's date (the fetch day, a week after the story) above the
    story's own byline."""
    return (f'<html lang="{lang}"><head><title>{TITLE}</title></head><body><header><div class="today">{today}'
            f'</div><a href="/">Home</a></header><article><h1>{TITLE}</h1><div class="byline"><span class="author">'
            f'A. Writer</span> <span class="when">{byline}</span></div>{STORY}</article>'
            f"<footer>© 2026 Example</footer></body></html>")


IL, CN, GR = "https://www.example.co.il/a/", "https://www.example.cn/a/", "https://www.example.gr/a/"

# --- 1. the Hebrew calendar only: day and year in letters (gematria) -------------------------------
HEBREW: list[tuple[str, str, str, date | None]] = [
    ("he-hebrew-only", page('כ"ג באדר תשפ"ו', "he"), IL + "1", MAR_12),
    ("he-hebrew-gershayim-weekday", page("יום חמישי, כ״ג באדר תשפ״ו 09:15", "he"), IL + "2", MAR_12),
    ("he-hebrew-he-prefix", page("כ\"ג אדר ה'תשפ\"ו", "he"), IL + "3", MAR_12),
    ("he-hebrew-masthead", masthead('כ"ג באדר תשפ"ו', "he", "19.03.2026"), IL + "4", MAR_12),
    ("he-hebrew-adar-ii", page("י\"ד באדר ב' תשפ\"ד", "he"), IL + "5", date(2024, 3, 24)),  # Purim of a leap year
    ("he-hebrew-tishrei", page("א' בתשרי תשפ\"ו", "he"), IL + "6", date(2025, 9, 23)),  # Rosh Hashanah
    ("he-hebrew-leap-plain-adar", page('י"ד באדר תשפ"ד', "he"), IL + "7", None),  # Adar I or II: not said
    ("he-both-calendars", page('כ"ג באדר תשפ"ו | 12.03.2026', "he"), IL + "8", MAR_12),
]

# --- 2. Chinese numerals: the year digit by digit, month and day counted ---------------------------
NUMERALS: list[tuple[str, str, str, date | None]] = [
    ("zh-ling", page("二〇二六年三月十二日", "zh-CN"), CN + "1", MAR_12),
    ("zh-zero-weekday", page("二零二六年三月十二日 星期四", "zh-CN"), CN + "2", MAR_12),
    ("zh-tw-circle", page("二○二六年三月十二日", "zh-TW"), "https://www.example.com.tw/a/1", MAR_12),
    ("zh-tw-minguo", page("中華民國一一五年三月十二日", "zh-TW"), "https://www.example.com.tw/a/2", MAR_12),
    ("ja-era-kanji", page("令和八年三月十二日", "ja"), "https://www.example.jp/a/1", MAR_12),
    ("zh-masthead", masthead("二〇二六年三月十二日", "zh-CN", "2026年3月19日"), CN + "3", MAR_12),
    ("zh-year-end", page("二〇二五年十二月三十一日", "zh-CN"), CN + "4", date(2025, 12, 31)),
]

# --- 3. Greek short month names ("Μαρ", "Μαρ.", "ΜΑΡ") under a masthead's today --------------------
GREEK: list[tuple[str, str, str, date | None]] = [
    ("el-short-published", masthead("Δημοσίευση: 12 Μαρ 2026 09:15", "el", "19.03.2026"), GR + "1", MAR_12),
    ("el-short-dot", masthead("Δημοσίευση 12 Μαρ. 2026, 09:15", "el", "Πέμπτη 19 Μαρτίου 2026"), GR + "2", MAR_12),
    ("el-short-caps", masthead("ΔΗΜΟΣΙΕΥΣΗ: 12 ΜΑΡ 2026", "el", "19/03/2026"), GR + "3", MAR_12),
    ("el-genitive-guard", page("12 Μαρτίου 2026, 09:15", "el"), GR + "4", MAR_12),
]

# --- 4. Khmer, Mongolian and Basque dates ------------------------------------------------------------
MORE: list[tuple[str, str, str, date | None]] = [
    ("km-khmer", page("ថ្ងៃទី១២ ខែមីនា ឆ្នាំ២០២៦", "km"), "https://www.example.com.kh/a/1", MAR_12),
    ("km-khmer-masthead", masthead("ថ្ងៃព្រហស្បតិ៍ ទី១២ ខែមីនា ឆ្នាំ២០២៦", "km", "19/03/2026"),
     "https://www.example.com.kh/a/2", MAR_12),
    ("mn-digits", page("2026 оны 3 сарын 12, 09:15", "mn"), "https://www.example.mn/a/1", MAR_12),
    ("mn-ordinal", page("2026 оны гуравдугаар сарын 12", "mn"), "https://www.example.mn/a/2", MAR_12),
    ("eu-basque", page("2026ko martxoaren 12a", "eu"), "https://www.example.eus/a/1", MAR_12),
    ("eu-basque-masthead", masthead("2026ko martxoaren 12a, 09:15", "eu", "2026/03/19"),
     "https://www.example.eus/a/2", MAR_12),
]



def site(body: str, lang: str = "en", top: str = "", after: str = "", head: str = "") -> str:
    """A page with a site header (`top`) above the `<article>` (`body` after its headline) and blocks after it."""
    return (f'<html lang="{lang}"><head><title>{TITLE}</title>{head}</head><body><header class="site">{top}'
            f'<a href="/">Home</a></header><main><article><h1>{TITLE}</h1>{body}{STORY}</article>{after}</main>'
            f"<footer>© 2026 Example</footer></body></html>")


def latest(days: tuple[str, ...], kind: str = "latest-news") -> str:
    return f'<div class="{kind}"><h3>Latest</h3><ul>' + "".join(
        f'<li><a href="/s{index}">Another story {index}</a> <span class="date">{day}</span></li>'
        for index, day in enumerate(days)) + "</ul></div>"


def comments(stamp: str, kind: str = 'section id="comments"') -> str:
    tag = kind.split()[0]
    return (f'<{kind}><h3>2 comments</h3><div class="comment"><span class="author">Reader</span> '
            f'<span class="date">{stamp}</span><p>Thanks for writing this up so clearly, it helped.</p></div></{tag}>')


TODAY = '<div class="top-bar"><span class="today">Thursday, March 19, 2026</span></div>'
OWN = '<div class="byline">By A. Writer <span class="when">March 12, 2026</span></div>'

# --- 5. a date in another block: the masthead's today, a "latest" list, a comment ------------------
# A page that states no date of its own is dated by its feed; htmldate takes one of these instead.
ELSEWHERE: list[tuple[str, str, str, date | None]] = [
    ("masthead-today-no-own-date", site("", top=TODAY), COM, None),
    ("masthead-banner-no-own-date", site("", "en-GB", top='<p class="date">19 March 2026</p>').replace(
        '<header class="site">', '<header role="banner">'), "https://www.example.co.uk/a/1", None),
    ("latest-list-no-own-date", site("", top=latest(("March 9, 2026", "March 8, 2026"))), COM, None),
    ("comments-no-own-date", site("", after=comments("March 19, 2026 at 10:00 am")), COM, None),
    ("comments-in-article-no-own-date", site(comments("March 19, 2026 at 10:00 am", 'div class="comment-list"')),
     COM, None),
    ("de-comments-no-own-date", site("", "de", after=comments("19.03.2026, 10:00 Uhr",
                                                               'div id="kommentare" class="comments"')),
     "https://www.example.de/a/1", None),
    ("masthead-today-own-date", site(OWN, top=TODAY), COM, MAR_12),
    ("comments-own-date", site(OWN, after=comments("March 19, 2026 at 10:00 am")), COM, MAR_12),
    ("article-header-own-date", site("").replace(f"<h1>{TITLE}</h1>", f'<header class="entry-header"><h1>{TITLE}'
                                                 '</h1><p class="date">March 12, 2026</p></header>'), COM, MAR_12),
    ("byline-header-after-headline", site('<header class="byline"><span>March 12, 2026</span></header>'), COM,
     MAR_12),
]

PAGES = HEBREW + NUMERALS + GREEK + MORE + ELSEWHERE

# --- the second set: the same classes on other days, in other forms; not used to choose the rules ---
NOV_9 = date(2025, 11, 9)  # a Sunday: 18 Heshvan 5786
AFTER: list[tuple[str, str, str, date | None]] = [
    ("he-tu-bishvat", page('ט"ו בשבט תשפ"ו', "he"), IL + "b1", date(2026, 2, 2)),
    ("he-hanukkah-masthead", masthead("כ״ה בכסלו תשפ״ו", "he", "22.12.2025"), IL + "b2", date(2025, 12, 15)),
    ("he-passover-5784", page('ט"ו בניסן תשפ"ד', "he"), IL + "b3", date(2024, 4, 23)),
    ("zh-nov", page("二〇二五年十一月九日", "zh-CN"), CN + "b1", NOV_9),
    ("zh-nov-zero", masthead("二零二五年十一月九日 星期日", "zh-CN", "2025年11月16日"), CN + "b2", NOV_9),
    ("ja-heisei-last", page("平成三十一年四月三十日", "ja"), "https://www.example.jp/b/1", date(2019, 4, 30)),
    ("ja-reiwa-first", page("令和元年五月一日", "ja"), "https://www.example.jp/b/2", date(2019, 5, 1)),
    ("el-nov-short", masthead("Δημοσίευση: 9 Νοε 2025, 20:15", "el", "16.11.2025"), GR + "b1", NOV_9),
    ("el-sept-short", masthead("30 Σεπτ. 2025", "el", "07.10.2025"), GR + "b2", date(2025, 9, 30)),
    ("km-nov", page("ថ្ងៃទី៩ ខែវិច្ឆិកា ឆ្នាំ២០២៥", "km"), "https://www.example.com.kh/b/1", NOV_9),
    ("mn-nov-ordinal", page("2025 оны арван нэгдүгээр сарын 9", "mn"), "https://www.example.mn/b/1", NOV_9),
    ("eu-nov", page("2025eko azaroaren 9a", "eu"), "https://www.example.eus/b/1", NOV_9),
    # written before the rule for class 5, not used to choose it
    ("es-site-header-today", site("", "es", top='<div class="site-header__date">Jueves, 19 de marzo de 2026</div>'),
     "https://www.example.es/b/1", None),
    ("wp-commentlist", site("", after='<ol class="commentlist"><li class="comment"><div class="comment-meta">'
                                      'November 16, 2025 at 9:00 am</div><p>Well said.</p></li></ol>'), COM, None),
    ("latest-stories-section", site("", after=latest(("12.03.2026", "11.03.2026"), "latest-stories")), COM, None),
    ("es-ultimas-noticias", site("", "es", top=latest(("9 de marzo de 2026",), "ultimas-noticias")),
     "https://www.example.es/b/2", None),
    ("masthead-today-ld", site("", top=TODAY, head='<script type="application/ld+json">{"@type": "NewsArticle", '
                               '"datePublished": "2025-11-09T08:15:00Z"}</script>'), COM, NOV_9),
    ("fr-commentaires", site("", "fr", after=comments("le 19/03/2026 à 10h00", 'div id="commentaires"')),
     "https://www.example.fr/b/1", None),
]


if __name__ == "__main__" and "probe" in sys.argv[1:]:
    probe(AFTER if "after" in sys.argv[1:] else PAGES)
