# ruff: noqa: RUF001  (letters of other scripts are the pages' own)
"""The fourteenth date pass's batch of hand-written class pages (docs/extraction.md, "Fourteenth pass,
dates"): the Ethiopian calendar of Amharic pages, Spanish dates with "de"/"del" before the year,
Thai bylines ending in "น." (the abbreviation of "o'clock"), an AMP page's URL day for a page dated
nowhere else, and the CJK, Japanese era and Korean forms main already read, kept as a guard.

Every page is written from how its class prints dates, not copied from any site. Each entry is
(name, html, url, the publication day). Shared by tests/test_date_classes14.py and the probe
`python -m tests.date_batch14 probe [after]` (which prints how many are right).
"""

from __future__ import annotations

import sys
from datetime import date

from tests.date_batch10 import COM, ld, meta
from tests.date_batch12 import probe, shell
from tests.test_date_classes import page

MAR_12 = date(2026, 3, 12)  # a Thursday: Megabit 3, 2018 in the Ethiopian calendar


def amp(href: str, head: str = "") -> str:
    """A page that states no date, whose AMP version's URL (`<link rel="amphtml">`) names its day."""
    return page(head=f'<link rel="amphtml" href="{href}">{head}')


# --- 1. the Ethiopian calendar (Amharic pages: month names, year ~2018 E.C.) ---------------------------
ETHIOPIAN: list[tuple[str, str, str, date | None]] = [
    ("am-ethiopian-ken-eth", page("መጋቢት 3 ቀን 2018 ዓ.ም", "am"), "https://www.example.et/a/1", MAR_12),
    ("am-ethiopian-comma", page("ሐሙስ፣ መጋቢት 3, 2018", "am"), "https://www.example.et/a/2", MAR_12),
    ("am-ethiopian-day-first", page("3 መጋቢት 2018 ዓ.ም", "am"), "https://www.example.et/a/3", MAR_12),
    ("am-ethiopian-on-com", page("መጋቢት 03 ቀን 2018 ዓ.ም 09:15", "am"), "https://www.example.com/am/1", MAR_12),
    ("am-ethiopian-tahsas", page("ታኅሣሥ 29 ቀን 2018 ዓ.ም", "am"), "https://www.example.et/a/4", date(2026, 1, 7)),
    ("am-ethiopian-tahsas-plain-h", page("ታህሳስ 22, 2018", "am"), "https://www.example.et/a/5", date(2025, 12, 31)),
    ("am-ethiopian-meskerem", page("መስከረም 1 ቀን 2018 ዓ.ም", "am"), "https://www.example.et/a/6", date(2025, 9, 11)),
    ("am-ethiopian-pagume", page("ጳጉሜን 5 ቀን 2017 ዓ.ም", "am"), "https://www.example.et/a/7", date(2025, 9, 10)),
    ("am-gregorian-printed", page("March 12, 2026", "am"), "https://www.example.et/a/8", MAR_12),
    ("am-ethiopian-with-ld", page("መጋቢት 3 ቀን 2018 ዓ.ም", "am", head=ld(datePublished="2026-03-12T09:15:00+03:00")),
     "https://www.example.et/a/9", MAR_12),
]

# --- 2. Spanish month first: "marzo 12 de 2026", "Marzo 12, 2026" (Colombia, Mexico, Central America) ---
SPANISH: list[tuple[str, str, str, date | None]] = [
    ("es-co-mdy-de", page("marzo 12 de 2026", "es-CO"), "https://www.example.com.co/a/1", MAR_12),
    ("es-co-mdy-de-time", page("Marzo 12 de 2026 - 09:15 a. m.", "es-CO"), "https://www.example.com.co/a/2", MAR_12),
    ("es-mx-mdy-comma", page("Marzo 12, 2026 · 09:15 hrs", "es-MX"), "https://www.example.com.mx/a/1", MAR_12),
    ("es-mdy-del", page("Publicado: marzo 12 del 2026", "es"), "https://www.example.com.gt/a/1", MAR_12),
    ("es-mdy-abbrev", page("mar. 12 de 2026", "es"), "https://www.example.com.pa/a/1", MAR_12),
    ("es-dmy-de-guard", page("12 de marzo de 2026", "es"), "https://www.example.es/a/1", MAR_12),
]

# --- 2b. Spanish day first with "del" before the year: "12 de marzo del 2026" (written after rule 2's probe) ---
SPANISH_DEL: list[tuple[str, str, str, date | None]] = [
    ("es-mx-dmy-del", page("Jueves 12 de marzo del 2026, 09:15", "es-MX"), "https://www.example.com.mx/d/1", MAR_12),
    ("es-pe-dmy-del", page("12 de marzo del 2026 | 9:15 a. m.", "es-PE"), "https://www.example.pe/d/1", MAR_12),
    ("es-ar-dmy-del-no-time", page("Publicado el 12 de marzo del 2026", "es-AR"), "https://www.example.com.ar/d/1",
     MAR_12),
]

# --- 3. Thai bylines: a time "09:15 น." ends the line, and is no sentence's end --------------------------
THAI: list[tuple[str, str, str, date | None]] = [
    ("th-published-updated-na", page("เผยแพร่: 12 มี.ค. 2569 09:15 น. ปรับปรุง: 13 มี.ค. 2569 10:00 น.", "th"),
     "https://www.example.co.th/a/1", MAR_12),
    ("th-weekday-long-na", page("โดย ทีมข่าว ต่างประเทศ | วันพฤหัสบดีที่ 12 มีนาคม 2569 เวลา 09:15 น. "
                                "อ่าน 1,234 ครั้ง ข่าว ล่าสุด", "th"), "https://www.example.co.th/a/2", MAR_12),
    ("th-short-na", page("12 มี.ค. 69 09:15 น.", "th"), "https://www.example.co.th/a/3", MAR_12),
    ("th-gregorian-na", page("ข่าว ทั่วไป โดย ผู้สื่อข่าว ประจำ กรุงเทพ 12 มี.ค. 2026 09:15 น. แก้ไข 13 มี.ค. 2026 10:00 น.",
                             "th"), "https://www.example.co.th/a/4", MAR_12),
]

# --- 4. the AMP version's URL: the day of a page dated nowhere else -----------------------------------
AMP: list[tuple[str, str, str, date | None]] = [
    ("amp-link-path-day", amp("https://www.example.com/amp/2026/03/12/council-budget"), COM, MAR_12),
    ("amp-link-relative", amp("/amp/news/2026/03/12/council-budget/"), COM, MAR_12),
    ("amp-link-dashed", amp("https://amp.example.com/news/2026-03-12/council-budget.amp"), COM, MAR_12),
    ("amp-link-no-day", amp("https://www.example.com/amp/news/council-budget"), COM, None),
    ("amp-link-page-dated", page("March 10, 2026", head='<link rel="amphtml" href="/amp/2026/03/12/story">'), COM,
     date(2026, 3, 10)),  # the page's own date first
    ("amp-link-ld-dated", amp("/amp/2026/03/12/story", head=ld(datePublished="2026-03-11T09:15:00Z")), COM,
     date(2026, 3, 11)),
]

# --- 5. forms main already reads, kept as a guard: CJK, Japanese era, Korean, Persian, relative -------
GUARD: list[tuple[str, str, str, date | None]] = [
    ("ja-reiwa-fullwidth", page("令和８年３月１２日 ９時１５分", "ja"), "https://www.example.jp/g/1", MAR_12),
    ("ja-reiwa-weekday", page("令和8年3月12日(木) 09:15", "ja"), "https://www.example.jp/g/2", MAR_12),
    ("ja-year-weekday", page("2026年3月12日（木）9時15分配信", "ja"), "https://www.example.jp/g/3", MAR_12),
    ("ko-nyeon", page("입력 2026년 3월 12일 09:15", "ko"), "https://www.example.co.kr/g/1", MAR_12),
    ("ko-dotted-update", page("기사입력 2026.03.12 09:15 최종수정 2026.03.13 10:00", "ko"),
     "https://www.example.co.kr/g/2", MAR_12),
    ("zh-nian-yue-ri", page("发布时间：2026年03月12日 09:15", "zh-CN"), "https://www.example.cn/g/1", MAR_12),
    ("zh-tw-dashed", page("2026-03-12 09:15 中央社", "zh-TW"), "https://www.example.com.tw/g/1", MAR_12),
    ("fa-jalali", page("۲۱ اسفند ۱۴۰۴ - ۰۹:۱۵", "fa"), "https://www.example.ir/g/1", MAR_12),
    ("fa-jalali-slashed", page("1404/12/21 09:15", "fa"), "https://www.example.ir/g/2", MAR_12),
    ("en-updated-published", page("Updated March 13, 2026 10:00 AM · Published March 12, 2026 9:15 AM"), COM, MAR_12),
    ("en-published-meta-updated", page("Updated March 13, 2026", head=meta("article:published_time",
                                                                          "2026-03-12T09:15:00Z")), COM, MAR_12),
]

PAGES = ETHIOPIAN + SPANISH + SPANISH_DEL + THAI + AMP + GUARD

# --- written after the rules, not tuned on: the same classes on other days, in other forms -----------
NOV_9 = date(2025, 11, 9)  # Tikimt 30, 2018 E.C.
AFTER: list[tuple[str, str, str, date | None]] = [
    ("am-tikimt", page("ጥቅምት 30 ቀን 2018 ዓ.ም", "am"), "https://www.example.et/b/1", NOV_9),
    ("am-hidar-alt", page("ህዳር 1, 2018", "am"), "https://www.example.et/b/2", date(2025, 11, 10)),
    ("am-yekatit", page("የካቲት 12 ቀን 2017 ዓ.ም", "am"), "https://www.example.et/b/3", date(2025, 2, 19)),
    ("am-hamle", page("ሐምሌ 2 ቀን 2017 ዓ.ም", "am"), "https://www.example.et/b/4", date(2025, 7, 9)),
    ("am-nehase-alt", page("ነሃሴ 16, 2017", "am"), "https://www.example.et/b/5", date(2025, 8, 22)),
    ("am-ginbot-day-first", page("9 ግንቦት 2017", "am"), "https://www.example.et/b/6", date(2025, 5, 17)),
    ("am-tir-on-com", shell('<div class="post-date">ጥር 19 ቀን 2018 ዓ.ም</div>', "am"), "https://www.example.com/am/b",
     date(2026, 1, 27)),
    ("es-noviembre-de", page("noviembre 9 de 2025", "es-CO"), "https://www.example.com.co/b/1", NOV_9),
    ("es-noviembre-comma", page("Noviembre 9, 2025 - 8:15 p.m.", "es-MX"), "https://www.example.com.mx/b/1", NOV_9),
    # an update stamp alone: the feed's date dates such a page in a run; without one, the stamp's day, as the last
    # resort (seventeenth pass: `published_by_update`; the fourteenth pass stored none)
    ("es-nov-del", page("Actualizado: noviembre 9 del 2025", "es"), "https://www.example.com.hn/b/1", NOV_9),
    ("es-sept-abbrev", page("sept. 30 de 2025", "es"), "https://www.example.com.co/b/2", date(2025, 9, 30)),
    ("es-dmy-del-nov", page("Domingo 9 de noviembre del 2025 - 20:15", "es-EC"), "https://www.example.com.ec/b/1",
     NOV_9),
    ("th-nov-published-updated", page("เผยแพร่: 9 พ.ย. 2568 08:15 น. ปรับปรุง: 21 พ.ย. 2568 10:00 น.", "th"),
     "https://www.example.co.th/b/1", NOV_9),
    ("th-nov-weekday", page("โดย กองบรรณาธิการ ข่าว สด | วันอาทิตย์ที่ 9 พฤศจิกายน 2568 เวลา 08:15 น. "
                            "ผู้ชม 500 คน ข่าว เด่น", "th"), "https://www.example.co.th/b/2", NOV_9),
    ("amp-nov", amp("https://www.example.com/amp/2025/11/09/story"), COM, NOV_9),
    ("amp-nov-compact", amp("https://www.example.com/amp/story-20251109.html"), COM, NOV_9),
]


if __name__ == "__main__" and "probe" in sys.argv[1:]:
    probe(AFTER if "after" in sys.argv[1:] else PAGES)
