# ruff: noqa: RUF001  (fullwidth punctuation and letters of other scripts are the pages' own)
"""The tenth pass's batch of hand-written class pages (docs/extraction.md, "Tenth date pass"): the
classes the ninth pass left, regions and CMSs still thin in the batches, and markup classes.

Every page is written from how its class prints dates, not copied from any site. Each entry is
(name, html, url, the publication day). Shared by tests/test_date_classes11.py and the probe
`python -m tests.date_batch11 probe` (which prints how many are right).
"""

from __future__ import annotations

import sys
from datetime import date

from tests.date_batch10 import COM, MARCH_4, ld, ldj, meta, pg
from tests.test_date_classes import STORY, page

FEB_17 = date(2026, 2, 17)

# --- 1. left by the ninth pass ------------------------------------------------------------------
YEARLESS_LEFT = [  # a day and month without a year, the page's only date (all 4 March)
    ("zh", "03-04 10:30"), ("zh", "发布时间：03-04 10:30"), ("zh-CN", "03-04 10:30 来源：本报"),
    ("vi", "Thứ tư, 4/3 10:30"), ("vi", "4/3 10:30 (GMT+7)"),
]
LEFT: list[tuple[str, str, str, date]] = [
    ("lv-gada", page("2026. gada 17. februāris", "lv"), "https://www.example.lv/a", FEB_17),
    ("lv-gada-locative", page("Publicēts: 2026. gada 17. februārī, 10:30", "lv"), "https://www.example.lv/a", FEB_17),
    ("lt-m-d", page("2026 m. vasario 17 d. 10:30", "lt"), "https://www.example.lt/a", FEB_17),
    ("lt-m-d-no-space", page("2026 m. vasario 17 d.", "lt"), "https://www.example.lt/a", FEB_17),
    # a plain `en` .com's slashed JSON-LD date, no locale meta: other dates in the page decide
    ("en-com-ld-modified-unambiguous",
     page(head=ld(datePublished="03/04/2026 10:30 AM", dateModified="03/13/2026 09:00 AM")), COM, MARCH_4),
    ("en-com-ld-modified-iso", page(head=ld(datePublished="03/04/2026") + meta("article:modified_time",
                                                                               "2026-03-04T16:00:00Z")),
     COM, MARCH_4),
    ("en-com-ld-url-month", page(head=ld(datePublished="03/04/2026")), "https://www.example.com/2026/03/story", MARCH_4),
    ("en-com-ld-day-first-evidence", page(head=ld(datePublished="04/03/2026", dateModified="13/03/2026")),
     COM, MARCH_4),
]

# --- 2. regions and CMSs still thin in the batches ---------------------------------------------
WORLD: list[tuple[str, str, str, date]] = [
    # Central Asia
    ("kz-ru-dotted", page("04.03.2026, 10:30", "ru"), "https://www.example.kz/news/1", MARCH_4),
    ("kk-named", page("4 наурыз 2026, 10:30", "kk"), "https://www.example.kz/kk/1", MARCH_4),
    ("uz-latin-yil", page("2026-yil 4-mart, 10:30", "uz"), "https://www.example.uz/1", MARCH_4),
    ("uz-latin-dmy", page("04.03.2026 10:30", "uz"), "https://www.example.uz/2", MARCH_4),
    ("ky-cyrillic", page("4-март, 2026-жыл", "ky"), "https://www.example.kg/1", MARCH_4),
    ("tg-named", page("04 марти 2026", "tg"), "https://www.example.tj/1", MARCH_4),
    # Caucasus
    ("ka-named", page("4 მარტი, 2026", "ka"), "https://www.example.ge/1", MARCH_4),
    ("hy-genitive", page("Մարտի 4, 2026 10:30", "hy"), "https://www.example.am/1", MARCH_4),
    ("az-named", page("04 mart 2026 10:30", "az"), "https://www.example.az/1", MARCH_4),
    ("az-dotted", page("04.03.2026 | 10:30", "az"), "https://www.example.az/2", MARCH_4),
    # Balkans
    ("sr-cyrillic", page("4. март 2026. 10:30", "sr"), "https://www.example.rs/1", MARCH_4),
    ("bs-dotted-u", page("04.03.2026. u 10:30", "bs"), "https://www.example.ba/1", MARCH_4),
    ("mk-dotted", page("04.03.2026 10:30", "mk"), "https://www.example.mk/1", MARCH_4),
    ("sq-named", page("4 Mars 2026, 10:30", "sq"), "https://www.example.al/1", MARCH_4),
    ("sl-spaced", page("4. 3. 2026 ob 10.30", "sl"), "https://www.example.si/1", MARCH_4),
    ("hr-u", page("4. ožujka 2026. u 10:30", "hr"), "https://www.example.hr/1", MARCH_4),
    ("me-latin", page("Objavljeno: 04.03.2026. 10:30h", "sr-ME"), "https://www.example.me/1", MARCH_4),
    # Africa, French and Portuguese press
    ("fr-sn-weekday", page("Publié le mercredi 4 mars 2026 à 10:30", "fr"), "https://www.example.sn/1", MARCH_4),
    ("fr-cm-dash", page("04 mars 2026 - 10h30", "fr"), "https://www.example.cm/1", MARCH_4),
    ("fr-dz-update-first", page("Mis à jour le 06/03/2026 - Publié le 04/03/2026", "fr"),
     "https://www.example.dz/1", MARCH_4),
    ("fr-ma-le", page("Le 04/03/2026 à 10h30", "fr"), "https://www.example.ma/1", MARCH_4),
    ("pt-ao-de", page("04 de Março de 2026", "pt"), "https://www.example.co.ao/1", MARCH_4),
    ("pt-mz-publicado", page("Publicado em 04/03/2026 | 10:30", "pt"), "https://www.example.co.mz/1", MARCH_4),
    ("pt-cv-named", page("4 Março 2026", "pt"), "https://www.example.cv/1", MARCH_4),
    # South-East Asia's English press
    ("en-sg-short", page("Mar 4, 2026, 10:30 AM", "en"), "https://www.example.com.sg/1", MARCH_4),
    ("en-my-myt", page("Wednesday, 04 Mar 2026 10:30 AM MYT", "en"), "https://www.example.my/1", MARCH_4),
    ("en-ph-bar", page("March 4, 2026 | 10:30 AM", "en"), "https://www.example.ph/1", MARCH_4),
    ("en-th-at", page("4 Mar 2026 at 10:30", "en"), "https://www.example.co.th/1", MARCH_4),
    # Pakistan and Bangladesh English press
    ("en-pk-published", page("Published March 4, 2026", "en"), "https://www.example.com.pk/1", MARCH_4),
    ("en-pk-update-first", page("Updated 06 Mar, 2026 09:00am | Published 04 Mar, 2026 10:30am", "en"),
     "https://www.example.com.pk/2", MARCH_4),
    ("en-pk-dashed", page("04-03-2026", "en"), "https://www.example.pk/3", MARCH_4),
    ("en-bd-publish-dash", page("Publish- March 04, 2026 10:30 AM", "en"), "https://www.example.com.bd/1", MARCH_4),
    ("en-bd-update-first", page("Update : 06 Mar 2026, 09:00 | Published : 04 Mar 2026, 10:30", "en"),
     "https://www.example.com.bd/2", MARCH_4),
    # the Gulf's Arabic press, both calendars
    ("ar-both-calendars", page("الأربعاء 15 رمضان 1447 هـ - 4 مارس 2026 م", "ar"), "https://www.example.sa/1", MARCH_4),
    ("ar-numeric-both", page("1447/09/15 هـ الموافق 04/03/2026 م", "ar"), "https://www.example.sa/2", MARCH_4),
    ("ar-ae-named", page("4 مارس 2026 10:30", "ar"), "https://www.example.ae/1", MARCH_4),
    ("en-qa-dash", page("March 04, 2026 - 10:30 am", "en"), "https://www.example.com.qa/1", MARCH_4),
]

# --- markup classes -------------------------------------------------------------------------------
_RELATED_ASIDE = ('<aside class="related"><h3>Related</h3><ul>' + "".join(
    f'<li><a href="/r{n}">Another story {n}</a> <time datetime="2026-03-1{n}T08:00:00Z">1{n} March 2026</time></li>'
    for n in (0, 1)) + "</ul></aside>")
_IMAGE_ALT = ('<figure><img src="/p.jpg" alt="Protest on 12 January 2026 in the capital">'
              "</figure>")
MARKUP: list[tuple[str, str, str, date | None]] = [
    ("time-related-aside-before-own", pg('<time datetime="2026-03-04T10:30:00+01:00">4 March 2026</time>',
                                         before=_RELATED_ASIDE), COM, MARCH_4),
    ("time-related-aside-in-article", page('<time datetime="2026-03-04T10:30:00+01:00">4 March 2026</time>',
                                           story=_RELATED_ASIDE + STORY), COM, MARCH_4),
    ("time-related-aside-only", pg(before=_RELATED_ASIDE), COM, None),
    ("ld-modified-before-published", page(head=ld(datePublished="2026-03-04T10:30:00+01:00",
                                                  dateModified="2026-03-02T09:00:00+01:00")), COM, MARCH_4),
    ("ld-modified-before-published-byline", page("4 March 2026", head=ld(datePublished="2026-03-04T10:30:00+01:00",
                                                                          dateModified="2026-02-20T09:00:00Z")),
     COM, MARCH_4),
    ("title-only", page().replace("<title>Council approves", "<title>04.03.2026 - Council approves"), COM, MARCH_4),
    ("title-only-named", page().replace("<title>Council approves", "<title>March 4, 2026: Council approves"),
     COM, MARCH_4),
    ("image-alt-not-the-date", page("4 March 2026", story=_IMAGE_ALT + STORY), COM, MARCH_4),
    ("image-alt-only", page(story=_IMAGE_ALT + STORY), COM, None),
    ("image-alt-with-ld", page(head=ld(datePublished="2026-03-04T10:30:00+01:00"), story=_IMAGE_ALT + STORY),
     COM, MARCH_4),
    ("ld-utc-evening-jakarta", page(head=ld(datePublished="2026-03-03T20:30:00Z"), lang="id"),
     "https://www.example.co.id/1", MARCH_4),
    ("ld-graph-modified-first", page(head=ldj({"@graph": [
        {"@type": "WebPage", "dateModified": "2026-03-01T00:00:00Z"},
        {"@type": "NewsArticle", "dateModified": "2026-03-03T00:00:00Z", "datePublished": "2026-03-04T10:30:00Z"}]})),
     COM, MARCH_4),
]

PAGES = LEFT + WORLD + MARKUP


def probe() -> None:
    from newsflow.extract import extract_article

    right = 0
    for name, html, url, day in PAGES:
        article = extract_article(html, url)
        got = article.published_date if article is not None else None
        right += got == day
        if got != day:
            print(f"MISS {name}: {got} (want {day})")
    month_days = 0
    for lang, byline in YEARLESS_LEFT:
        article = extract_article(page(byline, lang), COM)
        got = (article.published_date, article.published_month_day) if article is not None else None
        month_days += got == (None, (3, 4))
        if got != (None, (3, 4)):
            print(f"MISS yearless {lang} {byline}: {got}")
    print(f"{right} of {len(PAGES)} right; yearless {month_days} of {len(YEARLESS_LEFT)}")


if __name__ == "__main__" and "probe" in sys.argv[1:]:
    probe()
